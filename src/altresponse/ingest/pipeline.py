"""The ingest run: each file read → mapped → quarantined → written as store parts with its report."""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from contextlib import closing
from dataclasses import asdict
from pathlib import Path
from typing import Callable, Iterable

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..adapter import Adapter, load_adapter
from ..calls import QUARANTINE_SCHEMA
from ..errors import InputError, UsageError
from .flow import InOrder, map_workers, ordered_map, read_ahead
from .ids import IdIndex, digests, hash_strings
from .mapping import Mapper
from .read import PARQUET_BATCH_ROWS, Reader, unparsed_table
from .report import FileReport, IngestReport, add_sample
from .tables import check_adapter_against, table_spec


def ingest(
    paths: str | Path | Iterable[str | Path],
    adapter: str | Path | Adapter,
    store: str | Path,
    *,
    beats=None,
    strict: bool = False,
    replace: bool = False,
    progress: Callable[[str, float], None] | None = None,
) -> IngestReport:
    """Load source files into a store through an adapter.

    Parameters
    ----------
    paths
        CSV, CSV.gz or parquet files (one or many).
    adapter
        Shipped adapter name, path to an adapter YAML, or an :class:`Adapter`.
    store
        Store directory (created if needed).
    beats
        Optional beats GeoJSON path (or a :class:`altresponse.geo.Beats`): fills ``geo_beat``
        and ``geo_district`` by point-in-polygon, and ``beat``/``district`` where the source
        has none.
    strict
        If True, a file with any quarantined row is not added to the store
        (its report has ``committed=False``).
    replace
        If True, a file already in the store through another version of the adapter replaces
        that part (new part written first, then the old one removed). Without it, such a file
        is refused, since every one of its ids would be a duplicate.
    progress
        Called as ``progress(path, fraction_done)`` while reading.

    Returns
    -------
    IngestReport

    Raises
    ------
    AdapterError
        The adapter is invalid or the file lacks the columns it needs.
    UsageError
        The file is in the store already through another adapter version and ``replace`` is False.
    InputError
        A file cannot be read, or the store cannot be written.
    """
    adapter = load_adapter(adapter)
    spec = table_spec(adapter.table)
    check_adapter_against(spec, adapter)
    if isinstance(paths, (str, Path)):
        paths = [paths]
    paths = [Path(p) for p in paths]
    for p in paths:
        if not p.is_file():
            msg = f"{p}: no such file" if not p.exists() else f"{p}: not a regular file"
            raise InputError(msg)
    geo_index = None
    if beats is not None:
        from ..geo import Beats, load_beats

        geo_index = beats if isinstance(beats, Beats) else load_beats(
            beats, beat_property=adapter.geo.beat_property, district_property=adapter.geo.district_property
        )
    store = Path(store)
    try:
        for sub in (spec.name, "quarantine", "ingests"):
            (store / sub).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        msg = f"{store}: cannot create store ({exc.strerror})"
        raise InputError(msg) from None
    report = IngestReport(store=str(store), adapter=adapter.name)
    for p in paths:
        report.files.append(_ingest_file(p, adapter, spec, store, geo_index, strict, replace, progress))
    return report


def _ingest_file(path, adapter, spec, store, geo_index, strict, replace, progress) -> FileReport:
    started = time.perf_counter()
    ingest_id, file_sha, adapter_hash = digests(path, adapter)
    rep = FileReport(path=str(path), ingest_id=ingest_id, source=adapter.name, table=spec.name, file_sha256=file_sha, adapter_hash=adapter_hash)
    report_path = store / "ingests" / f"{ingest_id}.json"
    if report_path.exists():
        return _already(rep, report_path)
    earlier = _same_file_parts(store, rep)
    if earlier and not replace:
        part, old = earlier[0]
        msg = (
            f"{path}: this file is already in the store as part {part} (adapter {old.get('source')} hash "
            f"{old.get('adapter_hash')}; now {adapter_hash}), so every id would be a duplicate; "
            f"pass --replace to swap that part for this ingest"
        )
        raise UsageError(msg)
    reader = Reader(path, adapter)
    header = reader.read_header()
    if header is None:
        reader.close()
        rep.note = "empty file: no header and no rows"
        _write_empty_parts(store, spec, ingest_id, rep)
        rep.seconds = round(time.perf_counter() - started, 3)
        return rep
    try:
        mapper = Mapper(adapter, spec, header, path, ingest_id, geo_index)
    except BaseException:
        reader.close()
        raise
    rep.columns_used, rep.columns_missing, rep.columns_ignored = mapper.columns_used, mapper.columns_missing, mapper.columns_ignored
    skip = {part for part, _ in earlier}
    index = _store_index(store, spec, skip | {ingest_id})
    tmp_calls = store / spec.name / f".{ingest_id}.parquet.tmp"
    tmp_q = store / "quarantine" / f".{ingest_id}.parquet.tmp"
    stats: Counter = Counter()
    try:
        calls_writer = pq.ParquetWriter(str(tmp_calls), spec.schema, use_dictionary=_dictionary_columns(spec))
        q_writer = pq.ParquetWriter(str(tmp_q), QUARANTINE_SCHEMA)
    except OSError as exc:
        msg = f"{store}: cannot write ({exc})"
        raise InputError(msg) from None
    try:
        _stream(reader, mapper, index, stats, rep, calls_writer, q_writer, progress)
    except BaseException:
        calls_writer.close()
        q_writer.close()
        tmp_calls.unlink(missing_ok=True)
        tmp_q.unlink(missing_ok=True)
        raise
    calls_writer.close()
    q_writer.close()
    rep.blank_lines = reader.blank_lines
    rep.date_only, null_cols = _date_only(mapper, stats)
    if null_cols:
        _null_columns(tmp_calls, spec, null_cols)
    _finish_report(rep, stats, geo_index)
    commit = not (strict and rep.rows_quarantined)
    rep.committed = commit
    if not commit:
        tmp_calls.unlink(missing_ok=True)
        tmp_q.unlink(missing_ok=True)
        rep.note = "strict: rows were quarantined, so nothing from this file was added to the store"
        rep.seconds = round(time.perf_counter() - started, 3)
        return rep
    os.replace(tmp_calls, store / spec.name / f"{ingest_id}.parquet")
    os.replace(tmp_q, store / "quarantine" / f"{ingest_id}.parquet")
    for part, _ in earlier:  # the new part is in place: now the old one goes
        for f in (store / spec.name / f"{part}.parquet", store / "quarantine" / f"{part}.parquet", store / "ingests" / f"{part}.json"):
            f.unlink(missing_ok=True)
        rep.replaced.append(part)
    if rep.replaced:
        rep.note = f"replaced part {', '.join(rep.replaced)} (same file, earlier adapter)"
    rep.seconds = round(time.perf_counter() - started, 3)
    report_path.write_text(json.dumps(asdict(rep), indent=2, default=str))
    return rep


def _stream(reader, mapper, index, stats, rep, calls_writer, q_writer, progress) -> None:
    """Read → map → check ids → write, batch by batch in file order. Cutting the file into steps
    runs on a thread of its own, parsing and the mapping that needs no earlier batch on a few,
    the parquet writes on another (:mod:`.flow`); the rest here, one batch at a time."""
    reasons: Counter = Counter()
    unparsed: list = []  # records that could not be parsed, written after the next batch (as ever)

    def flush_unparsed() -> None:
        if unparsed:
            qm = unparsed_table(unparsed, mapper.adapter.name, reader.path, mapper.ingest_id)
            write.submit(q_writer.write_table, qm)
            reasons.update(qm.column("reason").to_pylist())
            rep.rows_read += len(unparsed)
            add_sample(rep, qm)
            unparsed.clear()

    def steps():  # on the reader's thread
        for step in reader.steps():
            yield step, reader.fraction()

    def prepare(item):  # on a mapping thread
        step, fraction = item
        batch, rows, bad = reader.parse(step)
        return (mapper.prepare(batch, rows) if batch is not None else None), bad, fraction

    flags: Counter = Counter()  # updated on the writer's thread only, read after it is joined

    def write_calls(good) -> None:
        calls_writer.write_table(good)
        flags.update(_count_flags(good))

    mapped = ordered_map(prepare, read_ahead(steps()), map_workers())
    with InOrder() as write, closing(mapped):  # closing: on any exit the reading and mapping threads stop
        for b, bad, fraction in mapped:
            unparsed += bad
            if b is None:
                continue
            rep.rows_read += b.n
            good, quarantine = mapper.finish(b, index, stats)
            if good.num_rows:
                write.submit(write_calls, good)
            if quarantine.num_rows:
                write.submit(q_writer.write_table, quarantine)
                reasons.update(quarantine.column("reason").to_pylist())
                add_sample(rep, quarantine)
            rep.rows_loaded += good.num_rows
            flush_unparsed()
            if progress:
                progress(str(reader.path), fraction)
        flush_unparsed()
    rep.rows_quarantined = sum(reasons.values())
    rep.quarantine_reasons = dict(sorted(reasons.items(), key=lambda kv: -kv[1]))
    rep.time_flags = dict(sorted(flags.items(), key=lambda kv: -kv[1]))


def _finish_report(rep: FileReport, stats: Counter, geo_index) -> None:
    values = {k.removeprefix("value."): v for k, v in stats.items() if k.startswith("value.") and v}
    coords = sum(values.get(k, 0) for k in ("coordinates_zero", "coordinates_out_of_bounds", "unparseable_number", "coordinates_half_missing"))
    if coords:
        values["coordinates_nulled"] = coords
    rep.values_changed = dict(sorted(values.items()))
    if geo_index is not None:
        rep.geo = _geo_summary(stats, geo_index)
    if rep.rows_read == 0 and not rep.note:
        rep.note = "empty file: header only, no data rows"
    elif rep.rows_read and rep.quarantine_reasons.get("duplicate_id") == rep.rows_read:
        rep.note = (
            f"all {rep.rows_read:,} rows are duplicate_id: their ids are already in the store, "
            "from an earlier ingest of this export? (--replace swaps a part made from the same file)"
        )


def _already(rep: FileReport, report_path: Path) -> FileReport:
    try:
        previous = json.loads(report_path.read_text())
    except (OSError, ValueError):
        previous = {}
    for key in ("rows_read", "rows_loaded", "rows_quarantined", "quarantine_reasons"):
        if key in previous:
            setattr(rep, key, previous[key])
    rep.already_ingested = True
    rep.note = f"already ingested as {rep.ingest_id}: nothing added"
    return rep


def _same_file_parts(store: Path, rep: FileReport) -> list[tuple[str, dict]]:
    """Earlier parts of the same source made from the same file bytes (another adapter version)."""
    found = []
    for p in sorted((store / "ingests").glob("*.json")):
        if p.stem == rep.ingest_id:
            continue
        try:
            doc = json.loads(p.read_text())
        except (OSError, ValueError):
            continue
        if doc.get("file_sha256") == rep.file_sha256 and doc.get("source") == rep.source and doc.get("table") == rep.table:
            found.append((p.stem, doc))
    return found


def _store_index(store: Path, spec, skip: set[str]) -> IdIndex:
    index = IdIndex()
    for part in sorted((store / spec.name).glob("*.parquet")):
        if part.stem not in skip:
            for b in pq.ParquetFile(str(part)).iter_batches(columns=[spec.id_column], batch_size=PARQUET_BATCH_ROWS):
                index.add(hash_strings(b.column(0)))
    return index


def _date_only(mapper: Mapper, stats: Counter) -> tuple[dict[str, str], list[str]]:
    """Timestamps with no time of day: what the report says, and the columns to set to null."""
    names = set(mapper.schema.names)
    notes, to_null = {}, []
    for key, cols in mapper.ts.items():
        if not any(cols):
            continue
        kept = f"stored as {key}_date" if f"{key}_date" in names else f"not kept (the {mapper.spec.name} table has no {key}_date column)"
        times, midnight, dates = stats[f"ts.{key}.times"], stats[f"ts.{key}.midnight"], stats[f"ts.{key}.dates"]
        if mapper.date_only_by_format(key):
            if dates or f"{key}_date" in names:
                notes[key] = f"date only (the source gives no time of day): {dates:,} dates, {kept}; {key}_at left null"
        elif times >= 2 and midnight == times:
            notes[key] = f"date only: all {times:,} values are at 00:00:00, so no time of day is known; {kept}; {key}_at left null"
            to_null += [c for c in (f"{key}_at", f"{key}_local") if c in names]
    return notes, to_null


def _null_columns(path: Path, spec, columns: list[str]) -> None:
    """Rewrite a part with ``columns`` set to null (a date-only timestamp read as midnights)."""
    out = path.with_suffix(".nulled")
    schema = spec.schema
    with pq.ParquetWriter(str(out), schema, use_dictionary=_dictionary_columns(spec)) as w:
        for batch in pq.ParquetFile(str(path)).iter_batches(batch_size=PARQUET_BATCH_ROWS):
            t = pa.Table.from_batches([batch])
            for c in columns:
                t = t.set_column(t.schema.get_field_index(c), schema.field(c), pa.nulls(t.num_rows, schema.field(c).type))
            w.write_table(t)
    os.replace(out, path)


def _dictionary_columns(spec) -> list[str]:
    """Columns worth a parquet dictionary: not the ids, row numbers and instants, which rarely
    repeat (a dictionary tried on them and dropped cost ~30% of the write; the file is smaller)."""
    unique = {spec.id_column, spec.source_id_column, "source_row"}
    return [f.name for f in spec.schema if f.name not in unique and not pa.types.is_timestamp(f.type)]


def _write_empty_parts(store, spec, ingest_id, rep) -> None:
    pq.write_table(spec.schema.empty_table(), str(store / spec.name / f"{ingest_id}.parquet"))
    pq.write_table(QUARANTINE_SCHEMA.empty_table(), str(store / "quarantine" / f"{ingest_id}.parquet"))
    (store / "ingests" / f"{ingest_id}.json").write_text(json.dumps(asdict(rep), indent=2, default=str))


def _count_flags(table: pa.Table) -> Counter:
    if "time_flags" not in table.column_names:
        return Counter()
    flags = table.column("time_flags").drop_null()
    if not len(flags):
        return Counter()
    counts = pc.value_counts(pc.list_flatten(pc.split_pattern(flags, ",")))
    return Counter({d["values"]: d["counts"] for d in counts.to_pylist()})


def _geo_summary(stats: Counter, geo_index) -> dict:
    compared = stats["geo.beat_compared"]
    return {
        "beats_file": str(geo_index.path),
        "points": stats["geo.points"],
        "points_in_a_polygon": stats["geo.matched"],
        "cad_beat_compared": compared,
        "cad_beat_disagrees": stats["geo.beat_disagree"],
        "cad_beat_disagree_rate": round(stats["geo.beat_disagree"] / compared, 4) if compared else None,
        "beat_filled_from_geo": stats["geo.beat_filled"],
        "district_filled_from_geo": stats["geo.district_filled"],
    }
