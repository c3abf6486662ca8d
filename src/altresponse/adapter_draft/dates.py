"""Which strftime formats read a column: dates with or without times, 12/24-hour, day-first."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

DATES = ("%Y-%m-%d", "%m/%d/%Y", "%d/%m/%Y", "%m/%d/%y", "%d/%m/%y", "%Y/%m/%d", "%m-%d-%Y", "%d-%b-%Y", "%d-%b-%y", "%Y%m%d", "%d.%m.%Y")
TIMES = ("%H:%M:%S.%f", "%H:%M:%S", "%H:%M", "%I:%M:%S%p", "%I:%M:%S %p", "%I:%M%p", "%I:%M %p", "%I:%M:%S.%f %p")
ISO_OFFSET = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$")
# A date (2021-01-13, 1/13/2021, 13-Jan-2021) or a clock time (12:41): cheap screen before strptime.
_SHAPE = re.compile(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{2,4}|\d{1,2}-[A-Za-z]{3}-\d{2,4}|^\d{1,2}:\d{2}")
MAX_DISTINCT = 2000  # distinct values tried per column (enough to see a day above 12)
SENTINEL_YEAR = 1950  # dates before this are placeholders (1900-01-01), not calls


@dataclass
class DateReading:
    """How a column's values parse."""

    kind: str
    """``datetime`` (date and time of day), ``date`` (no time of day) or ``time`` (time only)."""
    formats: list[str]
    share: float
    """Share of the distinct non-null values the formats read."""
    midnight_only: bool = False
    """Every value has a time, all 00:00:00: a date written as a timestamp."""
    sentinels: list[str] | None = None
    """Placeholder values (year before 1950), to treat as null."""
    offsets: list[str] | None = None
    """UTC offsets written in the values (ISO 8601), most common first."""
    note: str = ""


def read_dates(values: list[str]) -> DateReading | None:
    """The formats that read a column's values, or None if it does not hold dates or times.

    Examples
    --------
    >>> read_dates(["1/13/2021", "2/1/2021"]).formats
    ['%m/%d/%Y']
    >>> read_dates(["13/01/2021 14:05", "02/01/2021 09:00"]).formats
    ['%d/%m/%Y %H:%M']
    >>> read_dates(["12:41:53AM", "1:19:04PM"]).kind
    'time'
    >>> read_dates(["WELFARE CHECK", "CRISIS"]) is None
    True
    >>> read_dates(["2021-01-13 10:00:00", "0", "1900-01-01 00:00:00"]).sentinels
    ['0', '1900-01-01 00:00:00']
    """
    zeros = [v for v in dict.fromkeys(values) if v.strip("0:. -/") == ""]  # '0', '00:00:00', '0000-00-00'
    distinct = [v for v in dict.fromkeys(values) if v not in zeros][:MAX_DISTINCT]
    head = distinct[:50]
    if not head or sum(bool(_SHAPE.search(v)) for v in head) < 0.9 * len(head):
        return None
    if sum(bool(ISO_OFFSET.match(v)) for v in distinct) >= 0.98 * len(distinct):
        offsets = _count([v[-6:] if v[-6] in "+-" else "Z" for v in distinct])
        return DateReading("datetime", ["ISO8601"], 1.0, offsets=offsets, note="ISO 8601 with a UTC offset")
    for kind, candidates in (("datetime", _datetime_formats()), ("date", DATES), ("time", TIMES)):
        found = _cover(distinct, candidates)
        if found is None:
            continue
        formats, share, parsed = found
        reading = DateReading(kind, formats, share)
        _day_first_note(reading, distinct)
        if kind != "time":
            sentinels = [v for v, p in zip(distinct, parsed) if p is not None and p.year < SENTINEL_YEAR]
            reading.sentinels = (zeros + sentinels) or None
            real = [p for p in parsed if p is not None and p.year >= SENTINEL_YEAR]
            if kind == "datetime" and real and all(p.time() == dt.time(0) for p in real):
                reading.midnight_only = True
        return reading
    return None


def _datetime_formats() -> list[str]:
    return [f"{d}{sep}{t}" for d in DATES for sep in (" ", "T") for t in TIMES if not (sep == "T" and "%p" in t)]


def _cover(values: list[str], candidates) -> tuple[list[str], float, list] | None:
    """Greedy: the fewest formats (in candidate order) that read >= 98% of the values."""
    parsed_by = {}
    screen = values[:30]
    for fmt in candidates:
        if not any(_parse(v, fmt) is not None for v in screen):
            continue
        parsed = [_parse(v, fmt) for v in values]
        hits = sum(p is not None for p in parsed)
        if hits:
            parsed_by[fmt] = parsed
    if not parsed_by:
        return None
    chosen: list[str] = []
    covered = [None] * len(values)
    while True:
        left = [i for i, p in enumerate(covered) if p is None]
        if not left or len(chosen) == 3:
            break
        best = max(parsed_by, key=lambda f: (sum(parsed_by[f][i] is not None for i in left), -list(parsed_by).index(f)))
        gain = sum(parsed_by[best][i] is not None for i in left)
        if gain == 0:
            break
        chosen.append(best)
        covered = [c if c is not None else parsed_by[best][i] for i, c in enumerate(covered)]
    share = sum(c is not None for c in covered) / len(values)
    if share < 0.98:
        return None
    return chosen, share, covered


def _parse(value: str, fmt: str):
    try:
        return dt.datetime.strptime(value, fmt)
    except ValueError:
        return None


def _day_first_note(reading: DateReading, values: list[str]) -> None:
    fmts = reading.formats
    if not any(f.startswith(("%m/%d", "%d/%m")) for f in fmts):
        return
    if any(f.startswith("%d/%m") for f in fmts):
        reading.note = "day first: a first number above 12 was seen"
        return
    swapped = [f.replace("%m/%d", "%d/%m", 1) for f in fmts]
    if _cover(values, swapped) is not None:
        reading.note = "month or day first is ambiguous (no number above 12 in either place): read month first (US); check it"
    else:
        reading.note = "month first: a second number above 12 was seen"


def _count(items: list[str]) -> list[str]:
    counts: dict[str, int] = {}
    for i in items:
        counts[i] = counts.get(i, 0) + 1
    return sorted(counts, key=lambda k: -counts[k])
