"""Parsing and normalising values of one column, vectorised: numbers, points, value maps,
timestamps in their formats, local time to UTC, flag lists, and the quarantine detail text."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..calls import QuarantineReason

BOOL_MAP = {
    "1": True, "0": False, "true": True, "false": False, "t": True, "f": False,
    "yes": True, "no": False, "y": True, "n": False, "1.0": True, "0.0": False,
}


def map_values(raw: pa.Array, mapping: dict, case_insensitive: bool, default=None):
    """Vectorised value map. Returns (mapped array, unknown mask)."""
    keys = list(mapping)
    probe = raw
    if case_insensitive:
        probe = pc.utf8_lower(raw)
        folded = {}
        for k in keys:
            folded.setdefault(k.lower(), mapping[k])
        mapping = folded
        keys = list(mapping)
    values = list(mapping.values())
    idx = pc.index_in(probe, value_set=pa.array(keys, type=pa.string()))
    unknown = np.asarray(pc.and_(pc.is_valid(raw), pc.is_null(idx)))
    table = pa.array(values + [default])
    idx_filled = pc.if_else(pc.is_valid(raw), pc.fill_null(idx, len(values)), pa.scalar(None, idx.type))
    return pc.take(table, idx_filled), unknown


_WKT_POINT = r"POINT\s*\(\s*(-?\d+(?:\.\d+)?)\s+(-?\d+(?:\.\d+)?)\s*\)"
_LAT_LON_PAIR = r"\(\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*\)"


def parse_point(raw: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Point text → (lat, lon) float arrays (NaN where the text holds no point).

    WKT ``POINT (lon lat)`` first, else a ``(lat, lon)`` pair anywhere in the text.
    """
    s = pd.Series(raw.to_numpy(zero_copy_only=False), dtype=object).astype("string")
    wkt = s.str.extract(_WKT_POINT, expand=True).astype(float)
    pair = s.str.extract(_LAT_LON_PAIR, expand=True).astype(float)
    lat = wkt[1].fillna(pair[0]).to_numpy(dtype=float, na_value=np.nan)
    lon = wkt[0].fillna(pair[1]).to_numpy(dtype=float, na_value=np.nan)
    return lat, lon


def parse_number(raw: pa.Array, typ: pa.DataType):
    """Text → numbers of ``typ``. Returns (values, not-a-number mask, non-finite mask).

    A value that reads as a number but does not fit (``1e309``, ``inf``, ``NaN``, 400 digits)
    is nulled and flagged in the third mask, for the caller to count; text that is no number
    at all is flagged in the second.
    """
    n = len(raw)
    try:  # fast path: every value is a clean number
        arr, bad = pc.cast(raw, typ), np.zeros(n, dtype=bool)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        arr, bad = _parse_number_slow(raw, typ)
    if not pa.types.is_floating(typ):
        return arr, bad, np.zeros(n, dtype=bool)
    nonfinite = np.asarray(pc.fill_null(pc.invert(pc.is_finite(arr)), False))
    if nonfinite.any():
        arr = pc.if_else(pa.array(nonfinite), pa.scalar(None, typ), arr)
    return arr, bad, nonfinite


def _parse_number_slow(raw: pa.Array, typ: pa.DataType):
    s = pd.Series(pc.replace_substring(raw, ",", "").to_numpy(zero_copy_only=False), dtype=object)
    num = pd.to_numeric(s, errors="coerce")
    bad = (s.notna() & num.isna()).to_numpy()
    if pa.types.is_integer(typ):
        frac = num.notna() & (num != np.floor(num.fillna(0)))
        bad = bad | frac.to_numpy()
        num = num.where(~frac)
        limit = np.iinfo(typ.to_pandas_dtype()).max
        with np.errstate(invalid="ignore", over="ignore"):
            over = (num.abs() > limit).fillna(False).to_numpy(dtype=bool)
        bad = bad | over
        num = num.where(~over)
        arr = pa.array(num.astype("Int64"), type=pa.int64(), from_pandas=True).cast(typ)
    else:
        arr = pa.array(num.astype(float), type=pa.float64(), from_pandas=False).cast(typ)
    return arr, np.asarray(bad, dtype=bool)


_TIME_DIRECTIVES = set("HIMSfpXTRcr")


def has_time_of_day(formats) -> bool:
    """Whether any of the formats reads a time of day (``ISO8601`` may)."""
    for fmt in formats or []:
        if fmt == "ISO8601":
            return True
        parts = fmt.split("%")[1:]
        if any(p[:1] in _TIME_DIRECTIVES for p in parts):
            return True
    return False


def midnights(local: pa.Array) -> tuple[int, int]:
    """(values present, values at 00:00:00 exactly) of a local timestamp array."""
    v = local.drop_null().cast(pa.int64()).to_numpy(zero_copy_only=False)
    return len(v), int((v % 86_400_000_000 == 0).sum())


def cut_to_block(text: pa.Array) -> pa.Array:
    """Leading house number → hundred block (``'7647 X RD'`` → ``'76XX X RD'``).

    A leading numbered street (``'24TH ST / MAIN ST'``) and text already at block level
    (``'200 BLOCK OF MAIN'``) are left as they are.
    """
    cut = pc.replace_substring_regex(text, pattern=r"^(\d*?)\d{1,2}([^\dX]|$)", replacement=r"\1XX\2")
    keep = pc.match_substring_regex(text, r"(?i)^\d+(ST|ND|RD|TH)\b|^\d*00 BLOCK\b")
    return pc.if_else(pc.fill_null(keep, False), text, cut)


def join_flags(flags: list[tuple[str, np.ndarray]], n: int) -> pa.Array:
    acc = pa.array(np.full(n, "", dtype=object), type=pa.string()) if n else pa.array([], pa.string())
    merged: dict[str, np.ndarray] = {}
    for name, mask in flags:  # one flag per row even if several timestamps raise it
        mask = np.asarray(mask, dtype=bool)
        merged[name] = merged[name] | mask if name in merged else mask
    for name, mask in merged.items():
        if mask.any():
            acc = pc.if_else(pa.array(mask), pc.binary_join_element_wise(acc, pa.scalar(name), ","), acc)
    acc = pc.utf8_ltrim(acc, characters=",")
    return pc.if_else(pc.equal(acc, ""), pa.scalar(None, pa.string()), acc)


def quarantine_detail(code: str, label: str, value) -> str:
    if code == QuarantineReason.MISSING_REQUIRED.value:
        return f"{label} is empty"
    if code == QuarantineReason.UNPARSEABLE_TIMESTAMP.value:
        return f"{label}: {value!r} matches none of the adapter's formats"
    if code == QuarantineReason.UNPARSEABLE_NUMBER.value:
        return f"{label}: {value!r} is not a number"
    if code == QuarantineReason.UNKNOWN_VALUE.value:
        return f"{label}: {value!r} is not in the value map"
    if code == QuarantineReason.COORDINATES_OUT_OF_BOUNDS.value:
        return f"{label}: {value!r} is outside the source's bounds"
    return f"{label}: {value!r}"


def delimiter_hint(header: list[str], delimiter: str) -> str:
    joined = ",".join(header)
    for d in (";", "\t", "|", ","):
        if d != delimiter and joined.count(d) >= 2:
            shown = "\\t" if d == "\t" else d
            return f"; the header looks {shown!r}-delimited but the adapter says format.delimiter {delimiter!r}"
    return ""
