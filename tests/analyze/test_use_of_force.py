"""Use of force: joins by CAD number and by beat/time window; what is said when nothing joins."""

from __future__ import annotations

import ibis
import pandas as pd
import pytest
from analyze_fixtures import make_classified

from altresponse.analyze import use_of_force


def force_table(rows):
    df = pd.DataFrame(rows)
    for col in ("force_id", "source", "cfs_number", "service_type", "district", "beat"):
        df[col] = df.get(col, pd.Series([None] * len(df), dtype=object)).astype(object)
    df["occurred_at"] = pd.to_datetime(df["occurred_at"], format="ISO8601").dt.tz_localize("UTC")
    df["occurred_date"] = df["occurred_at"].dt.date
    df["from_call"] = df["from_call"].astype("boolean")
    return ibis.memtable(df)


def calls():
    rows = []
    for i in range(10):
        rows.append(dict(
            received_local=f"2022-01-0{i % 9 + 1} 10:00",
            source_call_id=f"P22{i:04d}",
            dispatched_after=60 if i < 8 else None,
            cleared_after=3600 if i < 8 else None,
            beat="111" if i % 2 else "222",
            eligible=i < 4,
            canonical_type="WELFARE" if i < 4 else "ASSAULT",
            category="welfare" if i < 4 else "violent_crime",
        ))
    return make_classified(rows)


def test_join_by_cad_event_number():
    force = force_table([
        # two rows for one incident (two officers) on an eligible call
        dict(force_id="F1", source="cin", cfs_number="p220001", occurred_at="2022-01-02 16:00", from_call=True, district="D1"),
        dict(force_id="F1", source="cin", cfs_number="p220001", occurred_at="2022-01-02 16:00", from_call=True, district="D1"),
        dict(force_id="F2", source="cin", cfs_number="P220005", occurred_at="2022-01-06 16:00", from_call=True, district="D2"),
        dict(force_id="F3", source="cin", cfs_number="X999", occurred_at="2022-01-06 16:00", from_call=False, district="D2"),
    ])
    sec = use_of_force(calls(), force)
    n = sec["numbers"]
    assert n["join_method"] == "cad_event_number"
    assert n["force_incidents"] == 3 and n["force_incidents_linked"] == 2
    assert n["force_from_eligible_calls"] == 1 and n["share_force_from_eligible"] == pytest.approx(0.5)
    assert n["force_per_1000_dispatched"] == pytest.approx(2 * 1000 / 8)
    cat = sec["tables"]["by_category"].set_index("category")
    assert cat.loc["welfare", "dispatched_calls"] == 4 and cat.loc["welfare", "force_per_1000"] == pytest.approx(250.0)
    assert cat.loc["violent_crime", "dispatched_calls"] == 4
    assert n["share_force_from_calls"] == pytest.approx(2 / 3)


def test_join_by_beat_and_time_window():
    force = force_table([
        # call t:2 (beat 111) received 2022-01-02 10:00 local = 15:00 UTC, cleared an hour later
        dict(force_id="F1", source="x", occurred_at="2022-01-02 15:30", beat="111", from_call=True),
        dict(force_id="F2", source="x", occurred_at="2022-01-02 15:30", beat="222", from_call=True),  # wrong beat
        dict(force_id="F3", source="x", occurred_at="2022-01-02 17:30", beat="111", from_call=True),  # after clear
    ])
    sec = use_of_force(calls(), force)
    assert sec["numbers"]["join_method"] == "time_and_place"
    assert sec["numbers"]["force_incidents_linked"] == 1
    assert sec["numbers"]["force_from_eligible_calls"] == 1


def test_no_join_reports_share_from_calls_by_district():
    force = force_table([
        dict(force_id="A", source="dallas", occurred_at="2017-05-01 10:00", from_call=True, district="NE"),
        dict(force_id="B", source="dallas", occurred_at="2017-05-02 10:00", from_call=False, district="NE"),
        dict(force_id="C", source="dallas", occurred_at="2017-05-03 10:00", from_call=True, district="SW"),
        dict(force_id="D", source="dallas", occurred_at="2017-05-03 11:00", from_call=None, district="SW"),
    ])
    sec = use_of_force(calls(), force)
    assert sec["available"] is True and sec["numbers"]["join_method"] == "none"
    assert sec["headline"].startswith("No force incident could be linked to a call")
    assert sec["numbers"]["share_force_from_calls"] == pytest.approx(2 / 3)
    d = sec["tables"]["force_by_district"].set_index("district")
    assert d.loc["NE", "share_from_calls"] == pytest.approx(0.5)
    assert d.loc["SW", "share_from_calls"] == pytest.approx(1.0) and d.loc["SW", "activity_unknown"] == 1
    assert "by_category" not in sec["tables"]


def test_no_force_data():
    sec = use_of_force(calls(), None)
    assert sec["available"] is False and "force" in sec["why"]


# --------------------------------------------------------------------------- real files


@pytest.fixture(scope="module")
def durham_and_new_orleans(durham_store, real_dir, tmp_path_factory):
    """Real Durham calls and real New Orleans force (ingested with its adapter) side by side."""
    from analyze_fixtures import as_classified

    from altresponse.ingest import ingest
    from altresponse.store import calls as store_calls
    from altresponse.store import read_table

    force_store = tmp_path_factory.mktemp("new_orleans_force")
    report = ingest(sorted(real_dir.glob("new_orleans/*.csv.gz")), "new_orleans_force", force_store)
    assert report.rows_loaded == 5750
    return as_classified(store_calls(durham_store)), read_table(force_store, "force")


def test_new_orleans_rows_make_2231_incidents(durham_and_new_orleans):
    # 5,750 rows (one per officer, subject or force type), 2,231 'PIB File Number's. From the
    # raw file: 940 incidents have a 'Call for Service' row (FTN2019-0385 also has an
    # 'Arresting' row), 1,174 name only other activities, 117 only 'Other' or blank.
    calls, force = durham_and_new_orleans
    sec = use_of_force(calls, force)
    n = sec["numbers"]
    assert n["force_incidents"] == 2231
    assert n["force_from_calls_for_service"] == 940
    assert n["share_force_from_calls"] == pytest.approx(940 / (940 + 1174))
    row = sec["tables"]["force_by_source"].iloc[0]
    assert (row["incidents"], row["activity_unknown"]) == (2231, 117)


def test_durham_calls_and_new_orleans_force_say_what_cannot_be_joined(durham_and_new_orleans):
    calls, force = durham_and_new_orleans
    sec = use_of_force(calls, force)
    assert sec["numbers"]["join_method"] == "none"
    assert sec["headline"].startswith("No force incident could be linked to a call: the calls are from durham 2021, the force data from new_orleans_force 2016-01-01 to 2020-09-24.")
    j = sec["tables"]["joinability"].iloc[0]
    assert not j["joinable_here"] and j["could_join_by"] == "nothing finer than district and date"
    assert "no new_orleans calls in this store" in j["why_not"] and "does not overlap the calls (2021)" in j["why_not"]
