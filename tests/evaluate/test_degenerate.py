"""Degenerate designs give a clear error or a clearly flagged result, never a silent number."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from altresponse.errors import UsageError
from altresponse.evaluate.estimators import event_study, twfe
from altresponse.evaluate.panel import Outcome, mark_treatment
from altresponse.evaluate.run import evaluate_panel
from altresponse.evaluate.treatment import Design

WEEKS = [dt.date(2021, 1, 4) + dt.timedelta(weeks=k) for k in range(12)]


def _raw(units=8, seed=0, zero_units=()):
    rng = np.random.default_rng(seed)
    rows = [{"unit": f"u{u}", "period": w, "y": 0 if f"u{u}" in zero_units else int(rng.poisson(20))}
            for u in range(units) for w in WEEKS]
    return pd.DataFrame(rows)


def _adopt(treated, start=WEEKS[6], units=8):
    return {f"u{u}": (start if f"u{u}" in treated else None) for u in range(units)}


def test_no_untreated_units_is_an_error():
    p = mark_treatment(_raw(), {f"u{u}": WEEKS[6] for u in range(8)}, "week")
    with pytest.raises(UsageError, match="no comparison group"):
        twfe(p, "y")


def test_citywide_from_day_one_gives_a_warned_description_only():
    d = Design("t", {f"u{u}": WEEKS[6] for u in range(8)}, citywide_from=WEEKS[6])
    doc = evaluate_panel(_raw(), [Outcome("y", "events", "count", None)], d, period="week")
    assert doc["headline"]["estimator"] == "its_description"
    assert doc["headline"]["ci_low"] is None
    assert "no comparison group" in doc["headline"]["sentence"].lower()
    assert any("WARNING" in w for w in doc["warnings"])


def test_no_pre_period_is_an_error():
    p = mark_treatment(_raw(), _adopt({"u0", "u1"}, start=WEEKS[0]), "week")
    with pytest.raises(UsageError, match="no pre-period"):
        twfe(p, "y")


def test_treated_unit_without_events_is_flagged():
    p = mark_treatment(_raw(zero_units={"u0"}), _adopt({"u0", "u1", "u2"}), "week")
    est = twfe(p, "y")
    assert any("u0" in f and "no y" in f for f in est["flags"])


def test_single_treated_unit_is_flagged():
    est = twfe(mark_treatment(_raw(), _adopt({"u3"}), "week"), "y")
    assert any("one treated unit" in f for f in est["flags"])


def test_all_zero_outcome_is_an_error():
    raw = _raw()
    raw["y"] = 0
    with pytest.raises(UsageError, match="zero or missing in every"):
        twfe(mark_treatment(raw, _adopt({"u0", "u1"}), "week"), "y")


def test_panel_shorter_than_event_window_is_flagged_or_refused():
    es = event_study(mark_treatment(_raw(), _adopt({"u0", "u1", "u2"}), "week"), "y", leads=8, lags=12)
    assert any("shorter than the event window" in f for f in es["flags"])
    assert es["leads"] == 5 and es["lags"] == 6
    with pytest.raises(UsageError, match="an event study needs at least 3"):
        event_study(mark_treatment(_raw(), _adopt({"u0", "u1"}, start=WEEKS[2]), "week"), "y")


def test_dose_check_without_records_uses_the_calls_the_program_routes_to_the_teams():
    raw = _raw()
    raw["_answerable"] = 1  # one routed call per unit-week
    d = Design("t", _adopt({"u0", "u1", "u2"}))
    doc = evaluate_panel(raw, [Outcome("y", "eligible calls", "count", None)], d, period="week", placebo_draws=3)
    dose = doc["results"][0]["dose_check"]
    assert dose["team_calls"] == 3 * 6  # three treated units x six post-launch weeks
    assert "calls the program routes to the teams" in dose["sentence"]
