"""Ingest's fast timestamp paths give exactly what their definitions give.

- ``parse_local`` (pyarrow strptime behind a subset pattern, pandas for the rest) against pandas
  ``to_datetime`` with the same formats (``parse_formats``, the definition ingest used before),
  on hand-picked hostile values and on generated ones.
- ``localise`` (one offset per distinct local hour) against ``localise_rows`` (value by value),
  on every minute around the DST changes of zones with whole-hour, half-hour and day-long shifts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from altresponse.ingest.timestamps import fast_pattern, localise, localise_rows, parse_formats, parse_local

DURHAM = ["%m/%d/%Y %I:%M:%S%p", "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %H:%M:%S", "%Y-%m-%d %H:%M:%S"]
FORMATS = [
    DURHAM,
    ["%Y-%m-%d %H:%M:%S"],
    ["%Y-%m-%dT%H:%M:%S"],
    ["%m/%d/%Y"],
    ["%Y-%m-%d %H:%M"],
    ["%m/%d/%Y %H%M"],  # adjacent numbers: pandas only
    ["ISO8601"],
    ["%d.%m.%Y %H:%M:%S", "%Y/%m/%d %H:%M"],
]
HOSTILE = [
    "1/1/2021 12:41:53AM", "01/01/2021 12:41:53am", "1/1/2021 1:2:3PM", "12/31/2021 11:59:59PM",
    "2/29/2021 1:00:00PM", "2/29/2024 1:00:00PM", "2/30/2021 1:00:00PM", "4/31/2021 1:00:00AM",
    "13/01/2021 1:00:00PM", "0/1/2021 1:00:00PM", "1/0/2021 1:00:00PM", "1/1/2021 13:00:00PM",
    "1/1/2021 0:00:00AM", "1/1/2021 10:00:60PM", "1/1/2021 10:60:00PM", "1/1/2021  10:00:00PM",
    "1/1/202110:00:00PM", "1/ 1/2021 1:00:00PM", "1/1/0999 1:00:00PM", "1/1/9999 1:00:00PM",
    "1/1/0000 1:00:00PM", "1/1/2021 1:00:00 PM", "1/1/2021 13:00:00", "1/1/2021 24:00:00",
    "2021-01-01 00:00:00", "2021-1-1 0:0:0", "2021-02-29 00:00:00", "2021-02-28 23:59:59",
    "2021-01-01 00:00:60", "2021-01-01 24:00:00", "2021-01-01T00:00:00", "2021-01-01 00:00",
    "2021-01-01", "1/1/2021", "31.12.2021 23:59:59", "2021/12/31 23:59", "1/1/2021 0130",
    "2021-01-01 00:00:00.5", "２０２１-01-01 00:00:00", "١/١/٢٠٢١ 1:00:00PM",
    "1/1/2021 1:00:00PMx", "x1/1/2021 1:00:00PM", "", "PM", "1/1/2021 1:00:00 AM ", "1/31/2021 1:00:00AM",
    "3/31/2021 1:00:00AM", "6/31/2021 1:00:00AM", "2021-06-31 00:00:00", "2021-04-30 12:00:00", None,
]  # no value with a UTC offset: parse_with_time sends those to pandas with utc=True, never here


def _definition(values: list, formats: list[str]) -> list:
    s = pd.Series(values, dtype=object)
    parsed = parse_formats(s, formats, utc=False)
    return [None if pd.isna(v) else v.to_datetime64().astype("datetime64[us]").astype(np.int64) for v in parsed]


def _fast(values: list, formats: list[str]) -> list:
    return parse_local(pa.array(values, type=pa.string()), formats).cast(pa.int64()).to_pylist()


@pytest.mark.parametrize("formats", FORMATS, ids=lambda f: "|".join(f))
def test_parse_local_is_pandas_on_hostile_values(formats):
    assert _fast(HOSTILE, formats) == _definition(HOSTILE, formats)


def test_the_fast_path_reads_durham_and_iso_values():
    """Not all values go to pandas: the fast path is taken for the formats it is meant for."""
    assert fast_pattern("%m/%d/%Y %I:%M:%S%p") is not None
    assert fast_pattern("%Y-%m-%d %H:%M:%S") is not None
    for fmt in ("%m/%d/%Y %H%M", "ISO8601", "%Y-%m-%d %H:%M:%S%z", "%d-%b-%Y", "%I:%M %m/%d/%Y", "%Y-%m", "%y-%m-%d"):
        assert fast_pattern(fmt) is None, fmt


_DIGITS = st.text(alphabet="0123456789", min_size=1, max_size=3)
_SEP = st.sampled_from(["/", "-", " ", ":", "", "  ", "T", "."])
_AMPM = st.sampled_from(["AM", "PM", "am", "pM", "", " PM", "XM"])


@st.composite
def _stamp(draw):
    parts = [draw(_DIGITS) for _ in range(6)]
    seps = [draw(_SEP) for _ in range(5)]
    text = "".join(p + s for p, s in zip(parts, [*seps, ""]))
    return text + draw(_AMPM)


@settings(max_examples=300, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=st.lists(_stamp(), min_size=1, max_size=30), which=st.integers(0, len(FORMATS) - 1))
def test_parse_local_is_pandas_on_generated_values(values, which):
    formats = FORMATS[which]
    assert _fast(values, formats) == _definition(values, formats)


@settings(max_examples=300, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    year=st.integers(1000, 9999), month=st.integers(0, 13), day=st.integers(0, 32),
    hour=st.integers(0, 25), minute=st.integers(0, 61), second=st.integers(0, 61),
    pad=st.booleans(), which=st.integers(0, 2),
)
def test_parse_local_is_pandas_near_the_edges(year, month, day, hour, minute, second, pad, which):
    """Numbers around every range limit, written as each of three formats would."""
    p = "02" if pad else ""
    h12 = hour % 12 or 12
    texts = [
        f"{month:{p}d}/{day:{p}d}/{year} {h12:{p}d}:{minute:02d}:{second:02d}{'PM' if hour >= 12 else 'AM'}",
        f"{year}-{month:02d}-{day:02d} {hour:02d}:{minute:02d}:{second:02d}",
        f"{month:{p}d}/{day:{p}d}/{year}",
    ]
    formats = [DURHAM, ["%Y-%m-%d %H:%M:%S"], ["%m/%d/%Y"]][which]
    assert _fast([texts[which]], formats) == _definition([texts[which]], formats)


ZONES = ["America/New_York", "Europe/London", "Australia/Lord_Howe", "America/St_Johns", "Asia/Kathmandu", "Pacific/Apia", "UTC"]


@pytest.mark.parametrize("tz", ZONES)
def test_localise_by_hour_is_localise_by_value(tz):
    """Every minute (and odd seconds) of the days around each change of offset, plus nulls."""
    start = np.datetime64("2010-01-01", "us").astype(np.int64)
    days = np.arange(0, 366 * 3, dtype=np.int64)
    minutes = np.arange(0, 24 * 60, 7, dtype=np.int64) * 60_000_000 + 17_000_123
    wall = (start + days[:, None] * 86_400_000_000 + minutes[None, :]).ravel()
    wall = np.concatenate([wall, start + np.arange(0, 3 * 366 * 24, dtype=np.int64) * 3_600_000_000 - 1])
    mask = np.zeros(len(wall), dtype=bool)
    mask[::97] = True
    local = pa.array(wall, type=pa.int64(), mask=mask).cast(pa.timestamp("us"))
    instant = pa.nulls(len(wall), pa.timestamp("us", tz="UTC"))
    fast, rows = localise(local, instant, tz), localise_rows(local, instant, tz)
    assert fast[0].cast(pa.int64()).to_pylist() == rows[0].cast(pa.int64()).to_pylist()
    assert fast[1].cast(pa.int64()).to_pylist() == rows[1].cast(pa.int64()).to_pylist()
    assert (fast[2] == rows[2]).all() and (fast[3] == rows[3]).all()
    if tz == "America/New_York":  # the data holds both kinds of DST problem, so the check bites
        assert rows[2].any() and rows[3].any()


_OFFSET_PIECES = ["2021-01-01 00:00:00", "+05:00", "-0500", "Z", "z", "+5:00", "é", "1", ":", " ", "+", "-", "Zx", ""]


@settings(max_examples=400, derandomize=True, deadline=None)
@given(values=st.lists(st.one_of(st.none(), st.lists(st.sampled_from(_OFFSET_PIECES), max_size=4).map("".join)), max_size=20),
       start=st.integers(0, 3))
def test_offset_test_is_the_regex(values, start):
    """The byte pre-test never hides a value the offset regex matches (sliced arrays included)."""
    import pyarrow.compute as pc

    from altresponse.ingest.timestamps import _OFFSET, _offset_at_end

    arr = pa.array(["x"] * start + values, type=pa.string()).slice(start)
    expected = np.asarray(pc.fill_null(pc.match_substring_regex(arr, _OFFSET), False))
    assert (_offset_at_end(arr) == expected).all()


@pytest.mark.parametrize("tz", ["America/New_York", "Europe/London", "Australia/Lord_Howe"])
def test_local_times_after_2037_follow_the_zones_rule(tz):
    """pyarrow ignores the rule after the tz database's last listed transition (2037); the expected
    instants come from Python's zoneinfo, value by value: every 20 minutes of 2048 and 2061 (their
    gaps and overlaps included) and of 2037 (the last listed year)."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(tz)
    walls = pd.date_range("2037-01-01", "2037-12-31", freq="20min").append(
        pd.date_range("2048-01-01", "2048-12-31", freq="20min")).append(pd.date_range("2061-01-01", "2061-12-31", freq="20min"))
    local = pa.array(walls.values.astype("datetime64[us]"))
    expected, expected_local = [], []
    for w in walls.to_pydatetime():
        a = w.replace(tzinfo=zone, fold=0)  # the earlier instant of an ambiguous time
        back = a.astimezone(dt.timezone.utc).astimezone(zone)
        if back.replace(tzinfo=None) != w:  # in a gap: the gap's end, the first instant whose wall clock is later
            u = w.replace(tzinfo=zone, fold=1).astimezone(dt.timezone.utc)
            while (u + dt.timedelta(minutes=1)).astimezone(zone).replace(tzinfo=None) <= w:
                u += dt.timedelta(minutes=1)
            u += dt.timedelta(minutes=1)
            back = u.astimezone(zone)
        expected.append(back.astimezone(dt.timezone.utc).replace(tzinfo=None))
        expected_local.append(back.replace(tzinfo=None))
    for convert in (localise, localise_rows):
        utc, local_final, _, _ = convert(local, pa.nulls(len(local), pa.timestamp("us", tz="UTC")), tz)
        got = pd.to_datetime(np.asarray(utc.cast(pa.int64())), unit="us")
        assert list(got) == expected, convert.__name__
        assert list(pd.to_datetime(np.asarray(local_final.cast(pa.int64())), unit="us")) == expected_local, convert.__name__
