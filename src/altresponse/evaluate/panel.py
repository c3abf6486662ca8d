"""Unit x period outcome panels, built on the engine, with every empty cell a zero.

An evaluation compares counts per place and week. A beat with no calls in a week is a
count of 0, not a missing row: dropping those cells would overstate the average and bias
every estimate, so the panel is the full grid of units x periods left-joined to the
engine's aggregate. Medians (e.g. response time) have no zero: their empty cells stay
missing and the estimators drop them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import ibis
import ibis.expr.types as ir
import pandas as pd

from ..errors import UsageError

PeriodName = Literal["day", "week", "month"]
PERIODS: tuple[str, ...] = ("day", "week", "month")
_TRUNC = {"day": "D", "week": "W", "month": "M"}
_FREQ = {"day": "D", "week": "W-MON", "month": "MS"}
OutcomeKind = Literal["count", "sum", "median"]


@dataclass(frozen=True)
class Outcome:
    """One outcome: how a row contributes to a unit-period cell.

    ``kind`` is ``count`` (rows where ``value`` is true), ``sum`` (sum of a number) or
    ``median`` (median of a number; empty cells stay missing). ``label`` is plain words.
    """

    name: str
    label: str
    kind: OutcomeKind
    value: Callable[[ir.Table], ir.Value]


def period_starts(first: dt.date, last: dt.date, period: PeriodName) -> list[dt.date]:
    """Starts of the periods lying wholly inside ``first``..``last`` (weeks start on Monday).

    Examples
    --------
    >>> [d.isoformat() for d in period_starts(dt.date(2021, 1, 1), dt.date(2021, 1, 20), "week")]
    ['2021-01-04', '2021-01-11']
    """
    if period not in PERIODS:
        msg = f"period {period!r} is not one of {', '.join(PERIODS)}"
        raise UsageError(msg)
    starts = pd.date_range(pd.Timestamp(first), pd.Timestamp(last), freq=_FREQ[period])
    out = []
    for s in starts:
        end = (s + pd.offsets.MonthBegin(1) - pd.Timedelta(days=1)) if period == "month" else s + pd.Timedelta(days=6 if period == "week" else 0)
        if s.date() >= first and end.date() <= last:
            out.append(s.date())
    return out


def build_panel(
    events: ir.Table,
    outcomes: list[Outcome],
    *,
    unit: str,
    date: str,
    period: PeriodName = "week",
    units: list[str] | None = None,
    first: dt.date | None = None,
    last: dt.date | None = None,
) -> pd.DataFrame:
    """Unit x period panel of every outcome, aggregated on the engine and zero-filled.

    Parameters
    ----------
    events
        One row per event (call, report) with a ``unit`` column and a ``date`` column.
    outcomes
        What to aggregate per cell.
    unit, date
        Column names of the place and the local calendar date.
    period
        ``day``, ``week`` (Monday to Sunday) or ``month``; partial periods at either end are left out.
    units
        Units of the grid (default: every unit seen). Units without a row get zeros.
    first, last
        Date window (default: the data's first and last date).

    Returns
    -------
    pandas.DataFrame
        Columns ``unit``, ``period`` (first day, a date), one column per outcome, and
        ``n_<name>`` (rows behind the median) for median outcomes.

    Raises
    ------
    UsageError
        Unknown column, or no whole period in the window.

    Examples
    --------
    >>> t = ibis.memtable({"beat": ["1", "1", "2"], "day": [dt.date(2021, 1, 4), dt.date(2021, 1, 12), dt.date(2021, 1, 5)]})
    >>> out = build_panel(t, [Outcome("n", "events", "count", lambda t: ibis.literal(True))], unit="beat", date="day",
    ...                   units=["1", "2", "3"], first=dt.date(2021, 1, 4), last=dt.date(2021, 1, 17))
    >>> out.groupby("unit")["n"].sum().to_dict()
    {'1': 2, '2': 1, '3': 0}
    >>> len(out)
    6
    """
    for col in (unit, date):
        if col not in events.columns:
            msg = f"the events table has no {col!r} column (columns: {', '.join(events.columns)})"
            raise UsageError(msg)
    t = events.mutate(_unit=events[unit].cast("string"), _date=events[date].cast("date"))
    if first is None or last is None:
        span = t.aggregate(a=t._date.min(), b=t._date.max()).to_pandas().iloc[0]
        if pd.isna(span["a"]):
            msg = "no events with a date: nothing to evaluate"
            raise UsageError(msg)
        first = first or pd.Timestamp(span["a"]).date()
        last = last or pd.Timestamp(span["b"]).date()
    starts = period_starts(first, last, period)
    if not starts:
        msg = f"no whole {period} between {first} and {last}: the panel would be empty"
        raise UsageError(msg)
    end = _period_end(starts[-1], period)
    t = t.filter((t._date >= starts[0]) & (t._date <= end) & t._unit.notnull())
    t = t.mutate(_period=t._date.truncate(_TRUNC[period]))
    t = t.mutate(**{f"_v_{o.name}": o.value(t) for o in outcomes})  # a column, even for a literal
    aggs = {}
    for o in outcomes:
        v = t[f"_v_{o.name}"]
        if o.kind == "count":
            aggs[o.name] = v.fill_null(False).cast("int64").sum()
        elif o.kind == "sum":
            aggs[o.name] = v.cast("float64").sum()
        else:
            aggs[o.name] = v.cast("float64").median()
            aggs[f"n_{o.name}"] = v.notnull().cast("int64").sum()
    cells = t.group_by(["_unit", "_period"]).aggregate(**aggs).to_pandas()
    cells["_period"] = pd.to_datetime(cells["_period"]).dt.date
    if units is None:
        units = sorted(cells["_unit"].dropna().unique().tolist())
    grid = pd.MultiIndex.from_product([sorted(map(str, units)), starts], names=["unit", "period"]).to_frame(index=False)
    out = grid.merge(cells.rename(columns={"_unit": "unit", "_period": "period"}), on=["unit", "period"], how="left")
    for o in outcomes:
        if o.kind == "count":
            out[o.name] = out[o.name].fillna(0).astype("int64")
        elif o.kind == "sum":
            out[o.name] = out[o.name].fillna(0.0)
        else:
            out[f"n_{o.name}"] = out[f"n_{o.name}"].fillna(0).astype("int64")
    return out


def _period_end(start: dt.date, period: PeriodName) -> dt.date:
    if period == "day":
        return start
    if period == "week":
        return start + dt.timedelta(days=6)
    return (pd.Timestamp(start) + pd.offsets.MonthBegin(1) - pd.Timedelta(days=1)).date()


def drop_window(panel: pd.DataFrame, first: dt.date, last: dt.date, *, period: PeriodName) -> pd.DataFrame:
    """The panel without the periods that overlap ``first``..``last`` (e.g. protest weeks around a launch)."""
    keep = [not (s <= last and _period_end(s, period) >= first) for s in panel["period"]]
    out = panel[keep].copy()
    if out.empty:
        msg = f"--skip {first}:{last} leaves no period in the panel"
        raise UsageError(msg)
    return out


def mark_treatment(panel: pd.DataFrame, adoption: dict[str, dt.date | None], period: PeriodName) -> pd.DataFrame:
    """Add ``treated`` (0/1), ``cohort`` (adoption date or NaT) and ``rel`` (periods since adoption).

    A period is treated when it starts on or after the unit's adoption date. A period that
    straddles adoption (starts before, ends on or after) is neither before nor after: it is
    dropped, for every unit, so the comparison is clean; ``straddling`` in ``attrs`` counts them.
    """
    p = panel.copy()
    drop = set()
    for d in {a for a in adoption.values() if a is not None}:
        drop |= {s for s in p["period"].unique() if s < d <= _period_end(s, period)}
    p = p[~p["period"].isin(drop)].copy()
    periods = sorted(p["period"].unique())
    index = {d: i for i, d in enumerate(periods)}
    p["t"] = p["period"].map(index)
    adopt = p["unit"].map(lambda u: adoption.get(u))
    first_treated_period = {}
    for d in {a for a in adoption.values() if a is not None}:
        after = [s for s in periods if s >= d]
        first_treated_period[d] = index[after[0]] if after else None
    p["cohort"] = adopt
    p["treated"] = [int(a is not None and s >= a) for a, s in zip(adopt, p["period"])]
    p["rel"] = [
        (t - first_treated_period[a]) if a is not None and first_treated_period.get(a) is not None else None
        for a, t in zip(adopt, p["t"])
    ]
    p.attrs["straddling"] = len(drop)
    return p
