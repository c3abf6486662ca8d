"""DECC: full timestamp chain, NULL tokens, blank incident numbers, the repeated 1 am hour on 2025-11-02."""

from __future__ import annotations

import pandas as pd
import pyarrow.parquet as pq
import pytest

from altresponse.ingest import ingest


@pytest.fixture(scope="module")
def decc(real_dir, tmp_path_factory):
    store = tmp_path_factory.mktemp("decc")
    report = ingest(real_dir / "decc_virginia/decc_cad_incidents_2025w35_w48.csv.gz", "decc_virginia", store)
    rows = pq.read_table(sorted((store / "calls").glob("*.parquet"))).to_pylist()
    return report, rows


@pytest.fixture(scope="module")
def raw(real_dir):
    """The raw export read here with pandas: the expected figures come from it, not from ingest."""
    return pd.read_csv(real_dir / "decc_virginia/decc_cad_incidents_2025w35_w48.csv.gz", dtype=str, keep_default_na=False)


def _null(col: pd.Series) -> pd.Series:
    return col.isin(["", "NULL"])  # the adapter's null_values


def test_decc_counts(decc, raw):
    report, rows = decc
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (22147, 22147, 0)
    agencies = {}
    for r in rows:
        agencies[r["agency"]] = agencies.get(r["agency"], 0) + 1
    assert agencies == {"POLICE": 14589, "EMS": 5123, "FIRE": 2435}
    assert sum(r["onscene_at"] is not None for r in rows) == 19465  # 'NULL' read as missing
    assert report.rows_read == len(raw)
    assert agencies == raw.Agency.value_counts().to_dict()
    assert int((~_null(raw.Incident_Arrival_Time)).sum()) == 19465


def test_blank_incident_numbers_get_hash_ids(decc, raw):
    _, rows = decc
    hashed = [r for r in rows if r["source_call_id"] is None]
    assert len(hashed) == 9 == int(_null(raw.Master_Incident_Number).sum())
    assert all(r["call_id"].startswith("decc_virginia:h") for r in hashed)


def test_ambiguous_fall_back_hour(decc, raw):
    report, rows = decc
    amb = [r for r in rows if r["time_flags"] and "ambiguous_dst" in r["time_flags"]]
    assert report.files[0].time_flags["ambiguous_dst"] == len(amb) == 21  # rows with any timestamp in the repeated hour
    # from the raw file: rows with any of the five read timestamps in 2025-11-02 01:00-01:59 (repeated)
    read = ["Incident_Start_Time", "Incident_Dispatch_Time", "Incident_Enroute_Time", "Incident_Arrival_Time", "Incident_First_Close_Time"]
    assert int(raw[read].apply(lambda c: c.str.startswith("2025-11-02 01:")).any(axis=1).sum()) == 21
    received_amb = [r for r in amb if str(r["received_local"]).startswith("2025-11-02 01:")]
    assert received_amb
    # rule: the first occurrence (EDT, UTC-4)
    for r in received_amb:
        assert (r["received_at"].replace(tzinfo=None) - r["received_local"]).total_seconds() == 4 * 3600


def test_channel_and_priority_maps(decc, raw):
    _, rows = decc
    channels = {}
    for r in rows:
        channels[r["channel"]] = channels.get(r["channel"], 0) + 1
    assert channels["self_initiated"] == 2499  # OFFICER
    assert channels["911"] == 6807  # E-911
    assert channels[None] == 662  # NOT CAPTURED 661 + 1 blank
    reception = raw.Call_Reception.value_counts()
    assert (channels["self_initiated"], channels["911"]) == (reception["OFFICER"], reception["E-911"])
    assert channels[None] == reception["NOT CAPTURED"] + int(_null(raw.Call_Reception).sum())
    assert {r["priority"] for r in rows} == {1, 2, 3, 4, 5}
