"""Ingest: real Durham figures, reconciliation, re-ingest, malformed input."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from altresponse.calls import CALLS_SCHEMA
from altresponse.errors import AdapterError, InputError
from altresponse.ingest import ingest

DURHAM_CSV = "durham/durham_dpd_cfs_2021_heart_beats_community_safety_types.csv"


def _calls(store: Path):
    return pq.read_table(sorted((store / "calls").glob("*.parquet")))


@pytest.fixture(scope="module")
def durham_store(real_dir, tmp_path_factory):
    store = tmp_path_factory.mktemp("durham")
    report = ingest(real_dir / DURHAM_CSV, "durham", store)
    return store, report


def test_durham_loads_every_row(durham_store):
    _, report = durham_store
    assert report.rows_read == 4033
    assert report.rows_loaded == 4033
    assert report.rows_quarantined == 0
    assert report.files[0].reconciled


def test_durham_counts_by_nature(durham_store):
    store, _ = durham_store
    counts = _calls(store).group_by("type_desc").aggregate([("call_id", "count")]).to_pylist()
    got = {r["type_desc"]: r["call_id_count"] for r in counts}
    assert got == {
        "TRESPASS OR UNWANTED": 2210,
        "CRISIS": 545,
        "WELFARE CHECK": 520,
        "PANHANDLING OR NUISANCE": 371,
        "SUICIDE THREAT": 199,
        "INTOXICATED PERSON": 188,
    }


def test_durham_schema_ids_and_times(durham_store):
    store, _ = durham_store
    t = _calls(store)
    assert t.schema.equals(CALLS_SCHEMA)
    rows = t.to_pylist()
    assert len({r["call_id"] for r in rows}) == 4033
    assert all(r["call_id"].startswith("durham:h") for r in rows)
    first = min(rows, key=lambda r: r["received_at"])
    # 1/1/2021 12:41:53AM Eastern = 05:41:53 UTC
    assert str(first["received_local"]) == "2021-01-01 00:41:53"
    assert first["received_at"].isoformat() == "2021-01-01T05:41:53+00:00"
    assert first["beat"] == "411" and first["agency"] == "POLICE"
    assert {r["priority"] for r in rows} == {2, 3, 4}


def test_reingest_adds_nothing(real_dir, tmp_path):
    first = ingest(real_dir / DURHAM_CSV, "durham", tmp_path)
    again = ingest(real_dir / DURHAM_CSV, "durham", tmp_path)
    assert first.rows_loaded == 4033
    assert again.files[0].already_ingested
    assert again.rows_loaded == 0
    assert _calls(tmp_path).num_rows == 4033
    assert len(list((tmp_path / "ingests").glob("*.json"))) == 1
