"""Planning: optima checked by enumeration, budget, contiguity, Pareto, bad parameters (more cases: test_plan_search.py)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import yaml

from altresponse.errors import UsageError
from altresponse.plan import plan, solve_coverage

AS_OF = "2024-01-01"  # FakeProgram has one period for every date; the library needs the date explicitly

from _plan_bruteforce import connected as _connected
from _plan_bruteforce import enumerate_best as _enumerate
from _planning_fixtures import FakePeriod, FakeProgram, all_week, classified_frame


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("cap", [np.inf, 4.0])
def test_optimum_matches_enumeration(seed, cap):
    rng = np.random.default_rng(seed)
    calls = rng.integers(0, 6, size=(3, 2, 4)).astype(float)
    budget = float(rng.integers(1, 9))
    sol = solve_coverage(calls, teams=1, team_hours_per_week=budget, capacity=cap)
    assert sol.covered == pytest.approx(_enumerate(calls, 1, budget, cap))
    assert sol.team_hours_per_week <= budget


def test_contiguity_matches_enumeration_and_is_respected():
    # a path 0-1-2-3; with a capacity, beats 0 and 3 (busy) cannot both be taken without 1, 2
    rng = np.random.default_rng(11)
    calls = rng.integers(0, 4, size=(4, 1, 3)).astype(float)
    calls[0] += 5
    calls[3] += 5
    adjacency = [(0, 1), (1, 2), (2, 3)]
    allowed = np.array([True, False, True, True])  # beat 1 too far: 0 is cut off from 2-3
    sol = solve_coverage(calls, teams=1, team_hours_per_week=3, adjacency=adjacency, allowed=allowed)
    assert _connected(sol.beats, adjacency)
    assert 1 not in sol.beats
    assert sol.covered == pytest.approx(_enumerate(calls, 1, 3, np.inf, adjacency, allowed))
    free = solve_coverage(calls, teams=1, team_hours_per_week=3, allowed=allowed)
    assert free.covered > sol.covered  # without contiguity beats 0, 2, 3 are all taken


def test_by_hand_best_window_and_days():
    # one beat, 2 days x 4 hours; budget 2 team-hours: the two busiest hours of one window
    calls = np.zeros((1, 2, 4))
    calls[0, 0] = [1, 9, 8, 0]
    calls[0, 1] = [0, 0, 7, 7]
    sol = solve_coverage(calls, teams=1, team_hours_per_week=2)
    assert sol.covered == 17 and sol.days == [0] and sol.hours == [1, 2]
    # budget 4: hours 1-2 on both days (9+8+0+7=24) beats hours 2-3 on both (8+0+7+7=22)
    sol = solve_coverage(calls, teams=1, team_hours_per_week=4)
    assert sol.covered == 24 and sol.hours == [1, 2] and sol.days == [0, 1]
    # two teams use the budget twice as fast
    assert solve_coverage(calls, teams=2, team_hours_per_week=4).covered == 17


# --------------------------------------------------------------------------- plan() on a table


@pytest.fixture
def week_of_calls():
    """Six weeks of calls: beat 111 busy in the afternoon, beat 222 evenings, 333 rare."""
    rng = np.random.default_rng(4)
    rows = []
    start = pd.Timestamp("2021-03-01")  # a Monday
    for day in range(42):
        for beat, hours, n in (("111", (13, 17), 6), ("222", (18, 22), 4), ("333", (0, 24), 1)):
            for _ in range(n):
                hour = rng.integers(*hours)
                rows.append((start + pd.Timedelta(days=day, hours=int(hour), minutes=int(rng.integers(60))), beat))
    times, beats = zip(*rows)
    lat = [35.99 if b == "111" else 36.05 if b == "222" else 35.90 for b in beats]
    return classified_frame(list(times), list(beats), lat=lat, lon=[-78.9] * len(beats))


def _prog(teams=1):
    return FakeProgram(FakePeriod(service_area=None, hours=all_week(), teams_per_shift=teams))


def test_plan_budget_binds_and_pareto_is_monotone(week_of_calls):
    result = plan(week_of_calls, _prog(), team_hours_per_week=28, calls_per_team_hour=float("inf"), as_of=AS_OF)
    worked = sum(e - s for ws in result.hours.values() for s, e in ws) / 60
    assert worked <= 28
    assert result.settings["team_hours_used_per_week"] == 28  # the budget binds: more hours would add calls
    covered = [row["covered_calls"] for row in result.pareto]
    assert covered == sorted(covered)
    assert result.pareto[0]["covered_calls"] == 0
    assert result.pareto[-1]["covered_share"] == pytest.approx(1.0)
    # 4 hours a day every day on the busiest window: 13:00-17:00
    assert result.hours[0] == [(13 * 60, 17 * 60)]
    assert 0 < result.covered_share < 1


def test_plan_capacity_prefers_busy_beats(week_of_calls):
    result = plan(week_of_calls, _prog(), team_hours_per_week=168, calls_per_team_hour=1.0, max_utilization=1.0, as_of=AS_OF)
    assert "111" in result.beats
    assert result.covered_calls < result.eligible_calls


def test_plan_max_distance_drops_far_beats(week_of_calls):
    result = plan(week_of_calls, _prog(), team_hours_per_week=168, max_distance_km=3, base=(35.99, -78.9), as_of=AS_OF)
    assert result.beats == ["111"]


def test_plan_writes_program_yaml(week_of_calls, tmp_path):
    from altresponse.plan import write_plan

    result = plan(week_of_calls, _prog(), team_hours_per_week=28, as_of=AS_OF)
    out = write_plan(result, _prog(), tmp_path / "plan.yaml")
    doc = yaml.safe_load(out.read_text())
    assert doc["id"] == "fake-plan"  # kept beside the program's own labels, not over them
    assert doc["service_area"] == result.beats
    assert json.loads(json.dumps(result.to_dict()))["beats"] == result.beats


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"team_hours_per_week": -1}, "--team-hours-per-week"),
        ({"team_hours_per_week": 10, "teams": 0}, "--teams"),
        ({"team_hours_per_week": 10, "contiguous": True}, "--beats"),
        ({"team_hours_per_week": 10, "max_distance_km": -2}, "--max-distance-km"),
    ],
)
def test_bad_parameters(week_of_calls, kwargs, needle):
    with pytest.raises(UsageError, match=needle):
        plan(week_of_calls, _prog(), **kwargs, as_of=AS_OF)


def test_zero_teams_in_program_is_an_error(week_of_calls):
    with pytest.raises(UsageError, match="--teams"):
        plan(week_of_calls, _prog(teams=0), team_hours_per_week=10, as_of=AS_OF)


def test_contiguity_from_polygons(tmp_path):
    # three unit squares in a row A-B-C; calls in A and C only: a connected plan must include B
    feats = []
    for k, name in enumerate("ABC"):
        x = -78.9 + k * 0.01
        ring = [[x, 36.0], [x + 0.01, 36.0], [x + 0.01, 36.01], [x, 36.01], [x, 36.0]]
        feats.append({"type": "Feature", "properties": {"beat": name}, "geometry": {"type": "Polygon", "coordinates": [ring]}})
    path = tmp_path / "beats.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
    times = pd.date_range("2021-03-01 10:00", periods=20, freq="D")
    frame = classified_frame(list(times) * 3, ["A"] * 20 + ["B"] * 20 + ["C"] * 20)
    frame.loc[frame.beat == "B", "eligible_team"] = False
    result = plan(frame, _prog(), team_hours_per_week=7, contiguous=True, beats_geojson=path, calls_per_team_hour=float("inf"), as_of=AS_OF)
    assert result.beats == ["A", "B", "C"]  # B has no calls but joins A and C


def test_solver_refuses_zero_teams_before_solving():
    with pytest.raises(UsageError, match="teams must be at least 1, got 0"):
        solve_coverage(np.ones((2, 1, 3)), teams=0, team_hours_per_week=3)


def test_program_path_and_iso_date_accepted_like_classify(week_of_calls):
    from paths import REPO

    frame = week_of_calls.rename(columns={"eligible_team": "eligible_crt"})
    result = plan(frame, str(REPO / "programs" / "durham-heart.yaml"), team_hours_per_week=28, as_of="2022-07-01",
                  calls_per_team_hour=float("inf"), pareto_budgets=[])
    assert result.teams == 2  # the crt pilot period's teams_per_shift
    assert result.settings["program_period"] == "crt period pilot (2022-06-01..2023-10-22) on 2022-07-01"
    with pytest.raises(UsageError, match="as_of"):
        plan(frame, str(REPO / "programs" / "durham-heart.yaml"), team_hours_per_week=28, as_of="July 1st")
