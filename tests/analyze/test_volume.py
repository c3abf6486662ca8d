"""Volume: hand counts on a fixture, and real Durham monthly counts against pandas."""

from __future__ import annotations

import pandas as pd
import pytest
from analyze_fixtures import as_classified, make_classified

from altresponse import store
from altresponse.analyze import volume


def fixture():
    return make_classified([
        dict(received_local="2022-01-03 09:30", eligible=True, category="welfare", canonical_type="WELFARE", recommended_response="crt", channel="911"),
        dict(received_local="2022-01-03 21:00", eligible=True, category="welfare", canonical_type="WELFARE", recommended_response="crt", channel="phone"),
        dict(received_local="2022-01-04 10:00", eligible=True, category="trespass", canonical_type="TRESPASS", recommended_response="crt", channel="911"),
        dict(received_local="2022-02-01 02:00", eligible=False, category="violent_crime", canonical_type="ASSAULT", recommended_response="police", channel="911"),
        dict(received_local="2022-02-05 12:00", eligible=False, category="traffic", canonical_type="TRAFFIC", recommended_response="police", channel="self_initiated"),
    ])


def test_counts_shares_and_daytime_share():
    sec = volume(fixture())
    n = sec["numbers"]
    assert (n["calls"], n["eligible_calls"], n["days"]) == (5, 3, 34)
    assert n["share_eligible"] == pytest.approx(0.6)
    assert n["share_eligible_daytime"] == pytest.approx(2 / 3)  # 9:30 and 10:00 of 9:30, 21:00, 10:00
    month = sec["tables"]["by_month"]
    assert list(month["calls"]) == [3, 2] and list(month["eligible_calls"]) == [3, 0]
    cat = sec["tables"]["by_category"].set_index("category")
    assert cat.loc["welfare", "calls"] == 2 and cat.loc["welfare", "share_of_calls"] == pytest.approx(0.4)
    hw = sec["tables"]["by_hour_weekday"]
    mon = hw[(hw["weekday_name"] == "Mon")].set_index("hour")  # 2022-01-03 was a Monday
    assert mon.loc[9, "eligible_calls"] == 1 and mon.loc[21, "eligible_calls"] == 1
    assert sec["headline"] == "60% of calls (3 of 5) are eligible for a program response. 67% of them fall between 8am and 8pm."
    assert "20% of calls were self-initiated by officers." in sec["findings"]


def test_date_only_source_has_no_hour_view():
    t = make_classified([dict(received_date="2016-08-01", eligible=True, category="welfare"), dict(received_date="2016-08-02")])
    sec = volume(t)
    assert "by_hour_weekday" not in sec["tables"]
    assert "dates only" in sec["gaps"]["by_hour_weekday"]
    assert sec["numbers"]["days"] == 2


def test_real_durham_calls_per_month_match_the_csv(durham_store, durham_csv):
    sec = volume(as_classified(store.calls(durham_store)))
    expected = pd.to_datetime(durham_csv["Call Date"], format="%m/%d/%Y").dt.to_period("M").value_counts().sort_index()
    got = sec["tables"]["by_month"]
    assert list(got["calls"]) == list(expected.values)
    assert [str(m)[:7] for m in got["month"]] == [str(p) for p in expected.index]
    assert sec["numbers"]["calls"] == len(durham_csv) == 4033
    # hour of day from the local received time matches the CSV's 12-hour clock
    hours = pd.to_datetime(durham_csv["Call Time"], format="%I:%M:%S%p").dt.hour.value_counts()
    got_hours = sec["tables"]["by_hour_weekday"].groupby("hour")["calls"].sum()
    assert got_hours.sort_index().to_dict() == hours.sort_index().to_dict()
