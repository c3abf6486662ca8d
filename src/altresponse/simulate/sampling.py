"""One replication's calls: arrivals (replayed or resampled), time on scene and travel."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..geo import distance_km
from .data import Calls
from .kernel import WEEK_MINUTES

ONSCENE_CV = 0.75


@dataclass
class Sample:
    """One replication's calls: arrival times, source rows, busy and travel minutes."""

    arrivals: np.ndarray
    rows: np.ndarray
    travel: np.ndarray
    onscene: np.ndarray


@dataclass(frozen=True)
class Settings:
    mode: str
    max_wait_minutes: float
    speed_kmh: float
    detour_factor: float
    travel: str
    default_onscene_minutes: float
    default_travel_minutes: float
    default_police_minutes: float
    base: tuple[float, float] | None


def draw_sample(calls: Calls, settings: Settings, rng: np.random.Generator) -> Sample:
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
    return Sample(arrivals=arrivals, rows=rows, travel=travel, onscene=onscene)


def travel_source(calls: Calls, settings: Settings) -> str:
    if settings.travel != "auto":
        return settings.travel
    if calls.travel_pooled is not None:
        return "historical"
    if settings.base is not None and np.isfinite(calls.lat).any():
        return "distance"
    return "fixed"


def _travel_minutes(calls: Calls, settings: Settings, rows: np.ndarray, rng) -> np.ndarray:
    source = travel_source(calls, settings)
    m = rows.size
    travel = np.full(m, np.nan)
    if source == "historical":
        # each call's beat as an integer code once, instead of comparing every call's beat string
        # once per beat (~0.5 s a sample at 30k calls); the same masks, so the same draws
        index = {b: i for i, b in enumerate(calls.travel_by_beat)}
        codes = np.fromiter((index.get(b, -1) for b in calls.beat), dtype=np.int64, count=calls.beat.size)[rows]
        for i, vals in enumerate(calls.travel_by_beat.values()):
            sel = codes == i
            if sel.any():
                travel[sel] = rng.choice(vals, size=int(sel.sum()))
        missing = np.isnan(travel)
        if missing.any() and calls.travel_pooled is not None:
            travel[missing] = rng.choice(calls.travel_pooled, size=int(missing.sum()))
    elif source == "distance" and settings.base is not None:
        km = distance_km(settings.base[0], settings.base[1], calls.lat[rows], calls.lon[rows])
        travel = km * settings.detour_factor / settings.speed_kmh * 60.0
    travel[~np.isfinite(travel)] = settings.default_travel_minutes
    return travel
