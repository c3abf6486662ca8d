"""``plan()``: check the options, count the calls, set capacity and geometry, solve, and the curve."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import UsageError
from ..geo import beat_adjacency, distance_km, load_beats
from ..inputs import as_date, as_program, period_in_effect, period_label
from .counts import DAYS, HOURS, CallCounts, beat_sort_key, count_calls
from .pareto import pareto_rows
from .result import Plan, hours_dict
from .solve import CoverageSolution, check_budget, solve_coverage


def plan(
    classified,
    program,
    *,
    team_hours_per_week: float,
    response_id: str | None = None,
    teams: int | None = None,
    contiguous: bool = False,
    beats_geojson: str | Path | None = None,
    max_distance_km: float | None = None,
    base: tuple[float, float] | None = None,
    calls_per_team_hour: float | None = None,
    max_utilization: float = 0.8,
    default_busy_minutes: float = 55.0,
    pareto_budgets: list[float] | None = None,
    as_of: date | str,
) -> Plan:
    """Choose beats and daily hours that cover the most eligible calls within a budget.

    Parameters
    ----------
    classified
        The classified table (Ibis or pandas) with ``eligible_<response_id>``.
    program
        A loaded program or a path to a program file; its planned response (or
        ``response_id``) is planned.
    team_hours_per_week
        Budget: teams × hours per day × working days.
    teams
        Teams per shift; default the program's in ``as_of``'s period.
    contiguous
        Require a connected set of beats (needs ``beats_geojson``).
    beats_geojson
        Beat polygons (GeoJSON) for adjacency, and for centroids in the distance limit.
    max_distance_km
        Only beats whose centroid lies within this distance of ``base``.
    base
        (lat, lon) of the team base; default the median of the current service area's beat
        centroids (or of all beats when citywide).
    calls_per_team_hour
        Calls one team can take in an hour at full use; default ``60 / busy minutes`` with
        the data's mean dispatch-to-clear time (or ``default_busy_minutes`` without it).
        ``math.inf`` drops the capacity limit.
    max_utilization
        Share of a team's hour that may be spent on calls.
    pareto_budgets
        Budgets for the curve; default teams × 7 days × 0, 4, ..., 24 hours plus this budget.
    as_of
        Date (or ``YYYY-MM-DD``) whose program period gives the default teams and current area.
        Required: only the CLI defaults it (to today).

    Returns
    -------
    Plan

    Raises
    ------
    UsageError
        Negative budget, zero teams, contiguity without polygons, no eligible calls.
    """
    check_budget(team_hours_per_week)
    program = as_program(program)
    when = as_date(as_of)
    rid = response_id or program.planned_response
    period = period_in_effect(program, rid, when)
    teams = _teams(period, rid, teams)
    _check_options(max_distance_km, max_utilization, contiguous, beats_geojson)
    counts = count_calls(classified, rid)
    if counts.calls.sum() == 0:
        msg = f"no eligible {rid!r} calls with a beat and a received time to plan from"
        raise UsageError(msg)
    busy = counts.busy_minutes_mean or default_busy_minutes
    rate = calls_per_team_hour if calls_per_team_hour is not None else 60.0 / busy
    if not rate > 0:
        msg = f"--calls-per-team-hour must be positive, got {rate!r}"
        raise UsageError(msg)
    capacity = np.outer(counts.day_count, np.ones(HOURS)) * teams * rate * max_utilization
    adjacency, allowed, base = _geometry(counts, period, beats_geojson, contiguous, max_distance_km, base)

    def solve(budget: float) -> CoverageSolution:
        return solve_coverage(counts.calls, teams=teams, team_hours_per_week=budget, capacity=capacity, adjacency=adjacency, allowed=allowed)

    best = solve(team_hours_per_week)
    pareto = pareto_rows(solve, best, team_hours_per_week, pareto_budgets, teams=teams, total_calls=counts.total_calls)
    return Plan(
        response_id=rid,
        teams=teams,
        team_hours_per_week=float(team_hours_per_week),
        beats=sorted((counts.beats[b] for b in best.beats), key=beat_sort_key),
        hours=hours_dict(best.hours, best.days),
        covered_calls=best.covered,
        covered_share=best.covered / counts.total_calls if counts.total_calls else 0.0,
        eligible_calls=counts.total_calls,
        pareto=pareto,
        settings={
            "as_of": when.isoformat(),
            "program_period": period_label(program, rid, when),
            "team_hours_used_per_week": best.team_hours_per_week,
            "optimal": best.optimal,
            "calls_per_team_hour": rate,
            "max_utilization": max_utilization,
            "busy_minutes_per_call": busy if calls_per_team_hour is None else None,
            "busy_minutes_source": "data (dispatched_at to cleared_at)" if counts.busy_minutes_mean else f"assumed {default_busy_minutes:g} min (data has no times)",
            "contiguous": contiguous,
            "max_distance_km": max_distance_km,
            "base": None if base is None else list(base),
            "first_date": None if counts.first_date is None else counts.first_date.isoformat(),
            "last_date": None if counts.last_date is None else counts.last_date.isoformat(),
            "calls_without_time": counts.calls_without_time,
            "calls_without_beat": counts.calls_without_beat,
        },
    )


def plan_summary(classified, program, **options) -> dict[str, Any]:
    """:func:`plan` as a plain dict (JSON, report): covered_calls, covered_share, beats, hours, pareto."""
    return plan(classified, program, **options).to_dict()


def _teams(period, rid: str, teams: int | None) -> int:
    if teams is None and int(period.teams_per_shift) < 1:
        msg = (
            f"program response {rid!r}, period {getattr(period, 'id', '?')!r}: teams_per_shift is {period.teams_per_shift}; "
            "give --teams N (at least 1) or staff the period"
        )
        raise UsageError(msg)
    teams = int(period.teams_per_shift) if teams is None else teams
    if isinstance(teams, bool) or not isinstance(teams, (int, np.integer)) or teams < 1:
        msg = f"--teams must be an integer of at least 1, got {teams!r}"
        raise UsageError(msg)
    return teams


def _check_options(max_distance_km, max_utilization, contiguous, beats_geojson) -> None:
    if max_distance_km is not None and not (math.isfinite(max_distance_km) and max_distance_km > 0):
        msg = f"--max-distance-km must be a positive number, got {max_distance_km!r}"
        raise UsageError(msg)
    if not 0 < max_utilization <= 1:
        msg = f"--max-utilization must be in (0, 1], got {max_utilization!r}"
        raise UsageError(msg)
    if contiguous and beats_geojson is None:
        msg = "--contiguous needs --beats FILE (the beat polygons as GeoJSON) to know which beats touch"
        raise UsageError(msg)


def _geometry(counts: CallCounts, period, beats_geojson, contiguous: bool, max_distance_km, base):
    """Beat adjacency (for contiguity), beats allowed by the distance limit, and the base used.

    Beats in the polygons without eligible calls are added to ``counts`` (they can still join
    others into one connected area).
    """
    beats_file = None
    centroids = dict(counts.centroids)
    if beats_geojson is not None:
        beats_file = load_beats(beats_geojson)
        polygons = beats_file.merged()
        missing = sorted(set(polygons) - set(counts.beats), key=beat_sort_key)
        if missing:
            counts.beats = counts.beats + missing
            counts.calls = np.concatenate([counts.calls, np.zeros((len(missing), DAYS, HOURS))])
        centroids.update({b: (p.representative_point().y, p.representative_point().x) for b, p in polygons.items()})
    adjacency = _adjacency_pairs(beats_file, counts.beats) if contiguous else None
    allowed = None
    if max_distance_km is not None:
        if base is None:
            pts = [centroids[b] for b in (period.service_area or counts.beats) if b in centroids]
            if not pts:
                msg = "--max-distance-km needs beat locations (latitude/longitude in the data or --beats FILE)"
                raise UsageError(msg)
            base = (float(np.median([p[0] for p in pts])), float(np.median([p[1] for p in pts])))
        allowed = np.array(
            [b in centroids and float(distance_km(*base, *centroids[b])) <= max_distance_km for b in counts.beats]
        )
    return adjacency, allowed, base


def _adjacency_pairs(beats_file, beats: list[str]) -> list[tuple[int, int]]:
    """Index pairs of ``beats`` that share a border (geo.beat_adjacency), for contiguity."""
    index = {b: k for k, b in enumerate(beats)}
    neighbours = beat_adjacency(beats_file)
    return sorted(
        {tuple(sorted((index[a], index[b]))) for a, near in neighbours.items() if a in index for b in near if b in index}
    )
