"""Mapping string batches onto the target schema, vectorised, and parsing their values."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..adapter import Adapter, normalise_header
from ..calls import QUARANTINE_SCHEMA, QuarantineReason
from ..errors import AdapterError
from .ids import _hash_strings, _hex64, _IdIndex
from .read import _unique
from .tables import TableSpec


class _Mapper:
    """Maps string batches of one file onto the target schema (vectorised per batch)."""

    def __init__(self, adapter: Adapter, spec: TableSpec, header: list[str], path: Path, ingest_id: str, geo_index):
        self.adapter = adapter
        self.spec = spec
        self.path = path
        self.file_name = Path(path).name
        self.ingest_id = ingest_id
        self.geo = geo_index
        self.hash_rows_seen = _IdIndex()
        self.header = _unique(header)
        self.columns_used: dict[str, str] = {}
        self.columns_missing: list[str] = []
        lookup = {}
        for n in self.header:
            lookup.setdefault(n, n)
            lookup.setdefault(n.casefold(), n)
        self._lookup = lookup
        self.nulls = pa.array(sorted(set(adapter.format.null_values)), type=pa.string())
        self.schema = spec.schema
        self.tz = adapter.time_zone

        def resolve(label: str, candidates) -> str | None:
            if not candidates:
                return None
            for c in candidates:
                n = normalise_header(c)
                found = lookup.get(n) or lookup.get(n.casefold())
                if found:
                    self.columns_used[label] = found
                    return found
            self.columns_missing.append(f"{label} ({' / '.join(candidates)})")
            return None

        self.fields = {k: resolve(f"fields.{k}", v) for k, v in adapter.fields.items()}
        self.ts = {}
        for key, ts in adapter.timestamps.items():
            self.ts[key] = (
                resolve(f"timestamps.{key}.column", ts.column),
                resolve(f"timestamps.{key}.date", ts.date),
                resolve(f"timestamps.{key}.time", ts.time),
            )
        self.id_col = resolve("id.column", adapter.id.column)
        c = adapter.coordinates
        self.coord_cols = None
        if c:
            if c.latitude:
                self.coord_cols = (resolve("coordinates.latitude", c.latitude), resolve("coordinates.longitude", c.longitude))
            elif c.x:
                self.coord_cols = (resolve("coordinates.x", c.x), resolve("coordinates.y", c.y))
            else:
                self.coord_cols = (None, None)
            self.point_col = resolve("coordinates.point", c.point)
            self.transformer = None
            if c.epsg is not None:
                from pyproj import Transformer

                self.transformer = Transformer.from_crs(c.epsg, 4326, always_xy=True)
        self.value_sources = {}
        for key, vm in adapter.values.items():
            src = vm.source or key
            if src in self.fields:
                self.value_sources[key] = ("field", self.fields[src])
            else:
                found = lookup.get(normalise_header(src)) or lookup.get(normalise_header(src).casefold())
                if found:
                    self.columns_used[f"values.{key}"] = found
                else:
                    self.columns_missing.append(f"values.{key} ({src})")
                self.value_sources[key] = ("column", found)
        used = set(self.columns_used.values())
        self.columns_ignored = [n for n in self.header if n not in used]
        self._check_usable()

    def _check_usable(self) -> None:
        adapter = self.adapter
        if not self.columns_used:
            wanted = sorted({c for v in adapter.fields.values() for c in v})[:4]
            hint = _delimiter_hint(self.header, adapter.format.delimiter)
            msg = (
                f"{self.path}: none of adapter {adapter.name}'s columns are in the header "
                f"({len(self.header)} column(s): {', '.join(self.header[:3])[:80]}); "
                f"expected e.g. {', '.join(wanted)}{hint}"
            )
            raise AdapterError(msg)
        required = list(adapter.required) or list(self.spec.default_required)
        for r in required:
            base = r.removesuffix("_at").removesuffix("_date").removesuffix("_local")
            if r in self.fields and self.fields[r] is None:
                cands = " / ".join(adapter.fields[r])
                msg = f"{self.path}: required field {r} has no column (adapter {adapter.name} tried: {cands})"
                raise AdapterError(msg)
            if base in self.ts and all(v is None for v in self.ts[base][:2]):
                ts = adapter.timestamps[base]
                cands = " / ".join((ts.column or []) + (ts.date or []))
                msg = f"{self.path}: required field {r} has no column (adapter {adapter.name}, timestamps.{base} tried: {cands})"
                raise AdapterError(msg)

    # -- helpers
    def _col(self, batch: pa.RecordBatch, name: str | None, n: int) -> pa.Array:
        if name is None:
            return pa.nulls(n, pa.string())
        arr = batch.column(self.header.index(name)) if isinstance(batch, pa.RecordBatch) else batch.column(name)
        arr = pc.utf8_trim_whitespace(arr)
        return pc.if_else(pc.is_in(arr, value_set=self.nulls), pa.scalar(None, pa.string()), arr)

    def map(self, batch: pa.RecordBatch, rows: np.ndarray, index: _IdIndex, geo_stats: Counter):
        n = batch.num_rows
        adapter, spec = self.adapter, self.spec
        names = set(self.schema.names)
        out: dict[str, pa.Array] = {}
        problems: list[tuple[str, str, np.ndarray, pa.Array | None]] = []
        flags: list[tuple[str, np.ndarray]] = []
        cache: dict[str | None, pa.Array] = {}

        def col(name):
            if name not in cache:
                cache[name] = self._col(batch, name, n)
            return cache[name]

        # plain fields
        for key, src in self.fields.items():
            raw = col(src)
            typ = self.schema.field(key).type
            if pa.types.is_string(typ):
                out[key] = raw
            elif key in adapter.values:
                continue  # the value map makes it
            elif pa.types.is_boolean(typ):
                val, unknown = _map_values(raw, _BOOL_MAP, True)
                out[key] = val.cast(typ)
                problems.append((QuarantineReason.UNKNOWN_VALUE.value, f"fields.{key}", unknown, raw))
            else:
                val, bad = _parse_number(raw, typ)
                out[key] = val
                problems.append((QuarantineReason.UNPARSEABLE_NUMBER.value, f"fields.{key}", bad, raw))

        # house numbers → hundred block ('7647 X RD' → '76XX X RD')
        for key in adapter.block_level:
            if key in out:
                out[key] = pc.replace_substring_regex(out[key], pattern=r"^(\d*?)\d{1,2}([^\dX]|$)", replacement=r"\1XX\2")

        # value maps
        for key, vm in adapter.values.items():
            kind, src = self.value_sources[key]
            raw = col(src)
            typ = self.schema.field(key).type
            mapping = {str(k).strip(): v for k, v in vm.map.items()}
            val, unknown = _map_values(raw, mapping, vm.case_insensitive, vm.default if vm.on_unknown == "default" else None)
            try:
                out[key] = val.cast(typ)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                msg = f"adapter {adapter.name}, values.{key}: mapped values do not fit column type {typ}"
                raise AdapterError(msg) from None
            if vm.on_unknown == "quarantine":
                problems.append((QuarantineReason.UNKNOWN_VALUE.value, f"values.{key}", unknown, raw))

        # timestamps
        for key, (c_full, c_date, c_time) in self.ts.items():
            ts = adapter.timestamps[key]
            local, instant, date, bad, raw = self._timestamps(col, ts, c_full, c_date, c_time, n)
            problems.append((QuarantineReason.UNPARSEABLE_TIMESTAMP.value, f"timestamps.{key}", bad, raw))
            utc, local_final, amb, nonexist = _localise(local, instant, self.tz)
            out[f"{key}_at"] = utc
            if f"{key}_local" in names:
                out[f"{key}_local"] = local_final
            if f"{key}_date" in names:
                d_from_local = pc.cast(local_final, pa.date32())
                out[f"{key}_date"] = pc.coalesce(d_from_local, date)
            flags.append(("ambiguous_dst", amb))
            flags.append(("nonexistent_dst", nonexist))

        # coordinates
        if self.coord_cols:
            self._coordinates(col, out, problems, n)

        # agency default
        if "agency" in names and adapter.agency:
            out["agency"] = pc.coalesce(out.get("agency", pa.nulls(n, pa.string())), pa.scalar(adapter.agency))

        # ids
        id_raw = col(self.id_col) if self.id_col else pa.nulls(n, pa.string())
        missing_id = np.asarray(pc.is_null(id_raw))
        if spec.source_id_column:
            out[spec.source_id_column] = id_raw
        need_hash = missing_id if self.id_col else np.ones(n, dtype=bool)
        if adapter.id.missing == "quarantine" and self.id_col:
            problems.append((QuarantineReason.MISSING_REQUIRED.value, "id.column", missing_id, id_raw))
        ids = pc.binary_join_element_wise(pa.scalar(adapter.name), id_raw, ":")
        if need_hash.any():
            hashed = self._row_hash(batch, need_hash)
            hashed_ids = pc.binary_join_element_wise(pa.scalar(adapter.name), pc.binary_join_element_wise("h", hashed, ""), ":")
            ids = pc.if_else(pa.array(need_hash), hashed_ids, ids)
        out[spec.id_column] = ids

        # lineage and constants
        for name, value in (("source", adapter.name), ("source_tz", self.tz), ("source_file", self.file_name), ("ingest_id", self.ingest_id)):
            if name in names:
                out[name] = pa.array(np.full(n, value, dtype=object), type=pa.string()) if n else pa.array([], pa.string())
        if "source_row" in names:
            out["source_row"] = pa.array(rows, type=pa.int64())

        # required fields
        for r in adapter.required or spec.default_required:
            arr = out.get(r)
            if arr is None:
                arr = pa.nulls(n, self.schema.field(r).type)
            problems.append((QuarantineReason.MISSING_REQUIRED.value, r, np.asarray(pc.is_null(arr)), None))

        # interval order: each timestamp against the nearest earlier one that is known
        chain = [c for c in spec.interval_chain if c in out]
        for j, c in enumerate(chain[1:], start=1):
            cur_valid = np.asarray(pc.is_valid(out[c]))
            resolved = ~cur_valid
            for e in reversed(chain[:j]):
                here = ~resolved & np.asarray(pc.is_valid(out[e]))
                if here.any():
                    back = here & np.asarray(pc.fill_null(pc.less(out[c], out[e]), False))
                    flags.append((f"{c.removesuffix('_at')}_before_{e.removesuffix('_at')}", back))
                resolved |= here
        if "time_flags" in names:
            out["time_flags"] = _join_flags(flags, n)

        # geo
        if self.geo is not None and "latitude" in out:
            self._geo(out, geo_stats, n)

        # pick first problem per row
        reason = np.full(n, None, dtype=object)
        detail_idx = np.full(n, -1, dtype=np.int64)
        for i, (code, _label, mask, _raw) in enumerate(problems):
            mask = np.asarray(mask, dtype=bool)
            hit = mask & (detail_idx < 0)
            reason[hit] = code
            detail_idx[hit] = i
        bad_rows = detail_idx >= 0

        # duplicates among the rest
        ok = ~bad_rows
        id_hash = _hash_strings(out[spec.id_column])
        dup = np.zeros(n, dtype=bool)
        if ok.any():
            ok_idx = np.flatnonzero(ok)
            h = id_hash[ok_idx]
            seen = index.contains(h)
            _, first = np.unique(h, return_index=True)
            within = np.ones(len(h), dtype=bool)
            within[first] = False
            d = seen | within
            dup[ok_idx[d]] = True
            index.add(np.unique(h[~d]))
        good_mask = ok & ~dup

        table = pa.table(
            [out[f.name] if f.name in out else pa.nulls(n, f.type) for f in self.schema],
            schema=self.schema,
        ) if n else self.schema.empty_table()
        good = table.filter(pa.array(good_mask)) if n else table
        q_mask = ~good_mask
        if not q_mask.any():
            return good, QUARANTINE_SCHEMA.empty_table()
        q_idx = np.flatnonzero(q_mask)
        raw_rows = batch.take(pa.array(q_idx)).to_pylist()
        ids_py = out[spec.id_column].take(pa.array(q_idx)).to_pylist()
        details, reasons = [], []
        for j, i in enumerate(q_idx):
            if dup[i]:
                reasons.append(QuarantineReason.DUPLICATE_ID.value)
                details.append(f"{spec.id_column} {ids_py[j]!r} already seen (in this file or the store)")
            else:
                code, label, _mask, raw = problems[detail_idx[i]]
                reasons.append(code)
                value = raw[int(i)].as_py() if raw is not None else None
                details.append(_detail(code, label, value))
        q = pa.table(
            {
                "source": [adapter.name] * len(q_idx),
                "source_file": [self.file_name] * len(q_idx),
                "source_row": rows[q_idx],
                "reason": reasons,
                "detail": details,
                "raw": [json.dumps(r, ensure_ascii=False) for r in raw_rows],
                "ingest_id": [self.ingest_id] * len(q_idx),
            },
            schema=QUARANTINE_SCHEMA,
        )
        return good, q

    def _row_hash(self, batch: pa.RecordBatch, need: np.ndarray) -> pa.Array:
        """Stable id hash of each raw row (columns in name order, so column order does not matter).

        Identical rows are numbered by their order in the file (the k-th copy gets a hash of
        (row hash, k)), so repeated identical calls are all kept, yet re-reading the same rows
        gives the same ids.
        """
        order = sorted(range(len(self.header)), key=lambda i: self.header[i])
        frame = pd.DataFrame({self.header[i]: batch.column(i).to_numpy(zero_copy_only=False) for i in order})
        base = pd.util.hash_pandas_object(frame, index=False).to_numpy()
        result = base.copy()
        todo = np.flatnonzero(need)
        k = 0
        while len(todo):
            cand = base[todo] if k == 0 else pd.util.hash_array(base[todo] ^ np.uint64((k * 0x9E3779B97F4A7C15) % (1 << 64)))
            taken = self.hash_rows_seen.contains(cand)
            _, first = np.unique(cand, return_index=True)
            first_mask = np.zeros(len(cand), dtype=bool)
            first_mask[first] = True
            ok = first_mask & ~taken
            result[todo[ok]] = cand[ok]
            self.hash_rows_seen.add(cand[ok])
            todo = todo[~ok]
            k += 1
        return _hex64(result)

    def _timestamps(self, col, ts, c_full, c_date, c_time, n):
        """Parse one timestamp. Returns naive local, UTC instant (for offset values), date, bad mask, raw."""
        date_only = pa.nulls(n, pa.date32())
        if c_full:
            raw = col(c_full)
            with_time = raw
            date_raw = pa.nulls(n, pa.string())
        else:
            d = col(c_date)
            t = col(c_time) if c_time else pa.nulls(n, pa.string())
            if ts.time_zero_pad and c_time:
                t = pc.utf8_lpad(t, width=ts.time_zero_pad, padding="0")
            with_time = pc.binary_join_element_wise(d, t, " ")  # null where either is null
            date_raw = pc.if_else(pc.is_null(t), d, pa.scalar(None, pa.string()))
            raw = pc.coalesce(with_time, d)
        local = pd.Series(pd.NaT, index=range(n), dtype="datetime64[us]")
        instant = pd.Series(pd.NaT, index=range(n), dtype="datetime64[us, UTC]")
        if ts.format and with_time.null_count < n:
            offset_re = r"(?:[+-]\d\d:?\d\d|Z)$"
            if ts.offset == "ignore":
                with_time = pc.replace_substring_regex(with_time, offset_re, "")
                has_offset = pd.Series(np.zeros(n, dtype=bool))
            else:
                has_offset = pd.Series(np.asarray(pc.fill_null(pc.match_substring_regex(with_time, offset_re), False)))
            s = pd.Series(with_time.to_numpy(zero_copy_only=False), dtype=object)
            naive_part = s.where(~has_offset)
            local = _parse_formats(naive_part, ts.format, utc=False)
            if has_offset.any():
                inst = _parse_formats(s.where(has_offset), ts.format, utc=True)
                if ts.offset == "shifted_utc":
                    local = local.where(local.notna(), inst.dt.tz_localize(None))
                else:
                    instant = inst
        if not c_full and ts.date_format is not None or (not c_full and not c_time):
            fmts = ts.date_format or ts.format
            ds = pd.Series(date_raw.to_numpy(zero_copy_only=False), dtype=object)
            if ds.notna().any():
                parsed = _parse_formats(ds, fmts, utc=False)
                date_only = pa.array(parsed.dt.date.where(parsed.notna(), None), type=pa.date32())
        local_arr = pa.Array.from_pandas(local).cast(pa.timestamp("us"))
        inst_arr = pa.Array.from_pandas(instant).cast(pa.timestamp("us", tz="UTC"))
        parsed_any = pc.or_(pc.or_(pc.is_valid(local_arr), pc.is_valid(inst_arr)), pc.is_valid(date_only))
        bad = np.asarray(pc.and_(pc.is_valid(raw), pc.invert(parsed_any)))
        return local_arr, inst_arr, date_only, bad, raw

    def _coordinates(self, col, out, problems, n):
        c = self.adapter.coordinates
        a_raw, b_raw = col(self.coord_cols[0]), col(self.coord_cols[1])
        a, bad_a = _parse_number(a_raw, pa.float64())
        b, bad_b = _parse_number(b_raw, pa.float64())
        problems.append((QuarantineReason.UNPARSEABLE_NUMBER.value, "coordinates", bad_a | bad_b, pc.binary_join_element_wise(a_raw, b_raw, ",")))
        av = a.to_numpy(zero_copy_only=False).astype(float)
        bv = b.to_numpy(zero_copy_only=False).astype(float)
        if c.latitude or not c.x:
            lat, lon = av, bv
        else:
            x, y = av, bv
            if c.zero_is_null:
                zero = (x == 0) & (y == 0)
                x, y = np.where(zero, np.nan, x), np.where(zero, np.nan, y)
            lon, lat = self.transformer.transform(x, y)
            lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
        if self.point_col:
            p_lat, p_lon = _parse_point(col(self.point_col))
            fill = ~(np.isfinite(lat) & np.isfinite(lon))
            lat, lon = np.where(fill, p_lat, lat), np.where(fill, p_lon, lon)
        if c.zero_is_null:
            zero = (lat == 0) & (lon == 0)
            lat, lon = np.where(zero, np.nan, lat), np.where(zero, np.nan, lon)
        finite = np.isfinite(lat) & np.isfinite(lon)
        if c.bbox:
            mn_lon, mn_lat, mx_lon, mx_lat = c.bbox
            with np.errstate(invalid="ignore"):
                inside = (lon >= mn_lon) & (lon <= mx_lon) & (lat >= mn_lat) & (lat <= mx_lat)
            outside = finite & ~inside
            if c.out_of_bounds == "quarantine":
                raw = pc.binary_join_element_wise(a_raw, b_raw, ",")
                problems.append((QuarantineReason.COORDINATES_OUT_OF_BOUNDS.value, f"coordinates (bbox {list(c.bbox)})", outside, raw))
            else:
                finite = finite & ~outside
        out["latitude"] = pa.array(np.where(finite, lat, np.nan), type=pa.float64(), from_pandas=True)
        out["longitude"] = pa.array(np.where(finite, lon, np.nan), type=pa.float64(), from_pandas=True)

    def _geo(self, out, stats: Counter, n):
        lat = out["latitude"].to_numpy(zero_copy_only=False)
        lon = out["longitude"].to_numpy(zero_copy_only=False)
        beat, district = self.geo.assign(lon, lat)
        gb = pa.array(beat, type=pa.string())
        gd = pa.array(district, type=pa.string())
        out["geo_beat"], out["geo_district"] = gb, gd
        has_point = np.isfinite(lat.astype(float)) & np.isfinite(lon.astype(float))
        stats["points"] += int(has_point.sum())
        stats["matched"] += int(np.asarray(pc.is_valid(gb if self.geo.beat_property else gd)).sum())
        for name, geo_arr in (("beat", gb), ("district", gd)):
            cad = out.get(name)
            if cad is None:
                cad = pa.nulls(n, pa.string())
            filled = np.asarray(pc.and_(pc.is_null(cad), pc.is_valid(geo_arr)))
            stats[f"{name}_filled"] += int(filled.sum())
            if name == "beat":
                both = pc.and_(pc.is_valid(cad), pc.is_valid(geo_arr))
                stats["beat_compared"] += int(np.asarray(both).sum())
                differs = pc.and_(both, pc.not_equal(cad, geo_arr))
                stats["beat_disagree"] += int(np.asarray(pc.fill_null(differs, False)).sum())
            out[name] = pc.coalesce(cad, geo_arr)


_BOOL_MAP = {
    "1": True, "0": False, "true": True, "false": False, "t": True, "f": False,
    "yes": True, "no": False, "y": True, "n": False, "1.0": True, "0.0": False,
}


def _map_values(raw: pa.Array, mapping: dict, case_insensitive: bool, default=None):
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


def _parse_point(raw: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Point text → (lat, lon) float arrays (NaN where the text holds no point).

    WKT ``POINT (lon lat)`` first, else a ``(lat, lon)`` pair anywhere in the text.
    """
    s = pd.Series(raw.to_numpy(zero_copy_only=False), dtype=object).astype("string")
    wkt = s.str.extract(_WKT_POINT, expand=True).astype(float)
    pair = s.str.extract(_LAT_LON_PAIR, expand=True).astype(float)
    lat = wkt[1].fillna(pair[0]).to_numpy(dtype=float, na_value=np.nan)
    lon = wkt[0].fillna(pair[1]).to_numpy(dtype=float, na_value=np.nan)
    return lat, lon


def _parse_number(raw: pa.Array, typ: pa.DataType):
    try:  # fast path: every value is a clean number
        return pc.cast(raw, typ), np.zeros(len(raw), dtype=bool)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    s = pd.Series(pc.replace_substring(raw, ",", "").to_numpy(zero_copy_only=False), dtype=object)
    num = pd.to_numeric(s, errors="coerce")
    bad = (s.notna() & num.isna()).to_numpy()
    if pa.types.is_integer(typ):
        frac = num.notna() & (num != np.floor(num.fillna(0)))
        bad = bad | frac.to_numpy()
        num = num.where(~frac)
        limit = np.iinfo(typ.to_pandas_dtype()).max
        over = (num.abs() > limit).fillna(False).to_numpy(dtype=bool)
        bad = bad | over
        num = num.where(~over)
        arr = pa.array(num.astype("Int64"), type=pa.int64(), from_pandas=True).cast(typ)
    else:
        arr = pa.array(num.astype(float), type=pa.float64(), from_pandas=True).cast(typ)
    return arr, np.asarray(bad, dtype=bool)


def _parse_formats(s: pd.Series, formats, *, utc: bool) -> pd.Series:
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


def _localise(local: pa.Array, instant: pa.Array, tz: str):
    """Naive local wall clock (+ instants from offset values) → UTC, final local, ambiguous, nonexistent masks."""
    early = pc.assume_timezone(local, tz, ambiguous="earliest", nonexistent="latest")
    late = pc.assume_timezone(local, tz, ambiguous="latest", nonexistent="latest")
    amb = np.asarray(pc.fill_null(pc.not_equal(early, late), False))
    back = pc.local_timestamp(early)
    nonexist = np.asarray(pc.fill_null(pc.not_equal(back, local), False))
    utc = pc.coalesce(early.cast(pa.timestamp("us", tz="UTC")), instant)
    local_final = pc.local_timestamp(utc.cast(pa.timestamp("us", tz=tz)))
    return utc, local_final, amb, nonexist


def _join_flags(flags: list[tuple[str, np.ndarray]], n: int) -> pa.Array:
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


def _detail(code: str, label: str, value) -> str:
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


def _delimiter_hint(header: list[str], delimiter: str) -> str:
    joined = ",".join(header)
    for d in (";", "\t", "|", ","):
        if d != delimiter and joined.count(d) >= 2:
            shown = "\\t" if d == "\t" else d
            return f"; the header looks {shown!r}-delimited but the adapter says format.delimiter {delimiter!r}"
    return ""
