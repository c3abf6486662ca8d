"""Engine results as plain text for JSON: a null of any kind (None, NaN, NaT, pd.NA) is None."""

from __future__ import annotations


def text_or_none(value, *, iso: bool = False) -> str | None:
    """``str(value)``, or ``value.isoformat()`` with ``iso`` for dates and times; None for any null.

    Examples
    --------
    >>> import datetime as dt
    >>> text_or_none(float("nan")), text_or_none("TRESPASS"), text_or_none(dt.datetime(2021, 1, 2, 3, 4), iso=True)
    (None, 'TRESPASS', '2021-01-02T03:04:00')
    """
    if value is None:
        return None
    try:
        import pandas as pd

        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value.isoformat() if iso and hasattr(value, "isoformat") else str(value)
