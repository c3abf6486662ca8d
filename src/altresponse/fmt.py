"""One number formatter for the analyst report, the public site and the CLI.

Every figure a person reads goes through here, so a share is always ``26.1%`` (never ``0.261``
beside it), a count is ``1,820`` (never ``1.82e+03``), a confidence interval on a count never
goes below zero, and one table column keeps one number of decimals.

Examples
--------
>>> count(1820.0)
'1,820'
>>> share(0.2613)
'26.1%'
>>> interval(-3.2, 12.4, kind="count")
'0 to 12'
>>> column([56.0, 112.0], kind="number")
['56', '112']
>>> column([7.5, 12.0], kind="number")
['7.5', '12.0']
"""

from __future__ import annotations

import math
from typing import Any, Iterable, Literal

Kind = Literal["count", "share", "number", "minutes", "text"]
MISSING = "–"

# Column names (or endings) that hold shares (0..1 fractions) or counts; the report and site name
# their columns this way, so the kind of a column follows from its name.
_SHARE_WORDS = ("share", "rate", "utilization", "_pct")
_COUNT_WORDS = ("fallback_to_police", "outside_program", "calls", "count", "incidents", "beats", "teams", "followups", "within_48h", "days", "k", "replications")


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(isinstance(value, float) and math.isnan(value)) or str(value) in ("NaT", "<NA>", "nan")
    except (TypeError, ValueError):
        return False


def count(value: Any) -> str:
    """A whole count with thousands separators (rounded; a negative count prints as 0)."""
    if _missing(value):
        return MISSING
    return f"{max(0, round(float(value))):,}"


def share(value: Any, digits: int = 1) -> str:
    """A fraction 0..1 as a percentage, e.g. ``0.2613`` → ``26.1%`` (``digits`` decimals)."""
    if _missing(value):
        return MISSING
    return f"{float(value) * 100:.{digits}f}%"


def number(value: Any, digits: int | None = None) -> str:
    """A measured quantity (hours, minutes, rates per 1,000): thousands separators, no exponent.

    ``digits`` defaults to 0 at 100 and above, 1 below (so 112 and 7.5, never 1.12e+02).
    """
    if _missing(value):
        return MISSING
    v = float(value)
    if digits is None:
        digits = 0 if abs(v) >= 100 or v.is_integer() else 1
    return f"{v:,.{digits}f}"


def interval(low: Any, high: Any, *, kind: Kind = "number", digits: int | None = None) -> str:
    """A confidence interval ``low to high``; for counts and shares the low end is clipped at 0."""
    if _missing(low) or _missing(high):
        return MISSING
    lo, hi = float(low), float(high)
    if kind in ("count", "share", "minutes"):
        lo, hi = max(0.0, lo), max(0.0, hi)
    one = {"count": count, "share": lambda v: share(v, 1 if digits is None else digits)}.get(kind)
    if one is None:
        d = digits if digits is not None else _digits_for([lo, hi])
        return f"{number(lo, d)} to {number(hi, d)}"
    return f"{one(lo)} to {one(hi)}"


def value(v: Any, *, kind: Kind = "number", digits: int | None = None) -> str:
    """Format one value by kind (the CLI's single entry point)."""
    if kind == "count":
        return count(v)
    if kind == "share":
        return share(v, 1 if digits is None else digits)
    if kind == "text":
        return MISSING if _missing(v) else str(v)
    return number(v, digits)


def kind_of(column_name: str) -> Kind:
    """The kind of a column from its name (``share_eligible`` → share, ``eligible_calls`` → count)."""
    name = column_name.lower()
    for suffix in ("_ci_low", "_ci_high"):
        name = name.removesuffix(suffix)
    if any(w in name for w in _SHARE_WORDS):
        return "share"
    if "minutes" in name:
        return "minutes"
    if "per_" in name or name.endswith("_per_day") or "hours" in name:
        return "number"
    if any(name == w or name.endswith("_" + w) or name.startswith(w + "_") for w in _COUNT_WORDS):
        return "count"
    return "number"


def _digits_for(values: Iterable[float]) -> int:
    """One number of decimals for a column: 0 if all whole or any ≥ 100, else 1."""
    vals = [abs(v) for v in values if not _missing(v)]
    if not vals or all(float(v).is_integer() for v in vals) or max(vals) >= 100:
        return 0
    return 1


def column(values: Iterable[Any], *, kind: Kind = "number") -> list[str]:
    """Format a whole column with one number of decimals (e.g. ``56``, ``112``; or ``7.5``, ``12.0``)."""
    values = list(values)
    if kind == "count":
        return [count(v) for v in values]
    if kind == "share":
        return [share(v) for v in values]
    if kind == "text":
        return [value(v, kind="text") for v in values]
    nums = []
    for v in values:
        try:
            nums.append(float(v) if not _missing(v) else float("nan"))
        except (TypeError, ValueError):
            return [value(x, kind="text") for x in values]
    digits = _digits_for([v for v in nums if not math.isnan(v)])
    if kind == "minutes":
        nums = [max(0.0, v) if not math.isnan(v) else v for v in nums]
    return [number(v, digits) for v in nums]
