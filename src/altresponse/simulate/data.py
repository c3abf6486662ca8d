"""Eligible calls prepared for the simulation: times, places, and the observed busy times."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import UsageError
from .kernel import WEEK_MINUTES

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
class Calls:
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


def prepare(frame: pd.DataFrame, *, min_samples: int) -> Calls:
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
    return Calls(
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


def default_base(calls: Calls, area) -> tuple[float, float] | None:
    sel = np.isfinite(calls.lat) & np.isfinite(calls.lon)
    if area is not None:
        sel &= np.isin(calls.beat, list(area))
    if not sel.any():
        return None
    return float(np.median(calls.lat[sel])), float(np.median(calls.lon[sel]))
