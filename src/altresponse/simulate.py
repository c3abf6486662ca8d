"""Discrete-event simulation of care-first teams working eligible calls.

The model (docs/planning.md explains each assumption):

* **Calls.** Eligible calls (``eligible_<response_id>``) are either replayed in their
  historical order (``mode="replay"``) or resampled for each replication
  (``mode="resample"``): the number of calls is Poisson with the historical count as
  mean, each draw copies a historical call (its beat, weekday, hour, type and place) and
  gives it a random week of the period and a random minute within its hour.
* **Teams.** ``teams_per_shift`` teams are on duty during the response's hours and take
  calls only from its service area. A call outside the area or hours goes to police
  (``outside_program``).
* **Queue.** First come, first served. A call waits for the first free team; if no team
  can start it within ``max_wait_minutes`` (or before the shift it arrived in closes) it
  falls back to police (``fallback_to_police``). A team finishes a call that runs past the
  end of its shift.
* **Busy time** is travel plus time on scene. Time on scene is drawn from the data's own
  ``cleared_at - onscene_at`` by canonical type (pooled over types where a type has fewer
  than ``min_samples`` values); where the data has none (Durham's public subset) it is
  lognormal with mean ``default_onscene_minutes`` and coefficient of variation 0.75 — an
  assumption, reported in ``assumptions``. Travel is ``onscene_at - dispatched_at`` drawn by
  beat where the data has it, else the distance from the team base to the call
  (haversine × ``detour_factor``) at ``speed_kmh``, else ``default_travel_minutes``.

Because service is FIFO and patience is a deadline, each call's start time follows from the
earliest free time among the teams (the Kiefer–Wolfowitz recursion): one heap operation per
call instead of a general event calendar. :func:`run_queue` is that kernel; it is checked
against Erlang C in ``tests/test_simulate.py`` and timed against SimPy in ``benchmarks/``.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Literal

import numpy as np
import pandas as pd

from .errors import UsageError

Mode = Literal["replay", "resample"]
TravelModel = Literal["auto", "historical", "distance", "fixed"]

MODES: tuple[str, ...] = ("replay", "resample")
TRAVEL_MODELS: tuple[str, ...] = ("auto", "historical", "distance", "fixed")
WEEK_MINUTES = 7 * 24 * 60
ONSCENE_CV = 0.75
_NEEDED = (
    "received_local",
    "received_date",
    "beat",
    "canonical_type",
    "latitude",
    "longitude",
    "dispatched_at",
    "onscene_at",
    "cleared_at",
    "units",
)
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


# --------------------------------------------------------------------------- kernel


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


def erlang_c(teams: int, arrival_rate: float, service_rate: float) -> tuple[float, float]:
    """P(wait > 0) and mean wait of an M/M/c queue (Erlang C).

    Returns
    -------
    tuple of float
        ``(probability_of_waiting, mean_wait)``, the wait in the time unit of the rates.

    Examples
    --------
    >>> p, w = erlang_c(1, 0.5, 1.0)   # M/M/1: P(wait) = rho, W = rho / (mu - lambda)
    >>> round(p, 6), round(w, 6)
    (0.5, 1.0)
    """
    a = arrival_rate / service_rate
    rho = a / teams
    if rho >= 1:
        msg = f"offered load {a:.3g} needs more than {teams} teams for a steady state"
        raise UsageError(msg)
    term = 1.0
    total = 1.0
    for k in range(1, teams):
        term *= a / k
        total += term
    last = term * a / teams / (1 - rho)
    p_wait = last / (total + last)
    return p_wait, p_wait / (teams * service_rate - arrival_rate)


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class Scenario:
    """Who works when and where: teams on duty, service area (None = citywide), hours."""

    name: str
    teams: int
    area: frozenset[str] | None
    hours: dict[int, list[tuple[int, int]]] | None  # None = 24/7

    def open_mask(self) -> np.ndarray:
        """Boolean array over the 10,080 minutes of a week (Monday 00:00 first)."""
        return hours_mask(self.hours)


def hours_mask(hours) -> np.ndarray:
    """Minutes of the week (Monday 00:00 = 0) inside ``hours`` (weekday -> [(start, end)]).

    ``None`` means always open. A window whose end is at or before its start runs past
    midnight into the next day.
    """
    mask = np.zeros(WEEK_MINUTES, dtype=bool)
    if hours is None:
        mask[:] = True
        return mask
    for day, windows in dict(hours).items():
        day = int(day)
        if not 0 <= day <= 6:
            msg = f"hours: weekday {day} is not 0 (Monday) to 6 (Sunday)"
            raise UsageError(msg)
        for start, end in windows or []:
            start, end = int(start), int(end)
            if not (0 <= start <= 1440 and 0 <= end <= 1440):
                msg = f"hours: window ({start}, {end}) on weekday {day} is outside 0-24 h (0-1440 min)"
                raise UsageError(msg)
            lo = day * 1440 + start
            hi = day * 1440 + end if end > start else (day + 1) * 1440 + end
            idx = np.arange(lo, hi) % WEEK_MINUTES
            mask[idx] = True
    return mask


def scenario_from_program(program, *, response_id: str | None = None, as_of: date | None = None, name: str = "current") -> Scenario:
    """The planned (or named) response's teams, area and hours in force on ``as_of``."""
    rid = response_id or program.planned_response
    period = program.response(rid).period_at(as_of or date.today())
    area = period.service_area
    return Scenario(
        name=name,
        teams=int(period.teams_per_shift),
        area=None if area is None else frozenset(str(b) for b in area),
        hours=_normalise_hours(period.hours),
    )


def _normalise_hours(hours):
    if hours is None:
        return None
    return {int(d): [(int(s), int(e)) for s, e in (w or [])] for d, w in dict(hours).items()}


def eligible_calls(classified, response_id: str) -> pd.DataFrame:
    """Eligible calls of one response as a pandas frame with the columns the simulation reads.

    ``classified`` is an Ibis table (the classified store table) or a pandas frame.
    """
    col = f"eligible_{response_id}"
    if isinstance(classified, pd.DataFrame):
        if col not in classified.columns:
            msg = f"classified table has no column {col!r} (classify with a program that defines response {response_id!r})"
            raise UsageError(msg)
        frame = classified[classified[col].fillna(False).astype(bool)]
        return frame[[c for c in _NEEDED if c in frame.columns]].reset_index(drop=True)
    if col not in classified.columns:
        msg = f"classified table has no column {col!r} (classify with a program that defines response {response_id!r})"
        raise UsageError(msg)
    table = classified.filter(classified[col].fill_null(False))
    return table.select([c for c in _NEEDED if c in table.columns]).to_pandas()


@dataclass
class _Calls:
    """Eligible calls prepared as arrays (one row per call with a received time)."""

    minutes: np.ndarray  # minutes since origin (a Monday 00:00), sorted
    week_minute: np.ndarray  # minute of the week
    beat: np.ndarray  # str
    type_idx: np.ndarray  # int index into types
    lat: np.ndarray
    lon: np.ndarray
    police_minutes: np.ndarray  # historical police unit-minutes per call (nan unknown)
    weeks: int
    origin: pd.Timestamp
    onscene_by_type: list[np.ndarray | None]
    onscene_pooled: np.ndarray | None
    travel_by_beat: dict[str, np.ndarray]
    travel_pooled: np.ndarray | None
    dropped_without_time: int


def _minutes_between(later, earlier) -> np.ndarray:
    if later is None or earlier is None:
        return np.array([], dtype=float)
    delta = (pd.to_datetime(later, utc=True) - pd.to_datetime(earlier, utc=True)).dt.total_seconds() / 60.0
    return np.array(delta.to_numpy(dtype=float, na_value=np.nan), dtype=float, copy=True)


def _prepare(frame: pd.DataFrame, *, min_samples: int) -> _Calls:
    if "received_local" not in frame.columns:
        msg = "classified table has no received_local column; the simulation needs call times"
        raise UsageError(msg)
    received = pd.to_datetime(frame["received_local"])
    keep = received.notna().to_numpy()
    dropped = int((~keep).sum())
    frame = frame.loc[keep].reset_index(drop=True)
    received = received[keep].reset_index(drop=True)
    if frame.empty:
        msg = "no eligible calls with a received time to simulate"
        raise UsageError(msg)
    first = received.min().normalize()
    origin = first - pd.Timedelta(days=int(first.day_of_week))
    minutes = ((received - origin).dt.total_seconds() / 60.0).to_numpy(dtype=float).copy()
    order = np.argsort(minutes, kind="stable")
    frame = frame.iloc[order].reset_index(drop=True)
    minutes = minutes[order]
    weeks = max(1, int(math.ceil((minutes.max() + 1) / WEEK_MINUTES)))

    def col(name, default=None):
        return frame[name] if name in frame.columns else default

    beat = col("beat", pd.Series([None] * len(frame))).astype("string").fillna("").to_numpy(dtype=object)
    types = col("canonical_type", pd.Series(["UNKNOWN"] * len(frame))).astype("string").fillna("UNKNOWN")
    codes, uniques = pd.factorize(types)
    lat = pd.to_numeric(col("latitude", pd.Series([np.nan] * len(frame))), errors="coerce").to_numpy(dtype=float).copy()
    lon = pd.to_numeric(col("longitude", pd.Series([np.nan] * len(frame))), errors="coerce").to_numpy(dtype=float).copy()

    onscene = _minutes_between(col("cleared_at"), col("onscene_at"))
    if onscene.size == 0:
        onscene = np.full(len(frame), np.nan)
    onscene[(onscene <= 0) | (onscene > 24 * 60)] = np.nan
    travel = _minutes_between(col("onscene_at"), col("dispatched_at"))
    if travel.size == 0:
        travel = np.full(len(frame), np.nan)
    travel[(travel < 0) | (travel > 180)] = np.nan
    police = _minutes_between(col("cleared_at"), col("dispatched_at"))
    if police.size == 0:
        police = np.full(len(frame), np.nan)
    police[(police <= 0) | (police > 24 * 60)] = np.nan
    units = pd.to_numeric(col("units", pd.Series([np.nan] * len(frame))), errors="coerce").to_numpy(dtype=float)
    police = police * np.where(np.isfinite(units) & (units >= 1), units, 1.0)

    pooled = onscene[np.isfinite(onscene)]
    by_type: list[np.ndarray | None] = []
    for k in range(len(uniques)):
        vals = onscene[(codes == k) & np.isfinite(onscene)]
        by_type.append(vals if vals.size >= min_samples else None)
    tpool = travel[np.isfinite(travel)]
    by_beat = {}
    for b in np.unique(beat):
        vals = travel[(beat == b) & np.isfinite(travel)]
        if vals.size >= min_samples:
            by_beat[b] = vals
    return _Calls(
        minutes=minutes,
        week_minute=np.mod(minutes, WEEK_MINUTES),
        beat=beat,
        type_idx=codes.astype(np.int64),
        lat=lat,
        lon=lon,
        police_minutes=police,
        weeks=weeks,
        origin=origin,
        onscene_by_type=by_type,
        onscene_pooled=pooled if pooled.size >= min_samples else None,
        travel_by_beat=by_beat,
        travel_pooled=tpool if tpool.size >= min_samples else None,
        dropped_without_time=dropped,
    )


def _haversine_km(lat1, lon1, lat2, lon2):
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dlmb = np.radians(lon2) - np.radians(lon1)
    h = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 2 * 6371.0088 * np.arcsin(np.sqrt(np.clip(h, 0, 1)))


# --------------------------------------------------------------------------- replications


@dataclass
class _Sample:
    """One replication's calls: arrival times, source rows, busy and travel minutes."""

    arrivals: np.ndarray
    rows: np.ndarray
    travel: np.ndarray
    onscene: np.ndarray


@dataclass(frozen=True)
class _Settings:
    mode: str
    max_wait_minutes: float
    speed_kmh: float
    detour_factor: float
    travel: str
    default_onscene_minutes: float
    default_travel_minutes: float
    default_police_minutes: float
    base: tuple[float, float] | None


def _draw_sample(calls: _Calls, settings: _Settings, rng: np.random.Generator) -> _Sample:
    n = calls.minutes.size
    if settings.mode == "replay":
        rows = np.arange(n)
        arrivals = calls.minutes.copy()
    else:
        count = rng.poisson(n)
        rows = rng.integers(0, n, size=count)
        week = rng.integers(0, calls.weeks, size=count)
        hour_start = np.floor(calls.week_minute[rows] / 60.0) * 60.0
        arrivals = week * WEEK_MINUTES + hour_start + rng.uniform(0.0, 60.0, size=count)
        order = np.argsort(arrivals, kind="stable")
        rows, arrivals = rows[order], arrivals[order]
    m = rows.size
    # time on scene by type, pooled fallback, then the stated lognormal fallback
    onscene = np.full(m, np.nan)
    types = calls.type_idx[rows]
    for k, vals in enumerate(calls.onscene_by_type):
        sel = types == k
        if vals is not None and sel.any():
            onscene[sel] = rng.choice(vals, size=int(sel.sum()))
    missing = np.isnan(onscene)
    if missing.any():
        if calls.onscene_pooled is not None:
            onscene[missing] = rng.choice(calls.onscene_pooled, size=int(missing.sum()))
        else:
            sigma = math.sqrt(math.log(1 + ONSCENE_CV**2))
            mu = math.log(settings.default_onscene_minutes) - sigma**2 / 2
            onscene[missing] = rng.lognormal(mu, sigma, size=int(missing.sum()))
    travel = _travel_minutes(calls, settings, rows, rng)
    return _Sample(arrivals=arrivals, rows=rows, travel=travel, onscene=onscene)


def _travel_source(calls: _Calls, settings: _Settings) -> str:
    if settings.travel != "auto":
        return settings.travel
    if calls.travel_pooled is not None:
        return "historical"
    if settings.base is not None and np.isfinite(calls.lat).any():
        return "distance"
    return "fixed"


def _travel_minutes(calls: _Calls, settings: _Settings, rows: np.ndarray, rng) -> np.ndarray:
    source = _travel_source(calls, settings)
    m = rows.size
    travel = np.full(m, np.nan)
    if source == "historical":
        beats = calls.beat[rows]
        for b, vals in calls.travel_by_beat.items():
            sel = beats == b
            if sel.any():
                travel[sel] = rng.choice(vals, size=int(sel.sum()))
        missing = np.isnan(travel)
        if missing.any() and calls.travel_pooled is not None:
            travel[missing] = rng.choice(calls.travel_pooled, size=int(missing.sum()))
    elif source == "distance" and settings.base is not None:
        km = _haversine_km(settings.base[0], settings.base[1], calls.lat[rows], calls.lon[rows])
        travel = km * settings.detour_factor / settings.speed_kmh * 60.0
    travel[~np.isfinite(travel)] = settings.default_travel_minutes
    return travel


def _open_intervals(mask: np.ndarray, weeks: int) -> tuple[np.ndarray, np.ndarray]:
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


def _run_scenario(calls: _Calls, sample: _Sample, scenario: Scenario, settings: _Settings) -> dict[str, float]:
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
    starts, ends = _open_intervals(mask, calls.weeks)
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


def _summarise(runs: list[dict[str, float]]) -> dict[str, dict[str, float | None]]:
    """Mean and 95% t-interval over replications for each metric."""
    from scipy import stats

    out: dict[str, dict[str, float | None]] = {}
    r = len(runs)
    for name in METRICS:
        vals = np.array([run[name] for run in runs], dtype=float)
        vals = vals[np.isfinite(vals)]
        if vals.size == 0:
            out[name] = {"mean": None, "ci_low": None, "ci_high": None}
            continue
        mean = float(vals.mean())
        if vals.size < 2 or r < 2:
            out[name] = {"mean": mean, "ci_low": None, "ci_high": None}
            continue
        half = float(stats.t.ppf(0.975, vals.size - 1) * vals.std(ddof=1) / math.sqrt(vals.size))
        out[name] = {"mean": mean, "ci_low": mean - half, "ci_high": mean + half}
    return out


# --------------------------------------------------------------------------- public API


def simulate(
    classified,
    program,
    *,
    response_id: str | None = None,
    as_of: date | None = None,
    replications: int = 20,
    seed: int = 0,
    mode: Mode = "resample",
    max_wait_minutes: float = 30.0,
    travel: TravelModel = "auto",
    speed_kmh: float = 30.0,
    detour_factor: float = 1.3,
    base: tuple[float, float] | None = None,
    default_onscene_minutes: float = 45.0,
    default_travel_minutes: float = 10.0,
    default_police_minutes: float = 45.0,
    extra_teams: int = 1,
    staffing_target: float = 0.9,
    max_teams: int = 40,
    min_samples: int = 20,
    what_ifs: bool = True,
) -> dict[str, Any]:
    """Simulate the program's teams working its eligible calls, with what-ifs.

    Parameters
    ----------
    classified
        The classified table (Ibis or pandas) with ``eligible_<response_id>``.
    program
        A loaded program (``altresponse.program.load_program``).
    response_id
        Response to simulate; default the program's ``planned_response``.
    as_of
        Date whose program period (teams, area, hours) is simulated; default today.
    replications
        Independent replications; confidence intervals need at least 2.
    seed
        Seed of the random streams (the same seed gives the same numbers).
    mode
        ``"resample"`` (new calls each replication) or ``"replay"`` (historical calls in
        order; only service and travel times vary).
    max_wait_minutes
        A call no team can start within this many minutes falls back to police.
    travel
        ``"auto"`` (historical intervals if the data has them, else distance, else fixed),
        ``"historical"``, ``"distance"`` or ``"fixed"``.
    speed_kmh, detour_factor
        Travel speed and road/straight-line ratio for distance-based travel.
    base
        (lat, lon) of the team base; default the median location of calls in the current
        service area.
    default_onscene_minutes, default_travel_minutes, default_police_minutes
        Fallbacks where the data has no time on scene, no travel, or no police busy time.
    extra_teams
        N in the "+N teams" what-if.
    staffing_target
        Share of eligible calls the staffing curve aims to answer (24/7, citywide).
    max_teams
        Largest team count the staffing curve tries.
    min_samples
        Fewest observed values a type (or beat) needs to use its own distribution.
    what_ifs
        Also run the what-ifs and the staffing curve.

    Returns
    -------
    dict
        Metrics (each ``{"mean", "ci_low", "ci_high"}``), ``scenario``, ``assumptions``,
        ``what_ifs`` (list of rows) and ``staffing_curve`` (list of rows).

    Raises
    ------
    UsageError
        For parameters that cannot work (replications < 1, zero teams, hours outside 0-24).
    """
    _check_positive_int("replications", replications)
    _check_positive_int("extra-teams", extra_teams, allow_zero=True)
    _check_positive_int("max-teams", max_teams)
    _check_positive("max-wait-minutes", max_wait_minutes, allow_zero=True)
    _check_positive("speed-kmh", speed_kmh)
    _check_positive("detour-factor", detour_factor)
    _check_positive("default-onscene-minutes", default_onscene_minutes)
    _check_positive("default-travel-minutes", default_travel_minutes, allow_zero=True)
    _check_positive("default-police-minutes", default_police_minutes, allow_zero=True)
    if not 0 < staffing_target <= 1:
        msg = f"--staffing-target must be in (0, 1], got {staffing_target}"
        raise UsageError(msg)
    if mode not in MODES:
        msg = f"--mode {mode!r} is not valid; choose one of {', '.join(MODES)}"
        raise UsageError(msg)
    if travel not in TRAVEL_MODELS:
        msg = f"--travel {travel!r} is not valid; choose one of {', '.join(TRAVEL_MODELS)}"
        raise UsageError(msg)

    rid = response_id or program.planned_response
    current = scenario_from_program(program, response_id=rid, as_of=as_of)
    if current.teams < 1:
        msg = f"program response {rid!r}: teams_per_shift is {current.teams}; it must be at least 1"
        raise UsageError(msg)
    current.open_mask()  # validates hours
    calls = _prepare(eligible_calls(classified, rid), min_samples=min_samples)
    if base is None:
        base = _default_base(calls, current.area)
    settings = _Settings(
        mode=mode,
        max_wait_minutes=float(max_wait_minutes),
        speed_kmh=float(speed_kmh),
        detour_factor=float(detour_factor),
        travel=travel,
        default_onscene_minutes=float(default_onscene_minutes),
        default_travel_minutes=float(default_travel_minutes),
        default_police_minutes=float(default_police_minutes),
        base=base,
    )
    streams = np.random.SeedSequence(seed).spawn(replications)
    samples = [_draw_sample(calls, settings, np.random.default_rng(s)) for s in streams]

    def run(scenario: Scenario, reps: list[_Sample]) -> dict[str, dict[str, float | None]]:
        return _summarise([_run_scenario(calls, s, scenario, settings) for s in reps])

    result: dict[str, Any] = {"response_id": rid, "replications": replications, "seed": seed, "mode": mode}
    result.update(run(current, samples))
    result["scenario"] = _scenario_dict(current)
    result["assumptions"] = _assumptions(calls, settings)
    result["what_ifs"] = []
    result["staffing_curve"] = []
    result["teams_for_target"] = None
    if what_ifs:
        scenarios = [
            current,
            replace(current, name="24/7", hours=None),
            replace(current, name="citywide", area=None),
            replace(current, name="24/7 citywide", hours=None, area=None),
        ]
        if extra_teams:
            scenarios.append(replace(current, name=f"+{extra_teams} teams", teams=current.teams + extra_teams))
        for sc in scenarios:
            summary = run(sc, samples)
            result["what_ifs"].append({**_scenario_dict(sc), **_flatten(summary)})
        curve, needed = _staffing_curve(calls, samples, current, settings, staffing_target, max_teams)
        result["staffing_curve"] = curve
        result["teams_for_target"] = needed
        result["staffing_target"] = staffing_target
    return result


def _staffing_curve(calls, samples, current, settings, target, max_teams):
    """Teams 1..k (24/7, citywide) until the mean answered share reaches ``target``."""
    rows = []
    needed = None
    reps = samples[: min(len(samples), 10)]
    for teams in range(1, max_teams + 1):
        sc = replace(current, name=f"{teams} teams 24/7 citywide", teams=teams, hours=None, area=None)
        summary = _summarise([_run_scenario(calls, s, sc, settings) for s in reps])
        rows.append({"teams": teams, "replications": len(reps), **_flatten(summary, keys=("answered_share", "wait_minutes_p50", "wait_minutes_p90", "utilization"))})
        if summary["answered_share"]["mean"] is not None and summary["answered_share"]["mean"] >= target:
            needed = teams
            break
    return rows, needed


def _flatten(summary, keys=None) -> dict[str, float | None]:
    out = {}
    for name in keys or ("answered_share", "answered_calls", "fallback_to_police", "outside_program", "wait_minutes_p50", "wait_minutes_p90", "response_minutes_p50", "response_minutes_p90", "utilization", "police_unit_hours_freed_per_year"):
        stat = summary[name]
        out[name] = stat["mean"]
        out[f"{name}_ci_low"] = stat["ci_low"]
        out[f"{name}_ci_high"] = stat["ci_high"]
    return out


def _scenario_dict(sc: Scenario) -> dict[str, Any]:
    return {
        "scenario": sc.name,
        "teams": sc.teams,
        "area": None if sc.area is None else sorted(sc.area),
        "hours": None if sc.hours is None else {str(d): [list(w) for w in ws] for d, ws in sorted(sc.hours.items())},
        "team_hours_per_week": float(sc.open_mask().sum()) / 60.0 * sc.teams,
    }


def _assumptions(calls: _Calls, settings: _Settings) -> dict[str, Any]:
    onscene_types = sum(v is not None for v in calls.onscene_by_type)
    if calls.onscene_pooled is None:
        onscene = f"no time on scene in the data: lognormal, mean {settings.default_onscene_minutes:g} min, CV {ONSCENE_CV} (assumed)"
    else:
        onscene = f"data's cleared_at - onscene_at: own distribution for {onscene_types} types, pooled for the rest"
    source = _travel_source(calls, settings)
    travel = {
        "historical": "data's onscene_at - dispatched_at by beat (pooled where a beat has few)",
        "distance": f"haversine from base x {settings.detour_factor:g} at {settings.speed_kmh:g} km/h",
        "fixed": f"{settings.default_travel_minutes:g} min per call (no locations or intervals; assumed)",
    }[source]
    police_known = int(np.isfinite(calls.police_minutes).sum())
    return {
        "time_on_scene": onscene,
        "travel": travel,
        "base": None if settings.base is None else list(settings.base),
        "max_wait_minutes": settings.max_wait_minutes,
        "police_minutes_per_call": (
            f"data's cleared_at - dispatched_at x units for {police_known} calls; {settings.default_police_minutes:g} min otherwise"
        ),
        "weeks_simulated": calls.weeks,
        "calls_in_data": int(calls.minutes.size),
        "calls_without_time_dropped": calls.dropped_without_time,
        "queue": "first come first served; teams finish a call past shift end; no call starts after its shift closes",
    }


def _default_base(calls: _Calls, area) -> tuple[float, float] | None:
    sel = np.isfinite(calls.lat) & np.isfinite(calls.lon)
    if area is not None:
        sel &= np.isin(calls.beat, list(area))
    if not sel.any():
        return None
    return float(np.median(calls.lat[sel])), float(np.median(calls.lon[sel]))


def _check_positive_int(name: str, value, *, allow_zero: bool = False) -> None:
    low = 0 if allow_zero else 1
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < low:
        msg = f"--{name} must be an integer of at least {low}, got {value!r}"
        raise UsageError(msg)


def _check_positive(name: str, value, *, allow_zero: bool = False) -> None:
    ok = isinstance(value, (int, float, np.number)) and math.isfinite(value) and (value >= 0 if allow_zero else value > 0)
    if not ok:
        msg = f"--{name} must be a {'non-negative' if allow_zero else 'positive'} number, got {value!r}"
        raise UsageError(msg)
