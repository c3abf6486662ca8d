"""What-ifs (24/7, citywide, both, +N teams) and the staffing curve, on the same samples."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from .intervals import flatten, summarise
from .kernel import run_scenario
from .scenario import Scenario


def what_ifs(calls, samples, current: Scenario, settings, extra_teams: int) -> list[dict[str, Any]]:
    """One row per scenario: the program as it stands first, then each change."""
    scenarios = [
        current,
        replace(current, name="24/7", hours=None),
        replace(current, name="citywide", area=None),
        replace(current, name="24/7 citywide", hours=None, area=None),
    ]
    if extra_teams:
        scenarios.append(replace(current, name=f"+{extra_teams} teams", teams=current.teams + extra_teams))
    rows = []
    for sc in scenarios:
        summary = summarise([run_scenario(calls, s, sc, settings) for s in samples])
        rows.append({**scenario_dict(sc), **flatten(summary)})
    return rows


def scenario_dict(sc: Scenario) -> dict[str, Any]:
    return {
        "scenario": sc.name,
        "teams": sc.teams,
        "area": None if sc.area is None else sorted(sc.area),
        "hours": None if sc.hours is None else {str(d): [list(w) for w in ws] for d, ws in sorted(sc.hours.items())},
        "team_hours_per_week": float(sc.open_mask().sum()) / 60.0 * sc.teams,
    }


def staffing_curve(calls, samples, current, settings, target, max_teams):
    """Teams 1..k (24/7, citywide) until the mean answered share reaches ``target``."""
    rows = []
    needed = None
    reps = samples[: min(len(samples), 10)]
    for teams in range(1, max_teams + 1):
        sc = replace(current, name=f"{teams} teams 24/7 citywide", teams=teams, hours=None, area=None)
        summary = summarise([run_scenario(calls, s, sc, settings) for s in reps])
        rows.append({"teams": teams, "replications": len(reps), **flatten(summary, keys=("answered_share", "wait_minutes_p50", "wait_minutes_p90", "utilization"))})
        if summary["answered_share"]["mean"] is not None and summary["answered_share"]["mean"] >= target:
            needed = teams
            break
    return rows, needed
