"""The queue kernel (FIFO with deadlines, one heap operation per call) and one scenario's metrics."""

from __future__ import annotations

import heapq
import math

import numpy as np

from ..errors import UsageError

WEEK_MINUTES = 7 * 24 * 60
METRICS = (
    "answered_share",
    "answered_share_in_program",
    "answered_calls",
    "eligible_calls",
    "outside_program",
    "fallback_to_police",
    "wait_minutes_mean",
    "wait_minutes_p50",
    "wait_minutes_p90",
    "response_minutes_p50",
    "response_minutes_p90",
    "utilization",
    "police_unit_hours_freed",
    "police_unit_hours_freed_per_year",
)


def run_queue(arrivals, service, teams: int, deadlines=None) -> np.ndarray:
    """Start times of a first-come-first-served queue with ``teams`` servers.

    Parameters
    ----------
    arrivals
        Arrival times (minutes), sorted ascending.
    service
        Service (busy) time of each call, minutes.
    teams
        Number of identical servers, all free at time ``-inf``.
    deadlines
        Latest start time of each call (arrival + patience, or the end of the shift);
        ``None`` means infinite patience. A call that cannot start by its deadline leaves
        without using a server.

    Returns
    -------
    numpy.ndarray
        Start time of each call, ``nan`` where the call left unserved.

    Examples
    --------
    >>> run_queue([0.0, 1.0, 2.0], [10.0, 10.0, 10.0], 1).tolist()
    [0.0, 10.0, 20.0]
    >>> run_queue([0.0, 1.0, 2.0], [10.0, 10.0, 10.0], 1, deadlines=[5.0, 11.0, 7.0]).tolist()
    [0.0, 10.0, nan]
    """
    if teams < 1:
        msg = f"teams must be at least 1, got {teams}"
        raise UsageError(msg)
    arr = np.asarray(arrivals, dtype=float).tolist()
    svc = np.asarray(service, dtype=float).tolist()
    n = len(arr)
    nan = math.nan
    out = [nan] * n
    free = [-math.inf] * int(teams)
    replace_top = heapq.heapreplace
    if deadlines is None:
        for i in range(n):
            a = arr[i]
            f = free[0]
            t = a if a > f else f
            replace_top(free, t + svc[i])
            out[i] = t
    else:
        dl = np.asarray(deadlines, dtype=float).tolist()
        for i in range(n):
            a = arr[i]
            f = free[0]
            t = a if a > f else f
            if t > dl[i]:
                continue
            replace_top(free, t + svc[i])
            out[i] = t
    return np.array(out, dtype=float)


def open_intervals(mask: np.ndarray, weeks: int) -> tuple[np.ndarray, np.ndarray]:
    """Absolute (start, end) minutes of open runs over ``weeks`` weeks (+1 spare week)."""
    if mask.all():
        return np.array([-math.inf]), np.array([math.inf])
    if not mask.any():
        return np.array([]), np.array([])
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    starts = np.flatnonzero(edges == 1).astype(float)
    ends = np.flatnonzero(edges == -1).astype(float)
    offsets = np.arange(weeks + 1, dtype=float) * WEEK_MINUTES
    starts = (starts[None, :] + offsets[:, None]).ravel()
    ends = (ends[None, :] + offsets[:, None]).ravel()
    # join a run that ends at the week's end with the next week's run at minute 0
    joined = np.concatenate([[False], ends[:-1] == starts[1:]])
    keep_start = ~joined
    keep_end = np.concatenate([~joined[1:], [True]])
    return starts[keep_start], ends[keep_end]


def run_scenario(calls, sample, scenario, settings) -> dict[str, float]:
    mask = scenario.open_mask()
    rows = sample.rows
    n_eligible = rows.size
    minute_of_week = np.floor(np.mod(sample.arrivals, WEEK_MINUTES)).astype(np.int64)
    in_hours = mask[minute_of_week]
    if scenario.area is None:
        in_area = np.ones(n_eligible, dtype=bool)
    else:
        in_area = np.isin(calls.beat[rows], list(scenario.area))
    inside = in_hours & in_area
    arr = sample.arrivals[inside]
    busy = sample.travel[inside] + sample.onscene[inside]
    starts, ends = open_intervals(mask, calls.weeks)
    if arr.size:
        k = np.searchsorted(ends, arr, side="right")
        close = ends[np.minimum(k, ends.size - 1)]
        # a call may start up to max_wait after arrival, and strictly before its shift closes
        deadlines = np.minimum(arr + settings.max_wait_minutes, np.nextafter(close, -math.inf))
        start = run_queue(arr, busy, scenario.teams, deadlines)
    else:
        start = np.array([], dtype=float)
    served = np.isfinite(start)
    wait = start[served] - arr[served]
    response = wait + sample.travel[inside][served]
    open_minutes = float(mask.sum()) * calls.weeks
    busy_minutes = float(busy[served].sum())
    police = calls.police_minutes[rows[inside][served]]
    police = np.where(np.isfinite(police), police, settings.default_police_minutes)
    answered = int(served.sum())
    n_inside = int(inside.sum())
    years = calls.weeks * 7 / 365.25

    def pct(values, q):
        return float(np.percentile(values, q)) if values.size else math.nan

    return {
        "eligible_calls": float(n_eligible),
        "answered_calls": float(answered),
        "answered_share": answered / n_eligible if n_eligible else math.nan,
        "answered_share_in_program": answered / n_inside if n_inside else math.nan,
        "outside_program": float(n_eligible - n_inside),
        "fallback_to_police": float(n_inside - answered),
        "wait_minutes_mean": float(wait.mean()) if wait.size else math.nan,
        "wait_minutes_p50": pct(wait, 50),
        "wait_minutes_p90": pct(wait, 90),
        "response_minutes_p50": pct(response, 50),
        "response_minutes_p90": pct(response, 90),
        "utilization": busy_minutes / (open_minutes * scenario.teams) if open_minutes else math.nan,
        "police_unit_hours_freed": float(police.sum()) / 60.0,
        "police_unit_hours_freed_per_year": float(police.sum()) / 60.0 / years,
    }
