"""DECC: full timestamp chain, NULL tokens, blank incident numbers, the repeated 1 am hour on 2025-11-02."""

from __future__ import annotations

import pyarrow.parquet as pq
import pytest

from altresponse.ingest import ingest


@pytest.fixture(scope="module")
def decc(real_dir, tmp_path_factory):
    store = tmp_path_factory.mktemp("decc")
    report = ingest(real_dir / "decc_virginia/decc_cad_incidents_2025w35_w48.csv.gz", "decc_virginia", store)
    rows = pq.read_table(sorted((store / "calls").glob("*.parquet"))).to_pylist()
    return report, rows


def test_decc_counts(decc):
    report, rows = decc
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (22147, 22147, 0)
    agencies = {}
    for r in rows:
        agencies[r["agency"]] = agencies.get(r["agency"], 0) + 1
    assert agencies == {"POLICE": 14589, "EMS": 5123, "FIRE": 2435}
    assert sum(r["onscene_at"] is not None for r in rows) == 19465  # 'NULL' read as missing


def test_blank_incident_numbers_get_hash_ids(decc):
    _, rows = decc
    hashed = [r for r in rows if r["source_call_id"] is None]
    assert len(hashed) == 9
    assert all(r["call_id"].startswith("decc_virginia:h") for r in hashed)


def test_ambiguous_fall_back_hour(decc):
    report, rows = decc
    amb = [r for r in rows if r["time_flags"] and "ambiguous_dst" in r["time_flags"]]
    assert report.files[0].time_flags["ambiguous_dst"] == len(amb) == 21  # rows with any timestamp in the repeated hour
    received_amb = [r for r in amb if str(r["received_local"]).startswith("2025-11-02 01:")]
    assert received_amb
    # rule: the first occurrence (EDT, UTC-4)
    for r in received_amb:
        assert (r["received_at"].replace(tzinfo=None) - r["received_local"]).total_seconds() == 4 * 3600


def test_channel_and_priority_maps(decc):
    _, rows = decc
    channels = {}
    for r in rows:
        channels[r["channel"]] = channels.get(r["channel"], 0) + 1
    assert channels["self_initiated"] == 2499  # OFFICER
    assert channels["911"] == 6807  # E-911
    assert channels[None] == 662  # NOT CAPTURED 661 + 1 blank
    assert {r["priority"] for r in rows} == {1, 2, 3, 4, 5}
