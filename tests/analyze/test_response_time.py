"""Response-time intervals against hand-computed medians and 90th percentiles."""

from __future__ import annotations

import numpy as np
import pytest
from analyze_fixtures import as_classified, make_classified

from altresponse import store
from altresponse.analyze import response_time
from altresponse.analyze.response_time import interval_table

# six calls whose received→on-scene (total response) seconds are known
RESPONSE = [60, 120, 180, 240, 300, 900]


def six_calls():
    rows = []
    for i, secs in enumerate(RESPONSE):
        rows.append(dict(
            received_local=f"2022-03-0{i + 1} 10:00:00",
            dispatched_after=secs // 3,
            onscene_after=secs,
            cleared_after=secs + 600,
            priority=2 if i < 3 else 3,
            eligible=i >= 3,
            canonical_type="WELFARE" if i >= 3 else "THEFT",
            category="welfare" if i >= 3 else "property_crime",
            channel="911",
            beat="111",
        ))
    return rows


def test_median_and_p90_match_hand_computed_values():
    sec = response_time(make_classified(six_calls()))
    overall = sec["tables"]["overall"].set_index("interval")
    assert overall.loc["response", "median_seconds"] == pytest.approx(210.0)  # (180+240)/2
    # p90 with linear interpolation: rank 0.9*5 = 4.5 → 300 + 0.5*(900-300) = 600
    assert overall.loc["response", "p90_seconds"] == pytest.approx(600.0)
    assert overall.loc["response", "p90_seconds"] == pytest.approx(np.percentile(RESPONSE, 90))
    assert overall.loc["on_scene", "median_seconds"] == pytest.approx(600.0)
    assert overall.loc["response", "median_minutes"] == pytest.approx(3.5)
    assert int(overall.loc["response", "calls"]) == 6


def test_eligible_calls_wait_longer_in_this_fixture():
    sec = response_time(make_classified(six_calls()), min_calls=3)
    evo = sec["tables"]["eligible_vs_other"].query("interval == 'response'").set_index("group")
    assert evo.loc["eligible", "median_seconds"] == pytest.approx(300.0)
    assert evo.loc["other", "median_seconds"] == pytest.approx(120.0)
    assert sec["numbers"]["response_eligible_to_other_ratio"] == pytest.approx(2.5)
    assert sec["headline"].startswith("Eligible calls wait longer")
    by_priority = sec["tables"]["by_priority"].query("interval == 'response'").set_index("priority")
    assert by_priority.loc[2, "median_seconds"] == pytest.approx(120.0)
    assert by_priority.loc[3, "median_seconds"] == pytest.approx(300.0)


def test_calls_without_a_valid_interval_are_counted_by_reason():
    rows = six_calls()
    rows.append(dict(received_local="2022-03-09 10:00:00", dispatched_after=30))  # no on-scene: missing
    rows.append(dict(received_local="2022-03-09 11:00:00", dispatched_after=-20, onscene_after=100))  # backwards
    rows.append(dict(received_local="2022-03-09 12:00:00", dispatched_after=0, onscene_after=0, channel="self_initiated"))
    rows.append(dict(received_local="2022-03-09 13:00:00", dispatched_after=0, onscene_after=0, channel="radio"))  # zero, kept
    sec = response_time(make_classified(rows))
    nc = sec["tables"]["not_computed"].set_index("interval")
    assert nc.loc["processing", "backwards"] == 1
    assert nc.loc["processing", "zero_length_self_initiated"] == 1
    assert nc.loc["response", "missing_timestamp"] == 1
    assert nc.loc["response", "zero_length_self_initiated"] == 1
    assert nc.loc["response", "valid"] == 6 + 1 + 1  # the backwards-dispatch call still has received→on scene
    assert nc.loc["travel", "backwards"] == 0
    assert nc.loc["on_scene", "missing_timestamp"] == 4
    # every call is accounted for in every interval
    assert (nc[["valid", "missing_timestamp", "backwards", "zero_length_self_initiated"]].sum(axis=1) == 10).all()
    iv = interval_table(make_classified(rows)).to_pandas()
    assert iv.query("status != 'valid'")["seconds"].isna().all()


def test_unavailable_without_dispatch_or_onscene_times(durham_store):
    # Durham's real 2021 subset has received times only
    sec = response_time(as_classified(store.calls(durham_store)))
    assert sec["available"] is False
    assert "dispatch" in sec["why"]
