"""Mapping string batches of one file onto the target schema, vectorised, one step per function.

``Mapper(adapter, spec, header, ...)`` resolves the adapter's candidate columns against the
header once; ``Mapper.finish(Mapper.prepare(batch, rows), index, stats)`` returns (loaded rows,
quarantined rows). Two halves so batches can be mapped on several threads: ``prepare`` depends on its
batch alone (thread-safe), ``finish`` on the batches before it (the row-hash copy counts and
the duplicate-id index), so it runs one batch at a time in file order.
Every value a rule changes or drops without quarantining its row is counted in ``stats``
under ``value.<reason>`` (the report's ``values_changed``).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..adapter import Adapter, normalise_header
from ..calls import QUARANTINE_SCHEMA, QuarantineReason
from ..errors import AdapterError
from .ids import IdIndex, RowHasher, hash_strings
from .places import assign_geo, map_coordinates
from .read import unique_names
from .tables import TableSpec
from .timestamps import localise, parse_timestamp
from .values import (
    BOOL_MAP, cut_to_block, delimiter_hint, has_time_of_day, join_flags, map_values, midnights,
    parse_number, quarantine_detail,
)

R = QuarantineReason


@dataclass
class _Batch:
    """One batch being mapped: its columns, the output so far, problems and flags found."""

    batch: pa.RecordBatch
    rows: np.ndarray
    header: list[str]
    nulls: pa.Array
    n: int = 0
    out: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)  # (reason, label, row mask, raw values)
    flags: list = field(default_factory=list)  # (flag, row mask)
    changes: list = field(default_factory=list)  # (reason, row mask) of values a rule changed
    cache: dict = field(default_factory=dict)
    stats: Counter = field(default_factory=Counter)  # this batch's counts, added to the file's in finish
    pending_hash: tuple | None = None  # (rows needing a row-hash id, their row hashes, ids before hashing)
    detail_idx: np.ndarray | None = None  # per row: index in ``problems`` of its first problem, or -1
    id_hash: np.ndarray | None = None  # 64-bit hash of each row's id
    table: pa.Table | None = None  # every row in the target schema, before the split

    def col(self, name: str | None) -> pa.Array:
        """A source column, trimmed, with null tokens and blank cells as null."""
        if name not in self.cache:
            if name is None:
                arr = pa.nulls(self.n, pa.string())
            else:
                arr = pc.utf8_trim_whitespace(self.batch.column(self.header.index(name)))
                blank = pc.or_(pc.equal(arr, ""), pc.is_in(arr, value_set=self.nulls))
                arr = pc.if_else(blank, pa.scalar(None, pa.string()), arr)
            self.cache[name] = arr
        return self.cache[name]


class Mapper:
    """Maps string batches of one file onto the target schema (vectorised per batch)."""

    def __init__(self, adapter: Adapter, spec: TableSpec, header: list[str], path: Path, ingest_id: str, geo_index):
        self.adapter, self.spec, self.path = adapter, spec, path
        self.file_name = Path(path).name
        self.ingest_id = ingest_id
        self.geo = geo_index
        self.row_hashes = RowHasher()
        self.header = unique_names(header)
        self.columns_used: dict[str, str] = {}
        self.columns_missing: list[str] = []
        self.nulls = pa.array(sorted(set(adapter.format.null_values)), type=pa.string())
        self.schema = spec.schema
        self.tz = adapter.time_zone
        self.block_level = spec.default_block_level if adapter.block_level is None else tuple(adapter.block_level)
        self._lookup = {}
        for n in self.header:
            self._lookup.setdefault(n, n)
            self._lookup.setdefault(n.casefold(), n)
        self._resolve_all()
        used = set(self.columns_used.values())
        self.columns_ignored = [n for n in self.header if n not in used]
        self._check_usable()

    # -- columns
    def _find(self, name: str) -> str | None:
        n = normalise_header(name)
        return self._lookup.get(n) or self._lookup.get(n.casefold())

    def _resolve(self, label: str, candidates) -> str | None:
        if not candidates:
            return None
        for c in candidates:
            found = self._find(c)
            if found:
                self.columns_used[label] = found
                return found
        self.columns_missing.append(f"{label} ({' / '.join(candidates)})")
        return None

    def _resolve_all(self) -> None:
        adapter = self.adapter
        self.fields = {k: self._resolve(f"fields.{k}", v) for k, v in adapter.fields.items()}
        self.ts = {
            key: tuple(self._resolve(f"timestamps.{key}.{part}", getattr(ts, part)) for part in ("column", "date", "time"))
            for key, ts in adapter.timestamps.items()
        }
        self.id_col = self._resolve("id.column", adapter.id.column)
        self.coord_cols, self.point_col, self.transformer = None, None, None
        c = adapter.coordinates
        if c:
            if c.latitude:
                self.coord_cols = (self._resolve("coordinates.latitude", c.latitude), self._resolve("coordinates.longitude", c.longitude))
            elif c.x:
                self.coord_cols = (self._resolve("coordinates.x", c.x), self._resolve("coordinates.y", c.y))
            else:
                self.coord_cols = (None, None)
            self.point_col = self._resolve("coordinates.point", c.point)
            if c.epsg is not None:
                from pyproj import Transformer

                self.transformer = Transformer.from_crs(c.epsg, 4326, always_xy=True)
        self.value_sources = {}
        for key, vm in adapter.values.items():
            src = vm.source or key
            if src in self.fields:
                self.value_sources[key] = self.fields[src]
                continue
            found = self._find(src)
            if found:
                self.columns_used[f"values.{key}"] = found
            else:
                self.columns_missing.append(f"values.{key} ({src})")
            self.value_sources[key] = found

    def _check_usable(self) -> None:
        adapter = self.adapter
        if not self.columns_used:
            wanted = sorted({c for v in adapter.fields.values() for c in v})[:4]
            hint = delimiter_hint(self.header, adapter.format.delimiter)
            msg = (
                f"{self.path}: none of adapter {adapter.name}'s columns are in the header "
                f"({len(self.header)} column(s): {', '.join(self.header[:3])[:80]}); "
                f"expected e.g. {', '.join(wanted)}{hint}"
            )
            raise AdapterError(msg)
        for r in list(adapter.required) or list(self.spec.default_required):
            base = r.removesuffix("_at").removesuffix("_date").removesuffix("_local")
            if r in self.fields and self.fields[r] is None:
                msg = f"{self.path}: required field {r} has no column (adapter {adapter.name} tried: {' / '.join(adapter.fields[r])})"
                raise AdapterError(msg)
            if base in self.ts and all(v is None for v in self.ts[base][:2]):
                ts = adapter.timestamps[base]
                cands = " / ".join((ts.column or []) + (ts.date or []))
                msg = f"{self.path}: required field {r} has no column (adapter {adapter.name}, timestamps.{base} tried: {cands})"
                raise AdapterError(msg)

    def date_only_by_format(self, key: str) -> bool:
        """Whether timestamp ``key`` can carry no time of day (no time column, no time directive)."""
        ts = self.adapter.timestamps[key]
        c_full, _, c_time = self.ts[key]
        if c_full:
            return not has_time_of_day(ts.format)
        return c_time is None

    # -- the steps
    def prepare(self, batch: pa.RecordBatch, rows: np.ndarray) -> _Batch:
        """Every step that depends on this batch alone; safe to run for several batches at once."""
        b = _Batch(batch, rows, self.header, self.nulls, n=batch.num_rows)
        stats = b.stats
        self._fields(b)
        self._block_level(b, stats)
        self._value_maps(b, stats)
        for key in self.ts:
            self._timestamp(b, key, stats)
        if self.coord_cols:
            b.out["latitude"], b.out["longitude"] = map_coordinates(
                self.adapter.coordinates, b.col(self.coord_cols[0]), b.col(self.coord_cols[1]),
                b.col(self.point_col) if self.point_col else None, self.transformer, b.problems, b.changes,
            )
        if "agency" in self.schema.names and self.adapter.agency:
            b.out["agency"] = pc.coalesce(b.out.get("agency", pa.nulls(b.n, pa.string())), pa.scalar(self.adapter.agency))
        self._ids(b)
        self._lineage(b)
        self._required(b)
        self._interval_flags(b)
        if self.geo is not None and "latitude" in b.out:
            assign_geo(self.geo, b.out, b.n, stats)
        b.detail_idx = np.full(b.n, -1, dtype=np.int64)
        for i, (_code, _label, mask, _raw) in enumerate(b.problems):
            b.detail_idx[np.asarray(mask, dtype=bool) & (b.detail_idx < 0)] = i
        if b.pending_hash is None:
            self._assemble(b)
        return b

    def _assemble(self, b: _Batch) -> None:
        """The id hashes and the rows as one table (once every id is known)."""
        b.id_hash = hash_strings(b.out[self.spec.id_column])
        if b.n:
            b.table = pa.table([b.out[f.name] if f.name in b.out else pa.nulls(b.n, f.type) for f in self.schema], schema=self.schema)

    def finish(self, b: _Batch, index: IdIndex, stats: Counter):
        """The steps that depend on earlier batches: call in file order, one batch at a time."""
        self._row_hash_ids(b)
        good, quarantined, good_mask = self._split(b, index)
        stats.update(b.stats)
        for reason, mask in b.changes:  # counted in loaded rows only
            stats[f"value.{reason}"] += int((np.asarray(mask, dtype=bool) & good_mask).sum())
        return good, quarantined

    def _fields(self, b: _Batch) -> None:
        for key, src in self.fields.items():
            raw = b.col(src)
            typ = self.schema.field(key).type
            if pa.types.is_string(typ):
                b.out[key] = raw
            elif key in self.adapter.values:
                continue  # the value map makes it
            elif pa.types.is_boolean(typ):
                val, unknown = map_values(raw, BOOL_MAP, True)
                b.out[key] = val.cast(typ)
                b.problems.append((R.UNKNOWN_VALUE.value, f"fields.{key}", unknown, raw))
            else:
                val, bad, _ = parse_number(raw, typ)
                b.out[key] = val
                b.problems.append((R.UNPARSEABLE_NUMBER.value, f"fields.{key}", bad, raw))

    def _block_level(self, b: _Batch, stats: Counter) -> None:
        for key in self.block_level:
            if key in b.out:
                cut = cut_to_block(b.out[key])
                b.changes.append(("address_cut_to_block", np.asarray(pc.fill_null(pc.not_equal(cut, b.out[key]), False))))
                b.out[key] = cut

    def _value_maps(self, b: _Batch, stats: Counter) -> None:
        for key, vm in self.adapter.values.items():
            raw = b.col(self.value_sources[key])
            typ = self.schema.field(key).type
            mapping = {str(k).strip(): v for k, v in vm.map.items()}
            default = vm.default if vm.on_unknown == "default" else None
            val, unknown = map_values(raw, mapping, vm.case_insensitive, default)
            try:
                b.out[key] = val.cast(typ)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                msg = f"adapter {self.adapter.name}, values.{key}: mapped values do not fit column type {typ}"
                raise AdapterError(msg) from None
            if vm.on_unknown == "quarantine":
                b.problems.append((R.UNKNOWN_VALUE.value, f"values.{key}", unknown, raw))
            else:
                b.changes.append((f"unknown_value_{'defaulted' if default is not None else 'nulled'}", unknown))

    def _timestamp(self, b: _Batch, key: str, stats: Counter) -> None:
        c_full, c_date, c_time = self.ts[key]
        local, instant, date, bad, raw = parse_timestamp(
            self.adapter.timestamps[key], b.col(c_full) if c_full else None, b.col(c_date) if not c_full else None,
            b.col(c_time) if c_time and not c_full else None, self.date_only_by_format(key),
        )
        b.problems.append((R.UNPARSEABLE_TIMESTAMP.value, f"timestamps.{key}", bad, raw))
        utc, local_final, amb, nonexist = localise(local, instant, self.tz)
        names = self.schema.names
        b.out[f"{key}_at"] = utc
        if f"{key}_local" in names:
            b.out[f"{key}_local"] = local_final
        if f"{key}_date" in names:
            b.out[f"{key}_date"] = pc.coalesce(pc.cast(local_final, pa.date32()), date)
        present, at_midnight = midnights(local_final)
        stats[f"ts.{key}.times"] += present
        stats[f"ts.{key}.midnight"] += at_midnight
        stats[f"ts.{key}.dates"] += len(date) - date.null_count
        b.flags.append(("ambiguous_dst", amb))
        b.flags.append(("nonexistent_dst", nonexist))

    def _ids(self, b: _Batch) -> None:
        adapter, spec, n = self.adapter, self.spec, b.n
        id_raw = b.col(self.id_col) if self.id_col else pa.nulls(n, pa.string())
        missing_id = np.asarray(pc.is_null(id_raw))
        if spec.source_id_column:
            b.out[spec.source_id_column] = id_raw
        need_hash = missing_id if self.id_col else np.ones(n, dtype=bool)
        if adapter.id.missing == "quarantine" and self.id_col:
            b.problems.append((R.MISSING_REQUIRED.value, "id.column", missing_id, id_raw))
        ids = pc.binary_join_element_wise(pa.scalar(adapter.name), id_raw, ":")
        b.out[spec.id_column] = ids
        if need_hash.any():
            # the row hash is this batch's; which copy of a row it is depends on earlier batches (finish).
            # Until then those rows hold "" (never null, as their ids will be), for the required check.
            b.pending_hash = (need_hash, RowHasher.base(b.batch, self.header), ids)
            b.out[spec.id_column] = pc.if_else(pa.array(need_hash), pa.scalar(""), ids)

    def _row_hash_ids(self, b: _Batch) -> None:
        if b.pending_hash is None:
            return
        need_hash, base, ids = b.pending_hash
        copies = np.zeros(b.n, dtype=bool)
        hashed = self.row_hashes.number(base, need_hash, copies)
        b.changes.append(("identical_rows_kept", copies))
        hashed_ids = pc.binary_join_element_wise(pa.scalar(self.adapter.name), pc.binary_join_element_wise("h", hashed, ""), ":")
        b.out[self.spec.id_column] = pc.if_else(pa.array(need_hash), hashed_ids, ids)
        self._assemble(b)

    def _lineage(self, b: _Batch) -> None:
        names = self.schema.names
        for name, value in (("source", self.adapter.name), ("source_tz", self.tz), ("source_file", self.file_name), ("ingest_id", self.ingest_id)):
            if name in names:
                b.out[name] = pa.repeat(pa.scalar(value, pa.string()), b.n)
        if "source_row" in names:
            b.out["source_row"] = pa.array(b.rows, type=pa.int64())

    def _required(self, b: _Batch) -> None:
        for r in self.adapter.required or self.spec.default_required:
            arr = b.out.get(r)
            if arr is None:
                arr = pa.nulls(b.n, self.schema.field(r).type)
            b.problems.append((R.MISSING_REQUIRED.value, r, np.asarray(pc.is_null(arr)), None))

    def _interval_flags(self, b: _Batch) -> None:
        """Each timestamp against the nearest earlier one that is known."""
        chain = [c for c in self.spec.interval_chain if c in b.out]
        for j, c in enumerate(chain[1:], start=1):
            resolved = ~np.asarray(pc.is_valid(b.out[c]))
            for e in reversed(chain[:j]):
                here = ~resolved & np.asarray(pc.is_valid(b.out[e]))
                if here.any():
                    back = here & np.asarray(pc.fill_null(pc.less(b.out[c], b.out[e]), False))
                    b.flags.append((f"{c.removesuffix('_at')}_before_{e.removesuffix('_at')}", back))
                resolved |= here
        if "time_flags" in self.schema.names:
            b.out["time_flags"] = join_flags(b.flags, b.n)

    def _split(self, b: _Batch, index: IdIndex):
        """(loaded rows, quarantined rows, loaded mask): the first problem of a row wins, then duplicate ids."""
        n, spec, detail_idx = b.n, self.spec, b.detail_idx
        ok = detail_idx < 0
        dup = index.duplicates(b.id_hash, ok)
        good_mask = ok & ~dup
        if not n:
            good = self.schema.empty_table()
        elif good_mask.all():  # the usual batch: nothing to filter out (a filter copies every column)
            good = b.table
        else:
            good = b.table.filter(pa.array(good_mask))
        if good_mask.all():
            return good, QUARANTINE_SCHEMA.empty_table(), good_mask
        q_idx = np.flatnonzero(~good_mask)
        raw_rows = b.batch.take(pa.array(q_idx)).to_pylist()
        ids_py = b.out[spec.id_column].take(pa.array(q_idx)).to_pylist()
        reasons, details = [], []
        for j, i in enumerate(q_idx):
            if dup[i]:
                reasons.append(R.DUPLICATE_ID.value)
                details.append(f"{spec.id_column} {ids_py[j]!r} already seen (in this file or the store)")
            else:
                code, label, _mask, raw = b.problems[detail_idx[i]]
                reasons.append(code)
                details.append(quarantine_detail(code, label, raw[int(i)].as_py() if raw is not None else None))
        q = pa.table(
            {
                "source": [self.adapter.name] * len(q_idx),
                "source_file": [self.file_name] * len(q_idx),
                "source_row": b.rows[q_idx],
                "reason": reasons,
                "detail": details,
                "raw": [json.dumps(r, ensure_ascii=False) for r in raw_rows],
                "ingest_id": [self.ingest_id] * len(q_idx),
            },
            schema=QUARANTINE_SCHEMA,
        )
        return good, q, good_mask
