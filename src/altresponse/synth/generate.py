"""The generator: calls day by day in chunks, each chunk from its own seeded stream.

The order of random draws is the output's contract (the same seed gives the same bytes,
``tests/test_synth_golden.py``): each step below draws in the order it always has.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from typing import Iterator

import numpy as np
import pandas as pd
import pyarrow as pa

from ..errors import ConfigError, UsageError
from .calibration import calibration, cum, lognormal_params, nature_table, pick
from .places import Blocks, blocks, default_beats_path, load_beats

TZ = "America/New_York"
AGENCY = "DPD"
DEFAULT_CHUNK_ROWS = 250_000
SYNTH_SCHEMA = pa.schema(
    [
        ("call_id", pa.string()),
        ("agency", pa.string()),
        ("received_local", pa.string()),
        ("dispatched_local", pa.string()),
        ("enroute_local", pa.string()),
        ("onscene_local", pa.string()),
        ("cleared_local", pa.string()),
        ("nature", pa.string()),
        ("priority", pa.string()),
        ("source", pa.string()),
        ("disposition", pa.string()),
        ("beat", pa.string()),
        ("district", pa.string()),
        ("latitude", pa.float64()),
        ("longitude", pa.float64()),
        ("location_text", pa.string()),
        ("cancelled", pa.int8()),
        ("units", pa.int16()),
    ]
)
SYNTH_COLUMNS = tuple(SYNTH_SCHEMA.names)
_GROUP_DISPOSITIONS = {"care": "other", "other": "other", "alarm": "alarm", "violent": "violent", "self": "self"}


@dataclass
class _Tables:
    """Everything a chunk draws from, built once from the calibration and the setup stream."""

    blocks: Blocks
    days: pd.DatetimeIndex
    per_day: np.ndarray
    beat_cum: np.ndarray
    hour_cum: np.ndarray
    public_cum: np.ndarray
    self_cum: np.ndarray
    priority_cum: np.ndarray
    groups: np.ndarray
    natures: pa.Array
    units_lambda: np.ndarray
    decc_group: np.ndarray
    intervals: dict[str, np.ndarray]
    officer_scene: np.ndarray
    cancel_close: np.ndarray
    sources: pa.Array
    n_alarm_sources: int
    alarm_src_cum: np.ndarray
    public_src_cum: np.ndarray
    dispositions: list[str]
    dispo_cum: dict[str, np.ndarray]


def _day_counts(n: int, start: date, calls_per_year: float, rng: np.random.Generator) -> tuple[pd.DatetimeIndex, np.ndarray]:
    c = calibration()
    n_days = max(1, int(round(n / (calls_per_year / 365.25))))
    days = pd.date_range(pd.Timestamp(start), periods=n_days, freq="D")
    weekday = np.array(c["WEEKDAY_COUNTS"], float) / np.mean(c["WEEKDAY_COUNTS"])
    month_days = np.array([31, 28.25, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
    month = np.array(c["MONTH_COUNTS"], float) / month_days
    w = weekday[days.day_of_week.to_numpy()] * month[days.month.to_numpy() - 1]
    return days, rng.multinomial(n, w / w.sum())


def _tables(geo: dict, calls: int, start_day: date, calls_per_year: float, seed: int) -> _Tables:
    c = calibration()
    setup = np.random.default_rng(np.random.SeedSequence([seed, 0]))
    where = blocks(geo, setup)
    natures = nature_table(where.beats)
    days, per_day = _day_counts(calls, start_day, calls_per_year, setup)
    dispositions = sorted({d for g in c["DISPOSITIONS"].values() for d in g} | {c["CANCELLED_DISPOSITION"]})
    dispo_cum = {}
    for g, table in c["DISPOSITIONS"].items():
        p = np.zeros(len(dispositions))
        for name, w in table.items():
            p[dispositions.index(name)] = w
        dispo_cum[g] = cum(p)
    alarm, public = c["ALARM_SOURCE_COUNTS"], c["PUBLIC_SOURCE_COUNTS"]
    return _Tables(
        blocks=where,
        days=days,
        per_day=per_day,
        beat_cum=cum(np.array([c["CALLS_PER_BEAT_2021"][b] for b in where.beats], float)),
        hour_cum=cum(np.array(c["HOUR_COUNTS"], float)),
        public_cum=cum(natures.public_probs),
        self_cum=cum(natures.self_probs),
        priority_cum=natures.priority_cum,
        groups=np.array(natures.groups),
        natures=pa.array(natures.names),
        units_lambda=np.array([c["UNITS_LAMBDA"][g] for g in natures.groups]),
        decc_group=np.array([c["DECC_GROUP"].get(code, 4) - 1 for code in c["PRIORITY_CODES"]]),
        intervals={k: np.array([lognormal_params(*v[g]) for g in (1, 2, 3, 4)]) for k, v in c["DECC_INTERVALS"].items()},
        officer_scene=np.array([lognormal_params(*c["DECC_OFFICER_ON_SCENE"])]),
        cancel_close=np.array([lognormal_params(*c["CANCEL_CLOSE"])]),
        sources=pa.array(list(alarm) + list(public) + [c["SELF_INITIATED_SOURCE"]]),
        n_alarm_sources=len(alarm),
        alarm_src_cum=cum(np.array(list(alarm.values()), float)),
        public_src_cum=cum(np.array(list(public.values()), float)),
        dispositions=dispositions,
        dispo_cum=dispo_cum,
    )


def _lognormal(rng: np.random.Generator, params: np.ndarray, idx: np.ndarray) -> np.ndarray:
    mu, sigma = params[idx, 0], params[idx, 1]
    return np.exp(mu + sigma * rng.standard_normal(len(idx)))


def _to_local_strings(utc_seconds: np.ndarray, valid: np.ndarray) -> pa.Array:
    local = pd.to_datetime(utc_seconds, unit="s", utc=True).tz_convert(TZ).tz_localize(None)
    secs = local.to_numpy().astype("datetime64[s]").astype(np.int64)
    arr = pa.array(secs, pa.timestamp("s"), mask=~valid)
    return arr.cast(pa.string())


def _received(t: _Tables, rng, day_start_local: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """UTC seconds, sorted: each day's calls at hours drawn from the real hour profile."""
    n = int(counts.sum())
    local = np.repeat(day_start_local, counts)
    local += pick(t.hour_cum, rng.random(n)) * 3600 + rng.integers(0, 3600, n)
    ambiguous = rng.random(n) < 0.5
    received = (
        pd.DatetimeIndex(local.astype("datetime64[s]"))
        .tz_localize(TZ, ambiguous=ambiguous, nonexistent="shift_forward")
        .as_unit("s")
        .asi8
    )
    return np.sort(received)  # received order within the chunk (chunks are whole days)


def _kinds(t: _Tables, rng, n: int) -> dict[str, np.ndarray]:
    """Self-initiated or not, cancelled, beat, nature, priority, source and disposition of each call."""
    c = calibration()
    is_self = rng.random(n) < c["SELF_INITIATED_SHARE"]
    cancelled = ~is_self & (rng.random(n) < c["CANCELLED_SHARE"])
    beat_idx = pick(t.beat_cum, rng.random(n))
    nat = np.empty(n, np.int64)
    nat[is_self] = pick(t.self_cum, rng.random(int(is_self.sum())))
    pub = ~is_self
    nat[pub] = pick(t.public_cum[beat_idx[pub]], rng.random(int(pub.sum())))
    grp = t.groups[nat]
    prio_idx = pick(t.priority_cum[nat], rng.random(n))
    src = np.empty(n, np.int64)
    is_alarm = grp == "alarm"
    src[is_self] = len(t.sources) - 1
    src[is_alarm] = pick(t.alarm_src_cum, rng.random(int(is_alarm.sum())))
    other_pub = pub & ~is_alarm
    src[other_pub] = t.n_alarm_sources + pick(t.public_src_cum, rng.random(int(other_pub.sum())))
    dispo = np.empty(n, np.int64)
    for g, dg in _GROUP_DISPOSITIONS.items():
        m = grp == g
        if m.any():
            dispo[m] = pick(t.dispo_cum[dg], rng.random(int(m.sum())))
    dispo[cancelled] = t.dispositions.index(c["CANCELLED_DISPOSITION"])
    return {"is_self": is_self, "cancelled": cancelled, "beat": beat_idx, "nature": nat, "priority": prio_idx,
            "source": src, "disposition": dispo}


def _times(t: _Tables, rng, received: np.ndarray, k: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Dispatch, en route, on scene and clear times (seconds) and which of them the call has."""
    c = calibration()
    n, is_self, cancelled = received.size, k["is_self"], k["cancelled"]
    # intervals (seconds): processing, rollout, travel, on scene
    dg = t.decc_group[k["priority"]]
    proc = _lognormal(rng, t.intervals["processing"], dg)
    roll = _lognormal(rng, t.intervals["rollout"], dg)
    trav = _lognormal(rng, t.intervals["travel"], dg)
    scene = _lognormal(rng, t.intervals["on_scene"], dg)
    scene[is_self] = _lognormal(rng, t.officer_scene, np.zeros(int(is_self.sum()), np.int64))
    proc[is_self] = roll[is_self] = trav[is_self] = 0.0
    back = rng.random(n) < c["BACKWARDS_SHARE"]
    which = rng.integers(0, 4, n)
    flip = -rng.uniform(1, 600, n)
    for i, arr in enumerate((proc, roll, trav, scene)):
        m = back & (which == i)
        arr[m] = flip[m]
    proc, roll, trav, scene = (np.rint(a).astype(np.int64) for a in (proc, roll, trav, scene))
    dispatched = received + proc
    enroute = dispatched + roll
    onscene = enroute + trav
    cleared = onscene + scene
    has_dispatch = ~cancelled | (rng.random(n) < c["CANCELLED_DISPATCHED_SHARE"])
    has_enroute = has_dispatch & ((rng.random(n) >= c["MISSING_ENROUTE_SHARE"]) | is_self)
    has_onscene = ~cancelled & ((rng.random(n) >= c["MISSING_ONSCENE_SHARE"]) | is_self)
    close = received + np.rint(_lognormal(rng, t.cancel_close, np.zeros(n, np.int64))).astype(np.int64)
    last_step = np.where(has_enroute, enroute, np.where(has_dispatch, dispatched, received))
    cleared = np.where(cancelled, np.maximum(close, last_step + 1), cleared)
    return {"dispatched": dispatched, "enroute": enroute, "onscene": onscene, "cleared": cleared,
            "has_dispatch": has_dispatch, "has_enroute": has_enroute, "has_onscene": has_onscene}


def _chunk(t: _Tables, rng, seed: int, row0: int, day_start_local: np.ndarray, counts: np.ndarray) -> pa.RecordBatch:
    received = _received(t, rng, day_start_local, counts)
    n = received.size
    k = _kinds(t, rng, n)
    s = _times(t, rng, received, k)
    units = 1 + rng.poisson(t.units_lambda[k["nature"]])
    units[k["cancelled"] & ~s["has_dispatch"]] = 1
    block = pick(t.blocks.block_cum, rng.random(n))
    flat = k["beat"] * calibration()["BLOCKS_PER_BEAT"] + block
    everything = np.ones(n, bool)
    return pa.record_batch(
        [
            pa.array([f"S{seed}-{i:09d}" for i in range(row0 + 1, row0 + n + 1)]),
            pa.array([AGENCY] * n),
            _to_local_strings(received, everything),
            _to_local_strings(s["dispatched"], s["has_dispatch"]),
            _to_local_strings(s["enroute"], s["has_enroute"]),
            _to_local_strings(s["onscene"], s["has_onscene"]),
            _to_local_strings(s["cleared"], everything),
            t.natures.take(k["nature"]),
            pa.array(calibration()["PRIORITY_CODES"]).take(k["priority"]),
            t.sources.take(k["source"]),
            pa.array(t.dispositions).take(k["disposition"]),
            pa.array(t.blocks.beats).take(k["beat"]),
            pa.array(t.blocks.districts).take(k["beat"]),
            pa.array(np.round(t.blocks.lat.ravel()[flat], 6)),
            pa.array(np.round(t.blocks.lon.ravel()[flat], 6)),
            t.blocks.text.take(flat),
            pa.array(k["cancelled"].astype(np.int8)),
            pa.array(np.minimum(units, 12).astype(np.int16)),
        ],
        schema=SYNTH_SCHEMA,
    )


def synthetic_call_batches(
    calls: int,
    *,
    seed: int = 0,
    start: date | str = "2021-01-01",
    beats: str | os.PathLike | None = None,
    calls_per_year: float | None = None,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
) -> Iterator[pa.RecordBatch]:
    """Yield synthetic Durham-like calls as record batches of about ``chunk_rows`` rows.

    Calls are in received order, spread over ``calls / calls_per_year`` years from
    ``start``; each batch covers whole days. The output depends only on the arguments.

    Parameters
    ----------
    calls
        Number of rows in total (>= 1).
    seed
        Random seed; the same arguments give identical batches.
    start
        First local calendar day (``YYYY-MM-DD``).
    beats
        Beats GeoJSON (see :func:`load_beats`); its beats must be Durham's (those in
        :data:`CALLS_PER_BEAT_2021`), since volumes are calibrated per beat.
    calls_per_year
        Volume of all calls (including self-initiated and cancelled) per year; default
        :data:`CALLS_PER_YEAR_DEFAULT`.
    chunk_rows
        Target rows per batch.

    Returns
    -------
    Iterator[pyarrow.RecordBatch]
        Batches with schema :data:`SYNTH_SCHEMA`.

    Raises
    ------
    UsageError
        ``calls``, ``start``, ``calls_per_year`` or ``chunk_rows`` is invalid.
    ConfigError
        The GeoJSON's beats do not match Durham's.
    """
    if calls_per_year is None:
        calls_per_year = calibration()["CALLS_PER_YEAR_DEFAULT"]
    start_day = _check(calls, chunk_rows, calls_per_year, start)
    geo = load_beats(beats)
    per_beat = calibration()["CALLS_PER_BEAT_2021"]
    unknown = sorted(set(geo) - set(per_beat))
    if unknown:
        msg = (f"{beats or default_beats_path()}: beats {', '.join(unknown)} have no 2021 Durham volume; "
               f"valid beats: {', '.join(per_beat)}")
        raise ConfigError(msg)
    t = _tables(geo, calls, start_day, calls_per_year, seed)
    day_start_local = t.days.to_numpy().astype("datetime64[s]").astype(np.int64)
    row0 = chunk = d0 = 0
    cum_rows = np.cumsum(t.per_day)
    while d0 < len(t.days):
        # whole days until the chunk holds ~chunk_rows
        d1 = int(np.searchsorted(cum_rows, (cum_rows[d0 - 1] if d0 else 0) + chunk_rows, side="left")) + 1
        d1 = min(max(d1, d0 + 1), len(t.days))
        chunk += 1
        rng = np.random.default_rng(np.random.SeedSequence([seed, chunk]))
        counts = t.per_day[d0:d1]
        if int(counts.sum()):
            batch = _chunk(t, rng, seed, row0, day_start_local[d0:d1], counts)
            yield batch
            row0 += batch.num_rows
        d0 = d1


def _check(calls: int, chunk_rows: int, calls_per_year: float, start) -> date:
    if calls < 1:
        raise UsageError(f"--calls must be at least 1, got {calls}")
    if chunk_rows < 1000:
        raise UsageError(f"chunk_rows must be at least 1000, got {chunk_rows}")
    if not calls_per_year > 0:
        raise UsageError(f"calls_per_year must be positive, got {calls_per_year}")
    try:
        return date.fromisoformat(str(start))
    except ValueError:
        raise UsageError(f"--start {start!r} is not a date YYYY-MM-DD") from None
