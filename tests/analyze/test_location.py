"""Location: per-beat counts by hand and against the real Durham CSV."""

from __future__ import annotations

import pytest
from analyze_fixtures import as_classified, make_classified

from altresponse import store
from altresponse.analyze import location


def test_beat_counts_rates_and_district_by_hand():
    rows = [
        dict(received_local="2022-01-01 10:00", beat="111", district="D1", eligible=True),
        dict(received_local="2022-01-02 10:00", beat="111", district="D1", eligible=True),
        dict(received_local="2022-01-03 10:00", beat="111", district="D1", eligible=False),
        dict(received_local="2022-01-04 10:00", beat="213", district="D2", eligible=True),
        dict(received_local="2022-01-10 10:00", beat=None, district=None, eligible=True),
    ]
    sec = location(make_classified(rows))
    beats = sec["tables"]["by_beat"].set_index("beat")
    assert beats.loc["111", "calls"] == 3 and beats.loc["111", "eligible_calls"] == 2
    assert beats.loc["111", "share_eligible"] == pytest.approx(2 / 3)
    assert beats.loc["111", "calls_per_day"] == pytest.approx(3 / 10)
    assert beats.loc["111", "share_of_eligible"] == pytest.approx(2 / 4)
    assert beats.loc["213", "district"] == "D2"
    assert sec["tables"]["by_district"].set_index("district").loc["D1", "calls"] == 3
    assert "1 calls (20%) have no beat." in sec["findings"]
    assert sec["headline"].startswith("Beat 111 has the most eligible calls (2,")


def test_unavailable_without_beats_or_districts():
    sec = location(make_classified([dict(received_local="2022-01-01 10:00", eligible=True)]))
    assert sec["available"] is False and "beat" in sec["why"]


def test_real_durham_calls_per_beat_match_the_csv(durham_store, durham_csv):
    sec = location(as_classified(store.calls(durham_store)))
    got = sec["tables"]["by_beat"].set_index("beat")["calls"].to_dict()
    expected = durham_csv["Beat"].value_counts().to_dict()
    assert got == expected
    assert sum(got.values()) == 4033 and len(got) == 12
