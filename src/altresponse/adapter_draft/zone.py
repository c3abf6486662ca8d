"""The time zone, when the file says: UTC offsets in the values, else where the points are.

Also detects Burlington's quirk (``offset: shifted_utc``): when a separate hour-of-day column
agrees with the UTC reading of the timestamps rather than their local digits, the source read
local times as UTC and converted them.
"""

from __future__ import annotations

import re

from .dates import DateReading
from .sample import Sample

# Standard-time UTC offset (hours) -> the US zone with that standard time.
_BY_STANDARD = {-5: "America/New_York", -6: "America/Chicago", -7: "America/Denver", -8: "America/Los_Angeles",
                -9: "America/Anchorage", -10: "Pacific/Honolulu", -4: "America/Puerto_Rico"}
_DST_MONTHS = range(4, 11)  # April-October: US daylight time


def zone_from_offsets(reading: DateReading) -> tuple[str | None, str]:
    """A US zone from the UTC offsets written in ISO values, with the reason."""
    hours = sorted({_hours(o) for o in reading.offsets or [] if o != "Z"})
    if not hours:
        return None, "the values are in UTC (Z): they give no local zone"
    shown = ", ".join(reading.offsets)
    if len(hours) == 2 and hours[1] - hours[0] == 1:
        zone = _BY_STANDARD.get(hours[0])
        return zone, f"offsets {shown} are standard and daylight time of UTC{hours[0]:+d}" if zone else f"offsets {shown}: no US zone"
    if len(hours) == 1:
        zone = _BY_STANDARD.get(hours[0])
        return zone, f"one offset ({shown}) only: read as standard time of {zone}; if the file covers only summer months it is daylight time one zone west: check it"
    return None, f"offsets {shown} fit no single zone"


def _hours(offset: str) -> int:
    sign = -1 if offset.startswith("-") else 1
    return sign * int(offset[1:3])


def zone_from_point(lon: float, lat: float) -> str | None:
    """A coarse US zone from a point (zone borders follow state and county lines: check it).

    Examples
    --------
    >>> zone_from_point(-78.9, 36.0), zone_from_point(-122.6, 45.5), zone_from_point(-112.1, 33.4)
    ('America/New_York', 'America/Los_Angeles', 'America/Phoenix')
    """
    if not (-180 <= lon <= -60 and 15 <= lat <= 72):
        return None
    if lat > 51:
        return "America/Anchorage"
    if lon < -150:
        return "Pacific/Honolulu"
    if lon >= -85.5:
        return "America/New_York"
    if lon >= -101.5:
        return "America/Chicago"
    if lon >= -114.8:
        return "America/Phoenix" if lat < 37 and lon < -109 else "America/Denver"
    return "America/Los_Angeles"


def shifted_utc(sample: Sample, column: str) -> tuple[bool, str]:
    """Whether an hour-of-day column agrees with the UTC reading of ISO values rather than their digits."""
    hour_col = next((h for h in sample.header if re.fullmatch(r"(?i)hour|hour[ _]?of[ _]?day|call[ _]?hour", h.strip())), None)
    if hour_col is None:
        return False, ""
    local = utc = n = 0
    for value, hour in zip(sample.columns[column], sample.columns[hour_col]):
        h = _hour(hour)
        m = re.match(r"^\d{4}-\d{2}-\d{2}[T ](\d{2}):\d{2}.*?([+-]\d{2}):?\d{2}$", value)
        if h is None or m is None:
            continue
        digits = int(m.group(1))
        n += 1
        local += digits == h
        utc += (digits - int(m.group(2))) % 24 == h
    if n < 20:
        return False, ""
    if utc >= 0.9 * n and local < 0.5 * n:
        return True, (f"{hour_col!r} agrees with the UTC reading of {column!r} in {utc / n:.0%} of rows and with its "
                      f"local digits in {local / n:.0%}: the source read local times as UTC and converted them (offset: shifted_utc)")
    return False, f"{hour_col!r} agrees with the local digits of {column!r} in {local / n:.0%} of rows"


def _hour(text: str) -> int | None:
    m = re.fullmatch(r"\s*(\d{1,2})\s*([ap]\.?m\.?)?\s*", text.lower())
    if not m:
        return None
    h = int(m.group(1))
    if m.group(2):
        if not 1 <= h <= 12:
            return None
        h = h % 12 + (12 if m.group(2).startswith("p") else 0)
    return h if 0 <= h <= 23 else None
