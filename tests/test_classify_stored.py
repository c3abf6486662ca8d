"""The classified table classify_store writes, and when stored labels are stale.

The expected table is ``classify(calls, program)`` itself, computed in the test on the real
Durham export: the file must hold the same columns, types and rows.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from altresponse import engine, store
from altresponse.calls import CALLS_SCHEMA
from altresponse.classify import classify, classify_store
from altresponse.errors import UsageError
from altresponse.program import load_program
from altresponse.relabel import stored_or_fresh

from paths import REPO

PROGRAM = REPO / "programs" / "durham-heart.yaml"
DURHAM_CSV = "durham_dpd_cfs_2021_heart_beats_community_safety_types.csv"


def _ingest_lines(real_dir: Path, tmp: Path, rows: slice, name: str, store_dir: Path) -> None:
    from altresponse.ingest import ingest

    lines = (real_dir / "durham" / DURHAM_CSV).read_text(encoding="utf-8").splitlines(keepends=True)
    part = tmp / name
    part.write_text(lines[0] + "".join(lines[1:][rows]), encoding="utf-8")
    ingest(part, "durham", store_dir)


@pytest.fixture(scope="module")
def classified_store(real_dir, tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("classified_store")
    _ingest_lines(real_dir, tmp, slice(0, 3000), "first.csv", tmp / "store")
    classify_store(tmp / "store", PROGRAM)
    return tmp / "store"


def test_the_file_is_classifys_table(classified_store):
    # every call column and the labels, as classify returns them: readers read the file as it is
    # (holding call_id + labels only and pairing them back to the calls cost the report more than
    # it saved classify: benchmarks/README.md)
    con = engine.connect()
    want = classify(store.calls(classified_store, con=con), load_program(PROGRAM))
    got = engine.read_parquet(classified_store / "classified" / "durham-heart.parquet", con=con)
    assert list(got.columns) == list(want.columns)
    assert set(CALLS_SCHEMA.names) <= set(got.columns)
    # values, not types: read back, timestamps have scale 6 and premise_violence is a float
    pd.testing.assert_frame_equal(
        got.to_pandas().sort_values("call_id").reset_index(drop=True),
        want.to_pandas().sort_values("call_id").reset_index(drop=True),
        check_dtype=False,
    )
    assert got.count().execute() == 3000


def test_calls_ingested_after_classify_make_the_labels_stale(real_dir, tmp_path):
    path = tmp_path / "store"
    _ingest_lines(real_dir, tmp_path, slice(0, 1000), "first.csv", path)
    classify_store(path, PROGRAM)
    program = load_program(PROGRAM)
    table, note = stored_or_fresh(path, program)
    assert note is None and table.count().execute() == 1000
    _ingest_lines(real_dir, tmp_path, slice(1000, 1500), "second.csv", path)
    table, note = stored_or_fresh(path, program)
    assert "calls changed" in note and table.count().execute() == 1500


def test_duckdb_settings_defaults_and_overrides(monkeypatch):
    assert engine.duckdb_settings({})["memory_limit"] == engine.DUCKDB_DEFAULTS["memory_limit"]
    assert engine.duckdb_settings({})["preserve_insertion_order"] == "false"
    given = engine.duckdb_settings({"ALTRESPONSE_DUCKDB_MEMORY_LIMIT": "3GB", "ALTRESPONSE_DUCKDB_THREADS": "1"})
    assert given["memory_limit"] == "3GB" and given["threads"] == 1
    with pytest.raises(UsageError, match="ALTRESPONSE_DUCKDB_THREADS"):
        engine.duckdb_settings({"ALTRESPONSE_DUCKDB_THREADS": "many"})
    monkeypatch.setenv("ALTRESPONSE_DUCKDB_MEMORY_LIMIT", "512MB")
    monkeypatch.setenv("ALTRESPONSE_DUCKDB_THREADS", "1")
    con = engine.connect()
    row = con.raw_sql("SELECT current_setting('memory_limit'), current_setting('threads'), current_setting('preserve_insertion_order')").fetchall()[0]
    assert row[1:] == (1, False) and row[0].startswith(("488", "512"))  # DuckDB prints 512MB as 488.2 MiB
    monkeypatch.setenv("ALTRESPONSE_DUCKDB_MEMORY_LIMIT", "lots")
    with pytest.raises(UsageError, match="memory_limit=lots"):
        engine.connect()
