"""Eligible calls counted by beat × weekday × hour on the engine: the search's input."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from ..errors import UsageError

DAYS = 7
HOURS = 24


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
    beats = sorted(cells["_beat"].unique().tolist(), key=beat_sort_key)
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
        day_count=weekday_counts(first, last),
        total_calls=int(totals["n"]) - int(totals["no_time"]),
        calls_without_time=int(totals["no_time"]),
        calls_without_beat=int(totals["no_beat"]),
        busy_minutes_mean=busy,
    )


def weekday_counts(first: date | None, last: date | None) -> np.ndarray:
    if first is None or last is None:
        return np.ones(DAYS)
    days = pd.date_range(first, last, freq="D")
    return np.bincount(days.day_of_week, minlength=DAYS).astype(float)


def beat_sort_key(b: str):
    return (0, int(b), b) if b.isdigit() else (1, 0, b)
