"""solve_coverage's exact search against brute force on 400 seeded instances, and by-hand cases
(a window past midnight, every tie-break, zero and unlimited budgets, disconnected areas)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from altresponse.errors import UsageError
from altresponse.plan import solve_coverage

from _plan_bruteforce import all_plans, connected, windows


def _instance(rng, kind):
    """A small random instance; many zero cells and small counts so ties are common."""
    B, D, H = (int(rng.integers(1, n)) for n in (5, 4, 6))
    calls = (rng.integers(0, 4, size=(B, D, H)) * (rng.uniform(size=(B, D, H)) < 0.6)).astype(float)
    teams = int(rng.integers(1, 4))
    budget = float(rng.integers(0, teams * D * H + 3))
    cap = [math.inf, 2.5, float(rng.integers(0, 5)), rng.integers(0, 6, size=(D, H)).astype(float)][int(rng.integers(4))]
    pairs = [(i, j) for i in range(B) for j in range(i + 1, B)]
    adjacency = [p for p in pairs if rng.uniform() < 0.4] if "adjacency" in kind else None
    allowed = rng.uniform(size=B) < 0.7 if "allowed" in kind else None
    return calls, teams, budget, cap, adjacency, allowed


@pytest.mark.parametrize("kind", ["free", "allowed", "adjacency", "adjacency+allowed"])
def test_random_instances_match_brute_force_with_its_tie_breaks(kind):
    for seed in range(100):
        calls, teams, budget, cap, adjacency, allowed = _instance(np.random.default_rng(seed), kind)
        B, D, H = calls.shape
        sol = solve_coverage(calls, teams=teams, team_hours_per_week=budget, capacity=cap, adjacency=adjacency, allowed=allowed)
        plans = list(all_plans(calls, teams, budget, cap, adjacency, allowed))
        best = max(p[0] for p in plans)
        where = f"{kind} seed {seed}"
        assert sol.covered == pytest.approx(best), where
        if best == 0:
            assert (sol.beats, sol.hours, sol.days, sol.team_hours_per_week) == ([], [], [], 0.0), where
            continue
        tied = [p for p in plans if p[0] == pytest.approx(best)]
        fewest = min(p[1] for p in tied)
        assert sol.team_hours_per_week == fewest, where  # then the fewest team-hours
        assert len(sol.beats) == max(len(p[2]) for p in tied if p[1] == fewest), where  # then the larger area
        # and the answer is itself a plan within the budget that covers what it says
        assert sol.team_hours_per_week == teams * len(sol.days) * len(sol.hours) <= budget, where
        assert tuple(sol.hours) in windows(H), where
        assert allowed is None or all(allowed[sol.beats]), where
        assert adjacency is None or connected(sol.beats, adjacency), where
        capped = np.minimum(calls[sol.beats].sum(axis=0), np.broadcast_to(cap, (D, H)))
        assert sol.covered == pytest.approx(capped[np.ix_(sol.days, sol.hours)].sum()), where


def test_window_past_midnight():
    # 24 hours, calls from 22:00 to 02:00 on two days; 8 team-hours: 22:00-02:00 on both
    calls = np.zeros((1, 2, 24))
    calls[0, :, [21, 22, 23, 0, 1, 2]] = [[1, 1], [4, 3], [6, 5], [5, 5], [3, 4], [0, 1]]
    sol = solve_coverage(calls, teams=1, team_hours_per_week=8)
    assert (sol.hours, sol.days) == ([0, 1, 22, 23], [0, 1])
    assert sol.covered == 4 + 6 + 5 + 3 + 3 + 5 + 5 + 4  # 35
    # 4 team-hours: 23:00-01:00 on both days (6+5 + 5+5 = 21) beats 22:00-02:00 on day 0 (18)
    sol = solve_coverage(calls, teams=1, team_hours_per_week=4)
    assert (sol.hours, sol.days, sol.covered) == ([0, 23], [0, 1], 21)


def test_window_ties_go_to_fewer_team_hours_then_the_earliest_start():
    calls = np.array([[[5.0, 0.0, 0.0, 5.0]]])  # one beat, one day, 4 hours: busy at both ends
    one = solve_coverage(calls, teams=1, team_hours_per_week=1)
    assert (one.hours, one.covered) == ([0], 5)  # hour 0 and hour 3 tie: the earlier start
    # a budget for the whole day: 03:00-01:00 covers all 10 calls in 2 team-hours, not 4
    whole = solve_coverage(calls, teams=1, team_hours_per_week=100)
    assert (whole.hours, whole.covered, whole.team_hours_per_week) == ([0, 3], 10, 2)


def test_day_ties_go_to_the_lower_weekday():
    calls = np.array([[[2.0], [5.0], [2.0]]])  # days 0 and 2 tie behind day 1
    sol = solve_coverage(calls, teams=1, team_hours_per_week=2)
    assert (sol.days, sol.covered) == ([0, 1], 7)


def test_equal_windows_go_to_the_shorter_one_from_the_same_start():
    # 2 team-hours reach 2 calls as hour 0 on both days or as hours 0-1 on day 0: same start,
    # same team-hours, so the shorter window
    calls = np.array([[[1.0, 1.0], [1.0, 0.0]]])
    sol = solve_coverage(calls, teams=1, team_hours_per_week=2)
    assert (sol.hours, sol.days, sol.covered) == ([0], [0, 1], 2)


def test_zero_budget_and_no_calls_choose_nothing():
    calls = np.ones((2, 2, 3))
    for sol in (solve_coverage(calls, teams=1, team_hours_per_week=0),
                solve_coverage(np.zeros((2, 2, 3)), teams=1, team_hours_per_week=50),
                solve_coverage(calls, teams=3, team_hours_per_week=2)):  # not even one hour for 3 teams
        assert (sol.beats, sol.hours, sol.days, sol.covered, sol.team_hours_per_week) == ([], [], [], 0.0, 0.0)


def test_budget_for_everything_covers_every_call_in_the_fewest_hours():
    calls = np.zeros((2, 3, 5))
    calls[0, 1, 1:3] = [4, 2]
    calls[1, 2, 2] = 3
    sol = solve_coverage(calls, teams=2, team_hours_per_week=1000)
    assert sol.covered == 9 == calls.sum()
    assert (sol.beats, sol.days, sol.hours, sol.team_hours_per_week) == ([0, 1], [1, 2], [1, 2], 2 * 2 * 2)


def test_disconnected_allowed_areas():
    # a path 0-1-2-3-4 with beat 2 too far: two areas, {0, 1} (4 calls) and {3, 4} (3 calls)
    calls = np.array([3.0, 1.0, 9.0, 2.0, 1.0]).reshape(5, 1, 1)
    path = [(0, 1), (1, 2), (2, 3), (3, 4)]
    allowed = np.array([True, True, False, True, True])
    sol = solve_coverage(calls, teams=1, team_hours_per_week=1, adjacency=path, allowed=allowed)
    assert (sol.beats, sol.covered) == ([0, 1], 4)
    free = solve_coverage(calls, teams=1, team_hours_per_week=1, allowed=allowed)
    assert (free.beats, free.covered) == ([0, 1, 3, 4], 7)


def test_area_ties_go_to_the_larger_area_then_the_lowest_beat():
    # capacity 2 a cell: beat 0 (5 calls) and the area {2, 3} (3 calls) both cover 2
    calls = np.array([5.0, 0.0, 3.0, 0.0]).reshape(4, 1, 1)
    path = [(0, 1), (1, 2), (2, 3)]
    sol = solve_coverage(calls, teams=1, team_hours_per_week=1, capacity=2.0, adjacency=path, allowed=np.array([True, False, True, True]))
    assert (sol.beats, sol.covered) == ([2, 3], 2)
    sol = solve_coverage(calls, teams=1, team_hours_per_week=1, capacity=2.0, adjacency=path, allowed=np.array([True, False, True, False]))
    assert (sol.beats, sol.covered) == ([0], 2)


@pytest.mark.parametrize("budget", [-1.0, math.nan])
def test_negative_or_missing_budget_is_refused(budget):
    with pytest.raises(UsageError, match="team-hours-per-week must be a non-negative number"):
        solve_coverage(np.ones((1, 1, 2)), teams=1, team_hours_per_week=budget)
