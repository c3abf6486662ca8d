"""Durham: no event number, so ids are a stable hash of the raw row (independent of column order)."""

from __future__ import annotations

import pyarrow.parquet as pq

from altresponse.ingest import ingest


def _ids(store):
    return pq.read_table(sorted((store / "calls").glob("*.parquet")), columns=["call_id", "source_row"]).to_pylist()


def test_hash_ids_are_stable_across_column_order(tmp_path):
    header = "Call Date,Call Time,Priority,Nature,Beat,Longitude,Latitude"
    row = "1/1/2021,12:41:53AM,3,CRISIS,411,-78.8972535,35.9852198"
    (tmp_path / "a.csv").write_text(header + "\n" + row + "\n")
    cols, vals = header.split(","), row.split(",")
    order = [6, 5, 4, 3, 2, 1, 0]
    (tmp_path / "b.csv").write_text(",".join(cols[i] for i in order) + "\n" + ",".join(vals[i] for i in order) + "\n")
    a = ingest(tmp_path / "a.csv", "durham", tmp_path / "sa")
    b = ingest(tmp_path / "b.csv", "durham", tmp_path / "sb")
    assert a.rows_loaded == b.rows_loaded == 1
    assert _ids(tmp_path / "sa")[0]["call_id"] == _ids(tmp_path / "sb")[0]["call_id"]
    # the same row ingested again from another file is a duplicate, not a new call
    again = ingest(tmp_path / "b.csv", "durham", tmp_path / "sa")
    assert again.files[0].quarantine_reasons == {"duplicate_id": 1}
