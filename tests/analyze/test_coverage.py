"""Coverage curves: top-k beats and best h-hour windows, by hand."""

from __future__ import annotations

import pandas as pd
import pytest
from analyze_fixtures import make_classified

from altresponse.analyze import coverage
from altresponse.analyze.coverage import best_hour_windows


def test_best_window_wraps_past_midnight():
    hourly = pd.Series({22: 4, 23: 3, 0: 2, 1: 1, 12: 5})
    curve = best_hour_windows(hourly, hours=[4, 24]).set_index("hours")
    assert curve.loc[4, "start_hour"] == 22 and curve.loc[4, "end_hour"] == 2
    assert curve.loc[4, "eligible_calls"] == 10 and curve.loc[4, "share"] == pytest.approx(10 / 15)
    assert curve.loc[24, "share"] == pytest.approx(1.0)


def test_top_k_beats_and_hours_and_program():
    rows = []
    for beat, n in (("111", 5), ("112", 3), ("213", 2)):
        for i in range(n):
            rows.append(dict(received_local=f"2022-01-01 {9 + i:02d}:00", beat=beat, eligible=True, eligible_crt=True,
                             in_area_crt=beat != "213", in_hours_crt=i < 2))
    rows.append(dict(received_local="2022-01-01 03:00", beat="111", eligible=False, eligible_crt=False))
    sec = coverage(make_classified(rows))
    beats = sec["tables"]["by_beats"]
    assert list(beats["beat"]) == ["111", "112", "213"]
    assert list(beats["cumulative_share"]) == pytest.approx([0.5, 0.8, 1.0])
    assert sec["numbers"]["beats_for_50pct"] == 1 and sec["numbers"]["beats_for_80pct"] == 2
    hours = sec["tables"]["by_hours"].set_index("hours")
    # eligible by hour: 9→3, 10→3, 11→2, 12→1, 13→1
    assert hours.loc[4, "eligible_calls"] == 9 and hours.loc[4, "window"] == "9am–1pm"
    assert hours.loc[5, "share"] == pytest.approx(1.0)
    prog = sec["tables"]["program"].set_index("response")
    assert prog.loc["crt", "eligible_calls"] == 10
    assert prog.loc["crt", "in_area_and_hours"] == 4  # i<2 in beats 111 and 112
    assert sec["headline"] == "1 of 3 beats hold half of eligible calls; a 12-hour day (9am–9pm) reaches 100% of them."


def test_no_eligible_calls_is_unavailable():
    assert coverage(make_classified([dict(received_local="2022-01-01 10:00")]))["available"] is False
