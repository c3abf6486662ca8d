"""The report's planning section: it exists, its numbers are plan's and simulate's, and it says
when the data cannot support it."""

from __future__ import annotations

import datetime as dt
import doctest
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).parent / "analyze"))
from _planning_fixtures import classified_frame  # noqa: E402
from analyze_fixtures import make_classified  # noqa: E402
from paths import REPO  # noqa: E402

from altresponse.analyze import planning as planning_mod  # noqa: E402
from altresponse.plan import plan  # noqa: E402
from altresponse.program import load_program  # noqa: E402
from altresponse.report.planning import planning as report_section  # noqa: E402
from altresponse.simulate import simulate  # noqa: E402

AS_OF = dt.date(2024, 1, 1)  # durham-heart: citywide period, 08:00-20:00 daily, 5 teams
BUDGET = 5 * 12 * 7


@pytest.fixture(scope="module")
def program():
    return load_program(REPO / "programs" / "durham-heart.yaml")


@pytest.fixture(scope="module")
def frame():
    """Four weeks of eligible calls in three beats, busier by day (seeded)."""
    rng = np.random.default_rng(3)
    minutes = np.sort(rng.uniform(0, 28 * 1440, 600))
    day = (minutes % 1440 >= 8 * 60) & (minutes % 1440 < 22 * 60)
    keep = day | (rng.uniform(size=minutes.size) < 0.3)
    times = (pd.Timestamp("2021-03-01") + pd.to_timedelta(minutes[keep], unit="min")).floor("s")
    beats = rng.choice(["111", "112", "411"], int(keep.sum()), p=[0.5, 0.3, 0.2])
    lat = np.where(beats == "411", 35.95, 36.0) + rng.normal(0, 0.005, beats.size)
    lon = -78.9 + rng.normal(0, 0.005, beats.size)
    return classified_frame(times, beats, rid="crt", lat=lat, lon=lon)


@pytest.fixture(scope="module")
def sec(frame, program):
    return report_section(frame, program, as_of=AS_OF)


def test_section_shape_headline_first(sec):
    assert sec["available"] is True
    assert sec["headline"].startswith(f"With {BUDGET} team-hours a week (5 teams), the best plan reaches ")
    assert set(sec["tables"]) == {"pareto", "plan_beats", "plan_hours", "simulation", "what_ifs", "staffing_curve"}
    assert sec["numbers"]["replications"] == 5
    assert "lognormal, mean 45 min" in sec["assumptions"]["time_on_scene"]
    assert any("Assumptions: time on scene" in f for f in sec["findings"])


def test_plan_numbers_are_plans(sec, frame, program):
    expected = plan(frame, program, team_hours_per_week=BUDGET, as_of=AS_OF, pareto_budgets=[5 * 7 * h for h in (4, 8, 12, 16, 20, 24)])
    n = sec["numbers"]
    assert n["budget_team_hours_per_week"] == BUDGET
    assert n["plan_covered_calls"] == expected.covered_calls
    assert n["plan_covered_share"] == expected.covered_share
    assert n["plan_beat_list"] == expected.beats
    assert n["eligible_calls"] == expected.eligible_calls == len(frame)
    assert sec["tables"]["pareto"]["covered_share"].tolist() == [r["covered_share"] for r in expected.pareto]
    assert sec["tables"]["pareto"]["this_budget"].sum() == 1
    hours = sec["tables"]["plan_hours"]
    assert hours["team_hours"].sum() == expected.settings["team_hours_used_per_week"]


def _best_cover_by_hand(frame, team_hours: float, teams: int) -> int:
    """The optimum computed here with pandas, not with plan(): with every beat chosen (a beat never
    lowers coverage) and capacity not binding, the most calls in one daily window of h hours
    (wrapping midnight) on the best d weekdays, over every h with teams x h x d <= team_hours."""
    t = pd.to_datetime(frame.received_local)
    cells = pd.crosstab(t.dt.day_of_week, t.dt.hour).reindex(index=range(7), columns=range(24), fill_value=0).to_numpy()
    best = 0
    for h in range(1, 25):
        d = min(7, int(team_hours // (teams * h)))
        for start in range(24):
            hours = [(start + k) % 24 for k in range(h)]
            per_day = np.sort(cells[:, hours].sum(axis=1))[::-1]
            best = max(best, int(per_day[:d].sum()))
    return best


def test_plan_coverage_matches_a_hand_computed_optimum(sec, frame):
    # Capacity (5 teams x 60/55 calls an hour x 0.8, on each of 4 weeks' weekdays) is far above
    # any weekday-hour's calls here, so the plan's optimum is the brute-force one.
    t = pd.to_datetime(frame.received_local)
    busiest = pd.crosstab(t.dt.day_of_week, t.dt.hour).to_numpy().max()
    assert busiest < 4 * 5 * 60 / 55 * 0.8
    assert sec["numbers"]["plan_covered_calls"] == _best_cover_by_hand(frame, BUDGET, 5)
    assert sec["numbers"]["plan_covered_share"] == pytest.approx(_best_cover_by_hand(frame, BUDGET, 5) / len(frame))


def test_outside_program_share_matches_the_calls_outside_its_hours(sec, frame):
    # durham-heart on AS_OF: citywide, 08:00-20:00 daily. Resampled calls keep their hour, so the
    # share simulated outside the program is, on average, the share of calls outside 08-20 (pandas).
    hour = pd.to_datetime(frame.received_local).dt.hour
    outside = float(((hour < 8) | (hour >= 20)).mean())
    row = sec["tables"]["what_ifs"].set_index("scenario").loc["current"]
    simulated = row["outside_program"] / (row["outside_program"] + row["fallback_to_police"] + row["answered_calls"])
    assert simulated == pytest.approx(outside, abs=0.03)


def test_simulation_numbers_are_simulates(sec, frame, program):
    expected = simulate(frame, program, as_of=AS_OF, replications=5, seed=0)
    n = sec["numbers"]
    for name in ("answered_share", "wait_minutes_p50", "wait_minutes_p90", "utilization", "fallback_to_police"):
        assert (n[name], n[f"{name}_ci_low"], n[f"{name}_ci_high"]) == tuple(expected[name][k] for k in ("mean", "ci_low", "ci_high"))
    assert n["teams_for_target"] == expected["teams_for_target"]
    ifs = sec["tables"]["what_ifs"]
    assert ifs["scenario"].tolist() == [r["scenario"] for r in expected["what_ifs"]] + ["plan (same budget)"]
    assert ifs["answered_share"].tolist()[:-1] == [r["answered_share"] for r in expected["what_ifs"]]
    sim = sec["tables"]["simulation"].set_index("metric")
    assert sim.loc["answered_share", "program"] == expected["answered_share"]["mean"]


def test_plan_row_is_the_plan_simulated(sec, frame, program):
    chosen = plan(frame, program, team_hours_per_week=BUDGET, as_of=AS_OF, pareto_budgets=[])
    planned = program.with_area_and_hours("crt", chosen.beats, chosen.hours, chosen.teams)
    expected = simulate(frame, planned, as_of=AS_OF, replications=5, seed=0, what_ifs=False)
    assert sec["numbers"]["plan_answered_share"] == expected["answered_share"]["mean"]


def test_unavailable_without_eligible_calls(frame, program):
    none = frame.assign(eligible_crt=False)
    sec = report_section(none, program, as_of=AS_OF)
    assert sec == {"available": False, "why": sec["why"]}
    assert "eligible 'crt' calls" in sec["why"]


def test_unavailable_without_program(frame):
    assert report_section(frame, None, as_of=AS_OF)["available"] is False


def test_report_adds_the_section_and_its_charts(program):
    from altresponse.report import build_sections, render

    rows = [
        dict(received_local=f"2021-03-{1 + i % 28:02d} {(8 + i) % 24:02d}:{i % 60:02d}:00", beat=["111", "112", "411"][i % 3],
             eligible=i % 2 == 0, eligible_crt=i % 2 == 0, canonical_type="WELFARE", category="welfare",
             recommended_response="crt", risk_level="low")
        for i in range(120)
    ]
    sections = build_sections(make_classified(rows), program=program, as_of=AS_OF)
    assert sections["planning"]["available"] is True
    assert sections["planning"]["numbers"]["eligible_calls"] == 60
    html = render({"planning": sections["planning"]}, title="t", meta=[])
    assert "Budget against coverage" in html and "What-ifs: share of eligible calls" in html
    assert html.count('id="chart-planning-') == 2 + (len(sections["planning"]["tables"]["staffing_curve"]) > 1)


def test_describe_hours_doctests():
    assert doctest.testmod(planning_mod).failed == 0
