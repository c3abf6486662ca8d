"""Choose service beats and daily hours for a team budget: a small mixed-integer program.

Historical eligible calls are counted on the engine by beat × weekday × hour (Ibis); the
MIP (HiGHS through ``scipy.optimize.milp``) then picks

* ``x[b]``  beat b is in the service area,
* ``y[h]``  hour h is inside the daily window (one window, possibly past midnight),
* ``z[d]``  weekday d is a working day,
* ``u[d,h] = y[h]·z[d]`` (linearised) the team works hour h on day d,
* ``q[d,h]`` calls covered in that cell,

maximising ``Σ q`` subject to ``q[d,h] ≤ Σ_b calls[b,d,h]·x[b]`` (only calls in chosen beats),
``q[d,h] ≤ capacity·u[d,h]`` (only in worked hours, and no more calls than the teams can take
at ``max_utilization``), ``teams · Σ u ≤ team_hours_per_week``, a single contiguous daily
window, optionally a connected set of beats (single-commodity flow over beat adjacency) and
beats within ``max_distance_km`` of a base. docs/planning.md writes the model out in full.

:func:`plan` returns a :class:`Plan`; :func:`plan_summary` the same as a plain dict (for JSON
and the report); :func:`write_plan` writes it as a program YAML every other verb accepts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import UsageError

DAYS = 7
HOURS = 24
_EPS = 1e-6  # tie-break: among equal coverage prefer fewer team-hours and fewer beats


# --------------------------------------------------------------------------- counting


@dataclass
class CallCounts:
    """Eligible calls aggregated for planning.

    ``calls[b, d, h]`` counts calls in ``beats[b]`` on weekday d (0 = Monday) in hour h over
    ``first_date .. last_date``; ``day_count[d]`` is how many weekdays d that span holds.
    """

    beats: list[str]
    calls: np.ndarray
    centroids: dict[str, tuple[float, float]]
    first_date: date | None
    last_date: date | None
    day_count: np.ndarray
    total_calls: int
    calls_without_time: int
    calls_without_beat: int
    busy_minutes_mean: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def count_calls(classified, response_id: str) -> CallCounts:
    """Count eligible calls of ``response_id`` by beat, weekday and hour on the engine.

    Parameters
    ----------
    classified
        The classified table (Ibis; a pandas frame is wrapped with ``ibis.memtable``).
    response_id
        Its ``eligible_<response_id>`` column selects the calls.

    Returns
    -------
    CallCounts
    """
    import ibis

    if isinstance(classified, pd.DataFrame):
        classified = ibis.memtable(classified)
    col = f"eligible_{response_id}"
    if col not in classified.columns:
        msg = f"classified table has no column {col!r} (classify with a program that defines response {response_id!r})"
        raise UsageError(msg)
    t = classified.filter(classified[col].fill_null(False))
    totals = t.aggregate(
        n=t.count(),
        no_time=t.received_local.isnull().sum(),
        no_beat=(t.received_local.notnull() & t.beat.isnull()).sum(),
        first=t.received_date.min(),
        last=t.received_date.max(),
    ).to_pandas().iloc[0]
    timed = t.filter(t.received_local.notnull() & t.beat.notnull())
    timed = timed.mutate(
        _beat=timed.beat.cast("string"),
        _weekday=timed.received_local.day_of_week.index(),
        _hour=timed.received_local.hour(),
    )
    cells = timed.group_by(["_beat", "_weekday", "_hour"]).aggregate(calls=timed.count()).to_pandas()
    where = timed.group_by("_beat").aggregate(lat=timed.latitude.mean(), lon=timed.longitude.mean()).to_pandas()
    busy = None
    if {"onscene_at", "cleared_at", "dispatched_at"} <= set(timed.columns):
        minutes = (timed.cleared_at.epoch_seconds() - timed.dispatched_at.epoch_seconds()) / 60.0
        ok = timed.filter((minutes > 0) & (minutes < 24 * 60))
        val = ok.aggregate(m=((ok.cleared_at.epoch_seconds() - ok.dispatched_at.epoch_seconds()) / 60.0).mean(), n=ok.count()).to_pandas().iloc[0]
        if int(val["n"]) >= 20:
            busy = float(val["m"])
    beats = sorted(cells["_beat"].unique().tolist(), key=_beat_sort_key)
    index = {b: i for i, b in enumerate(beats)}
    calls = np.zeros((len(beats), DAYS, HOURS))
    if len(cells):
        calls[cells["_beat"].map(index).to_numpy(), cells["_weekday"].to_numpy(int), cells["_hour"].to_numpy(int)] = cells["calls"].to_numpy(float)
    centroids = {
        str(b): (float(la), float(lo))
        for b, la, lo in zip(where["_beat"], where["lat"], where["lon"])
        if pd.notna(la) and pd.notna(lo)
    }
    for key in ("n", "no_time", "no_beat"):  # a sum over no rows is null
        totals[key] = 0 if pd.isna(totals[key]) else int(totals[key])
    first = None if pd.isna(totals["first"]) else pd.Timestamp(totals["first"]).date()
    last = None if pd.isna(totals["last"]) else pd.Timestamp(totals["last"]).date()
    return CallCounts(
        beats=beats,
        calls=calls,
        centroids=centroids,
        first_date=first,
        last_date=last,
        day_count=_weekday_counts(first, last),
        total_calls=int(totals["n"]) - int(totals["no_time"]),
        calls_without_time=int(totals["no_time"]),
        calls_without_beat=int(totals["no_beat"]),
        busy_minutes_mean=busy,
    )


def _weekday_counts(first: date | None, last: date | None) -> np.ndarray:
    if first is None or last is None:
        return np.ones(DAYS)
    days = pd.date_range(first, last, freq="D")
    return np.bincount(days.day_of_week, minlength=DAYS).astype(float)


def _beat_sort_key(b: str):
    return (0, int(b), b) if b.isdigit() else (1, 0, b)


# --------------------------------------------------------------------------- the MIP


@dataclass
class MipSolution:
    """Raw optimum of :func:`solve_coverage`."""

    beats: list[int]
    hours: list[int]
    days: list[int]
    covered: float
    team_hours_per_week: float
    optimal: bool = True  # False when the time limit stopped HiGHS first


def solve_coverage(
    calls: np.ndarray,
    *,
    teams: int,
    team_hours_per_week: float,
    capacity: np.ndarray | float = math.inf,
    adjacency: list[tuple[int, int]] | None = None,
    allowed: np.ndarray | None = None,
    time_limit: float = 30.0,
) -> MipSolution:
    """Solve the coverage MIP for a ``(beats, days, hours)`` array of call counts.

    Parameters
    ----------
    calls
        Calls per beat × day × hour-of-day cell (any number of days and hours: tests use
        tiny ones).
    teams
        Teams on duty in every worked hour.
    team_hours_per_week
        Budget: ``teams × hours per day × days`` may not exceed it.
    capacity
        Most calls the teams can take in one day × hour cell (scalar or ``(days, hours)``);
        ``inf`` for no limit.
    adjacency
        Pairs of beat indices that touch. Given, the chosen beats must form one connected
        set.
    allowed
        Boolean per beat; False beats are never chosen (e.g. too far from the base).

    Returns
    -------
    MipSolution
    """
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_matrix

    if teams < 1:
        msg = f"teams must be at least 1, got {teams}"
        raise UsageError(msg)
    B, D, H = calls.shape
    cap = np.broadcast_to(np.asarray(capacity, dtype=float), (D, H))
    arcs = [] if adjacency is None else [(i, j) for a, b in adjacency for i, j in ((a, b), (b, a))]
    # variable layout
    ix = 0
    X = np.arange(ix, ix + B); ix += B
    Y = np.arange(ix, ix + H); ix += H
    S = np.arange(ix, ix + H); ix += H
    Z = np.arange(ix, ix + D); ix += D
    U = np.arange(ix, ix + D * H).reshape(D, H); ix += D * H
    Q = np.arange(ix, ix + D * H).reshape(D, H); ix += D * H
    if adjacency is not None:
        R = np.arange(ix, ix + B); ix += B
        G = np.arange(ix, ix + B); ix += B
        F = np.arange(ix, ix + len(arcs)); ix += len(arcs)
    nvar = ix
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    lo: list[float] = []
    hi: list[float] = []

    def add(terms, lower, upper):
        r = len(lo)
        for c, v in terms:
            rows.append(r)
            cols.append(int(c))
            vals.append(float(v))
        lo.append(lower)
        hi.append(upper)

    for d in range(D):
        for h in range(H):
            # covered calls come only from chosen beats ...
            add([(Q[d, h], 1.0)] + [(X[b], -calls[b, d, h]) for b in range(B) if calls[b, d, h]], -np.inf, 0.0)
            # ... only in worked hours, and no more than the teams can take
            bound = min(cap[d, h], calls[:, d, h].sum())
            add([(Q[d, h], 1.0), (U[d, h], -bound)], -np.inf, 0.0)
            # u = y * z: a worked hour on a working day
            add([(U[d, h], 1.0), (Y[h], -1.0)], -np.inf, 0.0)
            add([(U[d, h], 1.0), (Z[d], -1.0)], -np.inf, 0.0)
            add([(U[d, h], 1.0), (Y[h], -1.0), (Z[d], -1.0)], -1.0, np.inf)
    # one contiguous (cyclic) daily window: a window starts where y turns on
    for h in range(H):
        add([(Y[h], 1.0), (Y[(h - 1) % H], -1.0), (S[h], -1.0)], -np.inf, 0.0)
    add([(S[h], 1.0) for h in range(H)], -np.inf, 1.0)
    # budget: teams x worked hours a week
    add([(U[d, h], float(teams)) for d in range(D) for h in range(H)], -np.inf, float(team_hours_per_week))
    if adjacency is not None:
        # connected beats: one root sends one unit of flow to every chosen beat through chosen beats
        add([(R[b], 1.0) for b in range(B)], -np.inf, 1.0)
        for b in range(B):
            add([(R[b], 1.0), (X[b], -1.0)], -np.inf, 0.0)
            add([(G[b], 1.0), (R[b], -float(B))], -np.inf, 0.0)
            terms = [(G[b], 1.0), (X[b], -1.0)]
            terms += [(F[k], 1.0) for k, (i, j) in enumerate(arcs) if j == b]
            terms += [(F[k], -1.0) for k, (i, j) in enumerate(arcs) if i == b]
            add(terms, 0.0, 0.0)
        for k, (i, j) in enumerate(arcs):
            add([(F[k], 1.0), (X[i], -float(B - 1))], -np.inf, 0.0)
            add([(F[k], 1.0), (X[j], -float(B - 1))], -np.inf, 0.0)

    c = np.zeros(nvar)
    c[Q.ravel()] = -1.0
    # tie-breaks far below one call: spend no team-hour that covers nothing; among equal
    # coverage take the larger area (adding a beat never lowers coverage)
    c[U.ravel()] = _EPS
    c[X] = -_EPS / max(1, B)
    integrality = np.zeros(nvar)
    integrality[np.concatenate([X, Y, S, Z])] = 1
    upper = np.full(nvar, np.inf)
    upper[np.concatenate([X, Y, S, Z, U.ravel()])] = 1.0
    if allowed is not None:
        upper[X[~np.asarray(allowed, dtype=bool)]] = 0.0
    if adjacency is not None:
        integrality[R] = 1
        upper[R] = 1.0
    A = coo_matrix((vals, (rows, cols)), shape=(len(lo), nvar)).tocsr()
    res = milp(
        c,
        constraints=LinearConstraint(A, lo, hi),
        integrality=integrality,
        bounds=Bounds(np.zeros(nvar), upper),
        options={"time_limit": time_limit, "mip_rel_gap": 1e-4},
    )
    if res.x is None:
        msg = f"the planning MIP found no solution ({res.message})"
        raise UsageError(msg)
    x = res.x
    chosen_days = [d for d in range(D) if x[Z[d]] > 0.5]
    chosen_hours = [h for h in range(H) if x[Y[h]] > 0.5]
    worked = [(d, h) for d in chosen_days for h in chosen_hours]
    chosen_beats = [b for b in range(B) if x[X[b]] > 0.5]
    if not worked:
        chosen_days, chosen_hours, chosen_beats = [], [], []
    covered = float(sum(min(calls[chosen_beats, d, h].sum(), cap[d, h]) for d, h in worked))
    return MipSolution(
        beats=chosen_beats,
        hours=chosen_hours,
        days=chosen_days,
        covered=covered,
        team_hours_per_week=float(teams * len(worked)),
        optimal=res.status == 0,
    )


# --------------------------------------------------------------------------- plan


@dataclass
class Plan:
    """A chosen service area and hours, with its coverage and the budget → coverage curve."""

    response_id: str
    teams: int
    team_hours_per_week: float
    beats: list[str]
    hours: dict[int, list[tuple[int, int]]]
    covered_calls: float
    covered_share: float
    eligible_calls: int
    pareto: list[dict[str, Any]]
    settings: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict (hours keyed by weekday number as a string)."""
        return {
            "response_id": self.response_id,
            "teams": self.teams,
            "team_hours_per_week": self.team_hours_per_week,
            "team_hours_used_per_week": self.settings["team_hours_used_per_week"],
            "beats": self.beats,
            "hours": {str(d): [list(w) for w in ws] for d, ws in sorted(self.hours.items())},
            "covered_calls": self.covered_calls,
            "covered_share": self.covered_share,
            "eligible_calls": self.eligible_calls,
            "pareto": self.pareto,
            "settings": {k: v for k, v in self.settings.items() if k != "team_hours_used_per_week"},
        }


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
    as_of: date | None = None,
) -> Plan:
    """Choose beats and daily hours that cover the most eligible calls within a budget.

    Parameters
    ----------
    classified
        The classified table (Ibis or pandas) with ``eligible_<response_id>``.
    program
        A loaded program; its planned response (or ``response_id``) is planned.
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
        Date whose program period gives the default teams and current area; default today.

    Returns
    -------
    Plan

    Raises
    ------
    UsageError
        Negative budget, zero teams, contiguity without polygons, no eligible calls.
    """
    _check_budget(team_hours_per_week)
    rid = response_id or program.planned_response
    period = program.response(rid).period_at(as_of or date.today())
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
    if max_distance_km is not None and not (math.isfinite(max_distance_km) and max_distance_km > 0):
        msg = f"--max-distance-km must be a positive number, got {max_distance_km!r}"
        raise UsageError(msg)
    if not 0 < max_utilization <= 1:
        msg = f"--max-utilization must be in (0, 1], got {max_utilization!r}"
        raise UsageError(msg)
    if contiguous and beats_geojson is None:
        msg = "--contiguous needs --beats FILE (the beat polygons as GeoJSON) to know which beats touch"
        raise UsageError(msg)

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

    beats_file = None
    polygons = None
    if beats_geojson is not None:
        from .geo import load_beats

        beats_file = load_beats(beats_geojson)
        polygons = beats_file.merged()
    centroids = dict(counts.centroids)
    if polygons is not None:
        # beats without eligible calls can still join others into one connected area
        missing = sorted(set(polygons) - set(counts.beats), key=_beat_sort_key)
        if missing:
            counts.beats = counts.beats + missing
            counts.calls = np.concatenate([counts.calls, np.zeros((len(missing), DAYS, HOURS))])
        centroids.update({b: (p.representative_point().y, p.representative_point().x) for b, p in polygons.items()})
    adjacency = None
    if contiguous:
        adjacency = _adjacency_pairs(beats_file, counts.beats)
    allowed = None
    if max_distance_km is not None:
        if base is None:
            area = period.service_area
            pts = [centroids[b] for b in (area or counts.beats) if b in centroids]
            if not pts:
                msg = "--max-distance-km needs beat locations (latitude/longitude in the data or --beats FILE)"
                raise UsageError(msg)
            base = (float(np.median([p[0] for p in pts])), float(np.median([p[1] for p in pts])))
        allowed = np.array(
            [b in centroids and _haversine_km(base, centroids[b]) <= max_distance_km for b in counts.beats]
        )

    def solve(budget: float) -> MipSolution:
        return solve_coverage(counts.calls, teams=teams, team_hours_per_week=budget, capacity=capacity, adjacency=adjacency, allowed=allowed)

    best = solve(team_hours_per_week)
    budgets = pareto_budgets if pareto_budgets is not None else [teams * 7 * h for h in range(0, 25, 4)]
    budgets = sorted({float(b) for b in budgets} | {float(team_hours_per_week)})
    for b in budgets:
        _check_budget(b)
    pareto = []
    for b in budgets:
        sol = best if b == float(team_hours_per_week) else solve(b)
        pareto.append(
            {
                "team_hours_per_week": b,
                "covered_calls": sol.covered,
                "covered_share": sol.covered / counts.total_calls if counts.total_calls else 0.0,
                "beats": len(sol.beats),
                "hours_per_day": len(sol.hours),
                "days": len(sol.days),
                "team_hours_used_per_week": sol.team_hours_per_week,
                "optimal": sol.optimal,
            }
        )
    hours = _hours_dict(best.hours, best.days)
    return Plan(
        response_id=rid,
        teams=teams,
        team_hours_per_week=float(team_hours_per_week),
        beats=sorted((counts.beats[b] for b in best.beats), key=_beat_sort_key),
        hours=hours,
        covered_calls=best.covered,
        covered_share=best.covered / counts.total_calls if counts.total_calls else 0.0,
        eligible_calls=counts.total_calls,
        pareto=pareto,
        settings={
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


def write_plan(result: Plan, program, path: str | Path) -> Path:
    """Write the plan as a program YAML: the program with the planned response's area and hours.

    The plan gets its own id (``<program id>-plan``) so classifying with it writes
    ``classified/<id>-plan.parquet`` beside the program's own labels instead of over them.
    """
    new = program.with_area_and_hours(result.response_id, result.beats, result.hours, result.teams)
    new.renamed(f"{program.id}-plan").to_yaml(path)
    return Path(path)


def _hours_dict(hours: list[int], days: list[int]) -> dict[int, list[tuple[int, int]]]:
    """Weekday -> merged (start_min, end_min) ranges for the chosen hours on chosen days."""
    ranges: list[tuple[int, int]] = []
    for h in sorted(hours):
        if ranges and ranges[-1][1] == h * 60:
            ranges[-1] = (ranges[-1][0], (h + 1) * 60)
        else:
            ranges.append((h * 60, (h + 1) * 60))
    return {d: (list(ranges) if d in days else []) for d in range(DAYS)}


def _check_budget(value) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)) or not math.isfinite(value) or value < 0:
        msg = f"--team-hours-per-week must be a non-negative number, got {value!r}"
        raise UsageError(msg)


def _haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    dp, dl = p2 - p1, math.radians(b[1] - a[1])
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(min(1.0, h)))


# --------------------------------------------------------------------------- beat geometry

def _adjacency_pairs(beats_file, beats: list[str]) -> list[tuple[int, int]]:
    """Index pairs of ``beats`` that share a border (geo.beat_adjacency), for the MIP."""
    from .geo import beat_adjacency

    index = {b: k for k, b in enumerate(beats)}
    neighbours = beat_adjacency(beats_file)
    return sorted(
        {tuple(sorted((index[a], index[b]))) for a, near in neighbours.items() if a in index for b in near if b in index}
    )


# --------------------------------------------------------------------------- report hook


def report_section(classified, program, **options) -> dict[str, Any]:
    """The report's ``planning`` section: :func:`altresponse.analyze.planning.planning`.

    The report calls this hook (docs/report.md); options pass through (``as_of``,
    ``team_hours_per_week``, ``replications``, ``seed``).
    """
    from .analyze.planning import planning

    return planning(classified, program, **options)
