"""Burlington: call_time's wall clock is shifted by the UTC offset (adapter offset: shifted_utc)."""

from __future__ import annotations

import pyarrow.parquet as pq

from altresponse.ingest import ingest


def test_burlington_counts_and_time_quirk(real_dir, tmp_path):
    report = ingest(real_dir / "burlington/bpd_police_incidents_2022h1.csv.gz", "burlington", tmp_path)
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (10830, 10830, 0)
    rows = {r["source_call_id"]: r for r in pq.read_table(sorted((tmp_path / "calls").glob("*.parquet"))).to_pylist()}
    first = rows["22BU000002"]  # call_time 2021-12-31T20:08:55-05:00
    assert str(first["received_local"]) == "2022-01-01 01:08:55"
    assert first["received_at"].isoformat() == "2022-01-01T06:08:55+00:00"
    assert str(first["received_date"]) == "2022-01-01"
    assert first["channel"] == "911" and first["priority"] == 2
    assert first["flag_drug"] is True and first["flag_mental_health"] is False
    dates = sorted(str(r["received_date"]) for r in rows.values())
    assert (dates[0], dates[-1]) == ("2022-01-01", "2022-06-30")
    assert sum(r["flag_mental_health"] for r in rows.values()) == 639
