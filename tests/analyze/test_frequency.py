"""Repeat-call rate on a tiny table, computed by hand."""

from __future__ import annotations

import pytest
from analyze_fixtures import make_classified

from altresponse.analyze import frequency
from altresponse.analyze.frequency import repeat_calls


def tiny():
    return make_classified([
        # place A: calls on day 1, 11 (repeat, 10 days), 50 (39 days: not a repeat)
        dict(received_local="2022-01-01 09:00", location_text="100 block main st", eligible=True, canonical_type="WELFARE"),
        dict(received_local="2022-01-11 09:00", location_text="100 BLOCK MAIN ST ", eligible=True, canonical_type="WELFARE"),
        dict(received_local="2022-02-19 09:00", location_text="100 BLOCK MAIN ST", eligible=True, canonical_type="TRESPASS"),
        # place B (no text; lat/lon rounded to 3 decimals): day 5 (other), day 35 exactly 30 days later (repeat)
        dict(received_local="2022-01-05 08:00", latitude=36.00011, longitude=-78.90004, eligible=False, canonical_type="THEFT"),
        dict(received_local="2022-02-04 08:00", latitude=36.00014, longitude=-78.90001, eligible=True, canonical_type="WELFARE"),
        # place C: single eligible call
        dict(received_local="2022-01-07 08:00", location_text="200 BLOCK OAK AVE", eligible=True, canonical_type="WELFARE"),
        # no place at all: left out
        dict(received_local="2022-01-08 08:00", eligible=True),
    ])


def test_repeat_flags_use_the_previous_call_at_the_same_place():
    rc = repeat_calls(tiny()).order_by("call_id").to_pandas().set_index("call_id")
    assert list(rc["is_repeat"]) == [False, True, False, False, True, False]
    assert rc.loc["t:2", "seconds_since_previous"] == 10 * 86400
    assert rc.loc["t:5", "place"] == "@36.0,-78.9"


def test_repeat_rate_of_eligible_calls():
    sec = frequency(tiny())
    rate = sec["tables"]["repeat_rate"].set_index("group")
    assert rate.loc["eligible", "calls"] == 5 and rate.loc["eligible", "repeat_calls"] == 2
    assert sec["numbers"]["eligible_repeat_rate"] == pytest.approx(2 / 5)
    assert sec["numbers"]["other_repeat_rate"] == 0
    assert sec["headline"].startswith("40% of eligible calls")
    fu = sec["tables"]["follow_up"]
    assert fu.iloc[0]["place"] == "100 BLOCK MAIN ST" and fu.iloc[0]["eligible_calls"] == 3
    assert fu.iloc[0]["call_types"] == 2
    assert sec["numbers"]["calls_with_place"] == 6


def test_unavailable_without_any_location():
    sec = frequency(make_classified([dict(received_local="2022-01-01 09:00", eligible=True)]))
    assert sec == {"available": False, "why": sec["why"]} and "location" in sec["why"]


def test_item9_one_location_key_for_premise_history_and_repeat_places():
    # the repeat-place analysis and premise history key places with the same function, so a
    # point-only call has the same key in both (they differed: 'lat,lon' vs '@lat,lon')
    import ibis

    from altresponse import classify
    from altresponse.analyze import _common
    from altresponse.places import location_key

    assert classify.location_key is location_key and _common.location_key is location_key
    t = ibis.memtable({"location_text": [None], "latitude": [36.00049], "longitude": [-78.9]})
    assert t.select(k=location_key(t)).to_pyarrow().column("k").to_pylist() == ["@36.0,-78.9"]
