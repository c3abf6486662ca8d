"""The classified table on disk (call_id + labels) and the one loader that reads it back wide.

The expected wide table is ``classify(calls, program)`` itself, computed in the test on the real
Durham export: the loader must give the same columns, types, order and rows.
"""

from __future__ import annotations

from pathlib import Path

import ibis
import pandas as pd
import pyarrow.parquet as pq
import pytest

from altresponse import engine, store
from altresponse.calls import CALLS_SCHEMA
from altresponse.classified import read_classified
from altresponse.classify import classify, classify_store
from altresponse.errors import InputError, UsageError
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


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values("call_id").reset_index(drop=True)


def test_the_file_holds_call_id_and_labels_only(classified_store):
    names = pq.read_schema(classified_store / "classified" / "durham-heart.parquet").names
    assert names[0] == "call_id"
    assert not set(names) & (set(CALLS_SCHEMA.names) - {"call_id"})
    assert {"canonical_type", "eligible", "recommended_response", "risk_level", "premise_violence", "program_id"} <= set(names)


def test_loader_gives_what_the_wide_file_gave(classified_store, tmp_path):
    # the wide file classify wrote before (every call column + labels), read back as readers read it
    con = engine.connect()
    classify(store.calls(classified_store, con=con), load_program(PROGRAM)).to_parquet(tmp_path / "wide.parquet")
    expected = engine.read_parquet(tmp_path / "wide.parquet", con=con)
    got = read_classified(classified_store, "durham-heart", con=con)
    assert list(got.columns) == list(expected.columns)
    assert got.schema() == expected.schema()
    pd.testing.assert_frame_equal(_sorted(got.to_pandas()), _sorted(expected.to_pandas()))
    assert len(got.to_pandas()) == 3000
    assert "POSITIONAL JOIN" in _view_sql(con, got)  # written in the calls' order: no join at each query


def _view_sql(con, table) -> str:
    return con.raw_sql(f"SELECT sql FROM duckdb_views() WHERE view_name = '{table.get_name()}'").fetchall()[0][0]


def test_labels_out_of_the_calls_order_are_joined_on_call_id(classified_store, tmp_path):
    import shutil

    moved = tmp_path / "store"
    shutil.copytree(classified_store, moved)
    con = engine.connect()
    path = moved / "classified" / "durham-heart.parquet"
    want = read_classified(classified_store, "durham-heart", con=con).to_pandas()
    engine.read_parquet(classified_store / "classified" / "durham-heart.parquet", con=con).order_by(ibis.desc("call_id")).to_parquet(path)
    got = read_classified(moved, "durham-heart", con=con)
    assert "POSITIONAL JOIN" not in _view_sql(con, got)
    pd.testing.assert_frame_equal(_sorted(got.to_pandas()), _sorted(want))


def test_an_older_wide_file_is_read_as_it_is(classified_store, tmp_path):
    import shutil

    old = tmp_path / "store"
    shutil.copytree(classified_store, old)
    con = engine.connect()
    wide = classify(store.calls(old, con=con), load_program(PROGRAM))
    wide.to_parquet(old / "classified" / "durham-heart.parquet")
    got = read_classified(old, "durham-heart", con=con)
    assert list(got.columns) == list(wide.columns) and got.count().execute() == 3000


def test_labels_without_calls_are_refused(classified_store, tmp_path):
    bare = tmp_path / "store"
    (bare / "classified").mkdir(parents=True)
    (bare / "classified" / "durham-heart.parquet").write_bytes((classified_store / "classified" / "durham-heart.parquet").read_bytes())
    with pytest.raises(InputError, match="labels only"):
        read_classified(bare, "durham-heart")


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
