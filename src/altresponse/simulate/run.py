"""``simulate()``: check the options, prepare the calls, draw the replications, run the scenarios."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

import math

import numpy as np

from ..errors import UsageError
from ..inputs import as_date, as_program, period_label
from .data import Calls, default_base, eligible_calls, prepare
from .intervals import summarise
from .kernel import run_scenario
from .sampling import ONSCENE_CV, Settings, draw_sample, travel_source
from .scenario import scenario_from_program
from .whatifs import scenario_dict, staffing_curve
from .whatifs import what_ifs as what_if_rows

Mode = Literal["replay", "resample"]
TravelModel = Literal["auto", "historical", "distance", "fixed"]

MODES: tuple[str, ...] = ("replay", "resample")
TRAVEL_MODELS: tuple[str, ...] = ("auto", "historical", "distance", "fixed")


def simulate(
    classified,
    program,
    *,
    response_id: str | None = None,
    as_of: date | str,
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
        A loaded program (``altresponse.program.load_program``) or a path to a program file.
    response_id
        Response to simulate; default the program's ``planned_response``.
    as_of
        Date (or ``YYYY-MM-DD``) whose program period (teams, area, hours) is simulated.
        Required: only the CLI defaults it (to today).
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
        Metrics (each ``{"mean", "ci_low", "ci_high"}``), ``as_of``, ``program_period``, ``scenario``, ``assumptions``,
        ``what_ifs`` (list of rows) and ``staffing_curve`` (list of rows).

    Raises
    ------
    UsageError
        For parameters that cannot work (replications < 1, zero teams, hours outside 0-24).
    """
    _check_options(replications=replications, extra_teams=extra_teams, max_teams=max_teams, max_wait_minutes=max_wait_minutes,
                   speed_kmh=speed_kmh, detour_factor=detour_factor, default_onscene_minutes=default_onscene_minutes,
                   default_travel_minutes=default_travel_minutes, default_police_minutes=default_police_minutes,
                   staffing_target=staffing_target, mode=mode, travel=travel)
    program = as_program(program)
    when = as_date(as_of)
    rid = response_id or program.planned_response
    current = scenario_from_program(program, response_id=rid, as_of=when)
    if current.teams < 1:
        msg = f"program response {rid!r}: teams_per_shift is {current.teams}; it must be at least 1"
        raise UsageError(msg)
    current.open_mask()  # validates hours
    calls = prepare(eligible_calls(classified, rid), min_samples=min_samples)
    if base is None:
        base = default_base(calls, current.area)
    settings = Settings(
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
    samples = [draw_sample(calls, settings, np.random.default_rng(s)) for s in streams]
    result: dict[str, Any] = {"response_id": rid, "replications": replications, "seed": seed, "mode": mode,
                              "as_of": when.isoformat(), "program_period": period_label(program, rid, when)}
    result.update(summarise([run_scenario(calls, s, current, settings) for s in samples]))
    result["scenario"] = scenario_dict(current)
    result["assumptions"] = _assumptions(calls, settings)
    result["what_ifs"] = []
    result["staffing_curve"] = []
    result["teams_for_target"] = None
    if what_ifs:
        result["what_ifs"] = what_if_rows(calls, samples, current, settings, extra_teams)
        curve, needed = staffing_curve(calls, samples, current, settings, staffing_target, max_teams)
        result["staffing_curve"] = curve
        result["teams_for_target"] = needed
        result["staffing_target"] = staffing_target
    return result


def _check_options(*, replications, extra_teams, max_teams, max_wait_minutes, speed_kmh, detour_factor, default_onscene_minutes,
                   default_travel_minutes, default_police_minutes, staffing_target, mode, travel) -> None:
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


def _assumptions(calls: Calls, settings: Settings) -> dict[str, Any]:
    onscene_types = sum(v is not None for v in calls.onscene_by_type)
    if calls.onscene_pooled is None:
        onscene = f"no time on scene in the data: lognormal, mean {settings.default_onscene_minutes:g} min, CV {ONSCENE_CV} (assumed)"
    else:
        onscene = f"data's cleared_at - onscene_at: own distribution for {onscene_types} types, pooled for the rest"
    source = travel_source(calls, settings)
    travel = {
        "historical": "data's onscene_at - dispatched_at by beat (pooled where a beat has few)",
        "distance": f"geodesic distance from base x {settings.detour_factor:g} at {settings.speed_kmh:g} km/h",
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
