"""Timestamps of one batch: text in the adapter's formats → naive local times → UTC, vectorised.

Parsing keeps pandas' ``to_datetime(format=…)`` as the definition of what a format accepts and
what it means, and puts a fast path in front of it: for a format made only of ``%Y %m %d %H %I
%M %S %p`` and separators, a regular expression that accepts a *subset* of what pandas accepts
(its own patterns, narrowed: no second 60, no year below 1000, no two numbers without a
separator between them) picks the values ``pyarrow.compute.strptime`` reads to the same instant;
every other value (and every other format) goes to pandas as before. The only value strptime
reads differently inside that subset is a day past the month's end (``02/30`` rolls to March),
which is caught and sent to pandas too. For Durham's ``%m/%d/%Y %I:%M:%S%p`` this is ~10× less
CPU than pandas alone (benchmarks/README.md, "ingest ... after").

Local → UTC is computed once per distinct local hour of the batch (a table of the zone's
offsets), and row by row only in the hours where the offset changes (DST gaps and overlaps).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

try:
    from pandas._libs.tslibs.strptime import format_is_iso as _pandas_iso
except ImportError:  # a pandas without it: treat every format as ISO (the narrower patterns)
    def _pandas_iso(fmt: str) -> bool:
        return True

_US = pa.timestamp("us")
_UTC = pa.timestamp("us", tz="UTC")
_HOUR = 3_600_000_000
_MAX_HOURS = 1_000_000  # a batch spanning more local hours (114 years) is converted row by row
# pyarrow's time-zone code reads only the zone's listed transitions, which the tz database writes
# up to 2037, and ignores the rule that follows them (the TZif footer): a June 2048 time in New
# York came out an hour off (EST, not EDT), found by the 10M benchmark, whose calls run to 2062.
# Times from 2038 on are converted by pandas, which follows the rule (checked against zoneinfo).
_LAST_LISTED = int(np.datetime64("2038-01-01", "us").astype(np.int64))
_DAY = 24 * _HOUR

# Directive → (pattern where pandas reads one or two digits, pattern for pandas' ISO path).
# Each is a subset of pandas' TimeRE pattern for the directive; ranges that pandas or strptime
# would roll over (second 60, hour 24) are left out.
_PATTERNS = {
    "Y": ("[1-9][0-9]{3}", "[1-9][0-9]{3}"),
    "m": ("1[0-2]|0[1-9]|[1-9]", "1[0-2]|0[1-9]"),
    "d": ("3[01]|[12][0-9]|0[1-9]|[1-9]", "3[01]|[12][0-9]|0[1-9]"),
    "H": ("2[0-3]|[01][0-9]|[0-9]", "2[0-3]|[01][0-9]"),
    "I": ("1[0-2]|0[1-9]|[1-9]", "1[0-2]|0[1-9]"),
    "M": ("[0-5][0-9]|[0-9]", "[0-5][0-9]"),
    "S": ("[0-5][0-9]|[0-9]", "[0-5][0-9]"),
    "p": ("[AaPp][Mm]", "[AaPp][Mm]"),
}
_SEPARATORS = {" ": " ", "/": "/", "-": "-", ":": ":", "T": "T", ",": ",", ".": r"\."}


def fast_pattern(fmt: str) -> str | None:
    """The subset regular expression for ``fmt``, or None if the format has no fast path."""
    if fmt == "ISO8601":
        return None
    iso = bool(_pandas_iso(fmt))
    out, numeric_before, i = [], False, 0
    seen = set()
    while i < len(fmt):
        ch = fmt[i]
        if ch == "%":
            code = fmt[i + 1 : i + 2]
            if code not in _PATTERNS or code in seen:
                return None
            if numeric_before and code != "p":
                return None  # two numbers with no separator: pandas backtracks, strptime is greedy
            seen.add(code)
            name = "d" if code == "d" else ""
            out.append(f"(?P<{name}>" if name else "(?:")
            out.append(_PATTERNS[code][1 if iso else 0] + ")")
            numeric_before = code != "p"
            i += 2
            continue
        if ch not in _SEPARATORS:
            return None
        out.append(_SEPARATORS[ch])
        numeric_before = False
        i += 1
    if ("I" in seen) != ("p" in seen) or not {"Y", "m", "d"} <= seen or "H" in seen and "I" in seen:
        return None
    return "^" + "".join(out) + "$"


def parse_local(raw: pa.Array, formats) -> pa.Array:
    """Text → naive timestamps: each value by the first of ``formats`` pandas reads it with."""
    n = len(raw)
    values = np.zeros(n, dtype=np.int64)
    done = np.zeros(n, dtype=bool)
    todo = np.asarray(pc.is_valid(raw))
    for fmt in formats or []:
        if not todo.any():
            break
        pattern = fast_pattern(fmt)
        if pattern is not None:
            _fast(raw, fmt, pattern, todo, values, done)
        if todo.any():
            _by_pandas(raw, fmt, todo, values, done)
    return pa.array(values, type=pa.int64(), mask=~done).cast(_US)


def _fast(raw, fmt, pattern, todo, values, done) -> None:
    """Values the subset pattern accepts and strptime reads; ``todo`` and ``done`` updated in place."""
    ok = np.asarray(pc.fill_null(pc.match_substring_regex(raw, pattern), False)) & todo
    if not ok.any():
        return
    parsed = pc.strptime(raw, format=fmt, unit="us", error_is_null=True)
    ok &= np.asarray(pc.is_valid(parsed))
    # strptime rolls a day past the month's end over (02/30 → 03/02); pandas refuses it
    rolled = ok & np.asarray(pc.fill_null(pc.less_equal(pc.day(parsed), 3), False))
    if rolled.any():
        idx = np.flatnonzero(rolled)
        given = pc.extract_regex(raw.take(pa.array(idx)), pattern).field("d")
        same = np.asarray(pc.equal(pc.cast(given, pa.int64()), pc.day(parsed.take(pa.array(idx)))))
        ok[idx[~same]] = False
    values[ok] = np.asarray(parsed.cast(pa.int64()).fill_null(0))[ok]
    done |= ok
    todo &= ~ok


def _by_pandas(raw, fmt, todo, values, done) -> None:
    """The values still to parse, through pandas with one format (the definition)."""
    idx = np.flatnonzero(todo)
    part = pd.Series(raw.take(pa.array(idx)).to_numpy(zero_copy_only=False), dtype=object)
    parsed = parse_formats(part, [fmt], utc=False)
    got = parsed.notna().to_numpy()
    values[idx[got]] = parsed[got].to_numpy().astype("datetime64[us]").astype(np.int64)
    done[idx[got]] = True
    todo[idx[got]] = False


def parse_formats(s: pd.Series, formats, *, utc: bool) -> pd.Series:
    """pandas ``to_datetime`` with each format in turn on the values not parsed yet."""
    dtype = "datetime64[us, UTC]" if utc else "datetime64[us]"
    result = pd.Series(pd.NaT, index=s.index, dtype=dtype)
    todo = s.notna()
    for fmt in formats:
        if not todo.any():
            break
        part = s[todo]
        parsed = pd.to_datetime(part, format=fmt if fmt != "ISO8601" else "ISO8601", errors="coerce", utc=utc)
        if not utc and getattr(parsed.dt, "tz", None) is not None:
            parsed = pd.Series(pd.NaT, index=part.index, dtype=dtype)
        result.loc[todo] = parsed.astype(dtype)
        todo = todo & result.isna()
    return result


_OFFSET = r"(?:[+-]\d\d:?\d\d|Z)$"


def parse_with_time(with_time: pa.Array, ts) -> tuple[pa.Array, pa.Array]:
    """Values with a time of day → (naive local, UTC instants of values carrying an offset)."""
    n = len(with_time)
    instant = pa.nulls(n, _UTC)
    if ts.offset == "ignore":
        with_time = pc.replace_substring_regex(with_time, _OFFSET, "")
        has_offset = np.zeros(n, dtype=bool)
    else:
        has_offset = _offset_at_end(with_time)
    if not has_offset.any():
        return parse_local(with_time, ts.format), instant
    no_offset = pc.if_else(pa.array(has_offset), pa.scalar(None, pa.string()), with_time)
    local = parse_local(no_offset, ts.format)
    s = pd.Series(with_time.to_numpy(zero_copy_only=False), dtype=object)
    inst = pa.Array.from_pandas(parse_formats(s.where(pd.Series(has_offset)), ts.format, utc=True)).cast(_UTC)
    if ts.offset == "shifted_utc":
        return pc.coalesce(local, pc.local_timestamp(inst)), instant
    return local, inst


def _offset_at_end(text: pa.Array) -> np.ndarray:
    """Which values end in a UTC offset: the regex, run only where a byte says one may end there.

    An offset ends the value in ``Z`` or has its sign 5 or 6 bytes from the end (``+0500``,
    ``+05:00``); most values have neither, and the regex costs ~10× the byte test.
    """
    n = len(text)
    maybe = np.ones(n, dtype=bool)
    if pa.types.is_string(text.type) and n:
        ends = np.frombuffer(text.buffers()[1], dtype=np.int32, count=n + 1, offset=4 * text.offset)
        data = text.buffers()[2]
        data = np.frombuffer(data, dtype=np.uint8) if data is not None and data.size else np.zeros(1, np.uint8)
        size, end = np.diff(ends), ends[1:]

        def byte_from_end(k: int) -> np.ndarray:
            return np.where(size >= k, data[np.clip(end - k, 0, len(data) - 1)], 0)

        sign = lambda b: (b == ord("+")) | (b == ord("-"))  # noqa: E731
        maybe = (byte_from_end(1) == ord("Z")) | sign(byte_from_end(5)) | sign(byte_from_end(6))
    maybe &= np.asarray(pc.is_valid(text))
    out = np.zeros(n, dtype=bool)
    if maybe.any():
        idx = np.flatnonzero(maybe)
        out[idx] = np.asarray(pc.fill_null(pc.match_substring_regex(text.take(pa.array(idx)), _OFFSET), False))
    return out


def parse_timestamp(ts, full, date, time, date_only_by_format: bool):
    """One timestamp from its columns: (naive local, UTC instant, date only, bad mask, raw text)."""
    n = len(full if full is not None else date)
    date_only = pa.nulls(n, pa.date32())
    no_time = pa.nulls(n, pa.string())
    if full is not None:
        raw = full
        with_time, date_raw = (no_time, raw) if date_only_by_format else (raw, no_time)
    else:
        t = time if time is not None else no_time
        if ts.time_zero_pad and time is not None:
            t = pc.utf8_lpad(t, width=ts.time_zero_pad, padding="0")
        with_time = pc.binary_join_element_wise(date, t, " ")  # null where either is null
        date_raw = pc.if_else(pc.is_null(t), date, pa.scalar(None, pa.string()))
        raw = pc.coalesce(with_time, date)
    local, instant = pa.nulls(n, _US), pa.nulls(n, _UTC)
    if ts.format and with_time.null_count < n:
        local, instant = parse_with_time(with_time, ts)
    if (date_only_by_format or ts.date_format is not None and full is None) and date_raw.null_count < n:
        date_only = parse_local(date_raw, ts.date_format or ts.format).cast(pa.date32())
    parsed_any = pc.or_(pc.or_(pc.is_valid(local), pc.is_valid(instant)), pc.is_valid(date_only))
    bad = np.asarray(pc.and_(pc.is_valid(raw), pc.invert(parsed_any)))
    return local, instant, date_only, bad, raw


def localise(local: pa.Array, instant: pa.Array, tz: str):
    """Naive local wall clock (+ instants from offset values) → UTC, final local, ambiguous, nonexistent masks.

    An ambiguous time (the repeated autumn hour) is read as the earlier instant (daylight time);
    a nonexistent one (the skipped spring hour) as the first instant after the gap.
    """
    n = len(local)
    valid = np.asarray(pc.is_valid(local))
    if instant.null_count < n or not valid.any():
        return localise_rows(local, instant, tz)
    lv = np.asarray(local.cast(pa.int64()).fill_null(0))
    hour = lv // _HOUR
    lo, hi = int(hour[valid].min()), int(hour[valid].max())
    if hi - lo > _MAX_HOURS:
        return localise_rows(local, instant, tz)
    grid = np.arange(lo, hi + 1, dtype=np.int64) * _HOUR
    early0, early1 = _offsets(grid, tz, "earliest"), _offsets(grid + _HOUR - 1, tz, "earliest")
    late0, late1 = _offsets(grid, tz, "latest"), _offsets(grid + _HOUR - 1, tz, "latest")
    steady = (early0 == early1) & (late0 == late1)  # no change of offset inside the hour
    at = np.where(valid, hour - lo, 0)
    regular = valid & steady[at]
    utc_v = lv - early0[at]
    local_v = lv.copy()
    amb = regular & (early0[at] != late0[at])
    nonexist = np.zeros(n, dtype=bool)
    irregular = valid & ~regular
    if irregular.any():
        idx = np.flatnonzero(irregular)
        take = pa.array(idx)
        u, lf, a, ne = localise_rows(local.take(take), instant.take(take), tz)
        utc_v[idx] = np.asarray(u.cast(pa.int64()))
        local_v[idx] = np.asarray(lf.cast(pa.int64()))
        amb[idx], nonexist[idx] = a, ne
    utc = pa.array(utc_v, type=pa.int64(), mask=~valid).cast(_UTC)
    local_final = pa.array(local_v, type=pa.int64(), mask=~valid).cast(_US)
    return utc, local_final, amb, nonexist


def _offsets(wall: np.ndarray, tz: str, ambiguous: str) -> np.ndarray:
    """Wall clock minus UTC (µs) of local times ``wall``, a nonexistent one read as the gap's end."""
    utc = _assume(pa.array(wall, type=pa.int64()).cast(_US), tz, ambiguous)
    return wall - np.asarray(utc.cast(pa.int64()))


def localise_rows(local: pa.Array, instant: pa.Array, tz: str):
    """:func:`localise` computed value by value (the definition the hour table must match)."""
    early = _assume(local, tz, "earliest")
    late = _assume(local, tz, "latest")
    amb = np.asarray(pc.fill_null(pc.not_equal(early, late), False))
    back = _local_of(early, tz)
    nonexist = np.asarray(pc.fill_null(pc.not_equal(back, local), False))
    utc = pc.coalesce(early.cast(_UTC), instant)
    local_final = _local_of(utc, tz)
    return utc, local_final, amb, nonexist


def _assume(local: pa.Array, tz: str, ambiguous: str) -> pa.Array:
    """Naive local → instants (``timestamp[us, tz]``); a nonexistent time → the gap's end."""
    out = pc.assume_timezone(local, tz, ambiguous=ambiguous, nonexistent="latest")
    valid = np.asarray(pc.is_valid(local))
    wall = np.asarray(local.cast(pa.int64()).fill_null(0))
    idx = np.flatnonzero(valid & (wall >= _LAST_LISTED))
    if not idx.size:
        return out
    walls, dst = pd.DatetimeIndex(wall[idx].astype("datetime64[us]")), np.full(idx.size, ambiguous == "earliest")
    # pandas' shift_forward moves a time in a gap one hour on, wrong for Lord Howe's half-hour
    # gap; shift_backward gives the last instant before the gap, one microsecond before its end
    later = walls.tz_localize(tz, ambiguous=dst, nonexistent="shift_backward").tz_convert("UTC").tz_localize(None)
    in_gap = walls.tz_localize(tz, ambiguous=dst, nonexistent="NaT").isna()
    v = np.array(out.cast(pa.int64()).fill_null(0))
    v[idx] = later.values.astype("datetime64[us]").astype(np.int64) + in_gap
    return pa.array(v, type=pa.int64(), mask=~valid).cast(pa.timestamp("us", tz=tz))


def _local_of(instant: pa.Array, tz: str) -> pa.Array:
    """Instants → naive local wall clock in ``tz`` (pandas from 2038 on, as in :func:`_assume`)."""
    out = pc.local_timestamp(instant.cast(pa.timestamp("us", tz=tz)))
    valid = np.asarray(pc.is_valid(instant))
    at = np.asarray(instant.cast(pa.int64()).fill_null(0))
    idx = np.flatnonzero(valid & (at >= _LAST_LISTED - _DAY))
    if not idx.size:
        return out
    later = pd.DatetimeIndex(at[idx].astype("datetime64[us]")).tz_localize("UTC").tz_convert(tz).tz_localize(None)
    v = np.array(out.cast(pa.int64()).fill_null(0))
    v[idx] = later.values.astype("datetime64[us]").astype(np.int64)
    return pa.array(v, type=pa.int64(), mask=~valid).cast(_US)
