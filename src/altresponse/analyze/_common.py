"""Helpers shared by the analysis sections (private).

A *section* is a plain dict:

``{"available": True, "headline": str, "findings": [str], "numbers": {name: number},
"tables": {name: pandas.DataFrame}, "gaps": {part: why}}``

or ``{"available": False, "why": str}`` when the data cannot support it. Every table
is the ``.to_pandas()`` of an Ibis aggregate: sections never loop over call rows.
"""

from __future__ import annotations

import math
from typing import Any

import ibis
import ibis.expr.types as ir

from ..places import location_key  # noqa: F401 - the one definition, shared with premise history


def unavailable(why: str) -> dict[str, Any]:
    """A section the data cannot support, with the plain reason."""
    return {"available": False, "why": why}


def section(
    headline: str,
    *,
    findings: list[str] | None = None,
    numbers: dict[str, Any] | None = None,
    tables: dict[str, Any] | None = None,
    gaps: dict[str, str] | None = None,
) -> dict[str, Any]:
    """An available section."""
    return {
        "available": True,
        "headline": headline,
        "findings": list(findings or []),
        "numbers": dict(numbers or {}),
        "tables": dict(tables or {}),
        "gaps": dict(gaps or {}),
    }


def count_if(cond: ir.BooleanValue) -> ir.IntegerScalar:
    """Number of rows where ``cond`` is true (nulls count as false)."""
    return cond.fill_null(False).cast("int64").sum().fill_null(0)


def with_eligible(calls: ir.Table) -> ir.Table:
    """Add ``is_eligible`` (the ``eligible`` column with nulls read as false)."""
    if "eligible" in calls.columns:
        return calls.mutate(is_eligible=calls.eligible.fill_null(False))
    return calls.mutate(is_eligible=ibis.literal(False))


def scalar(expr) -> Any:
    """Execute a scalar expression and return a plain Python value."""
    value = expr.execute()
    if hasattr(value, "item"):
        value = value.item()
    return value


def non_null(calls: ir.Table, column: str) -> int:
    """How many rows have a value in ``column`` (0 if the column is absent)."""
    if column not in calls.columns:
        return 0
    return int(scalar(calls[column].count()))


def non_nulls(calls: ir.Table, columns: list[str], /, **also) -> dict[str, Any]:
    """:func:`non_null` for several columns in one query (absent columns count 0).

    ``also``: more scalar expressions over ``calls`` to read in the same query (a section's
    totals, first and last date), returned under their names as the engine gives them.
    """
    present = [c for c in columns if c in calls.columns]
    measures = {**{c: calls[c].count() for c in present}, **also}
    row = calls.aggregate(**measures).to_pandas().iloc[0] if measures else {}
    return {**{c: int(row[c]) if c in present else 0 for c in columns}, **{k: row[k] for k in also}}


def share(part: float, whole: float) -> float | None:
    """``part / whole``, or None when ``whole`` is 0."""
    if not whole:
        return None
    return part / whole


def pct(value: float | None, digits: int = 0) -> str:
    """Format a share (0..1) as a percentage for a headline."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return f"{value * 100:.{digits}f}%"


def hour_label(hour: int) -> str:
    """24-hour clock hour as '8am', '12pm', 'midnight'."""
    hour %= 24
    if hour == 0:
        return "midnight"
    if hour == 12:
        return "noon"
    return f"{hour % 12 or 12}{'am' if hour < 12 else 'pm'}"


def minutes(seconds: float | None) -> str:
    """Seconds as a readable duration ('7.6 min', '1.2 h')."""
    if seconds is None or (isinstance(seconds, float) and math.isnan(seconds)):
        return "n/a"
    if seconds >= 5400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 60:.1f} min"


def local_time(calls: ir.Table) -> ir.TimestampValue:
    """Local wall-clock received time, falling back to midnight of the received date."""
    return calls.received_local.coalesce(calls.received_date.cast("timestamp"))


def days_covered(calls: ir.Table) -> int:
    """Calendar days from the first to the last received date (inclusive)."""
    agg = calls.aggregate(first=calls.received_date.min(), last=calls.received_date.max()).to_pandas()
    return days_between(agg["first"].iloc[0], agg["last"].iloc[0])


def days_between(first, last) -> int:
    """:func:`days_covered` from a first and last received date already read (0 if either is missing)."""
    if first is None or last is None or first != first or last != last:
        return 0
    import pandas as pd

    return int((pd.Timestamp(last) - pd.Timestamp(first)).days) + 1
