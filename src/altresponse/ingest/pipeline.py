"""The ingest run: each file read → mapped → quarantined → written as store parts with its report."""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from dataclasses import asdict
from pathlib import Path
from typing import Callable, Iterable

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..adapter import Adapter, load_adapter
from ..calls import QUARANTINE_SCHEMA
from ..errors import InputError
from .ids import _hash_strings, _IdIndex, ingest_id_of
from .mapping import _Mapper
from .read import PARQUET_BATCH_ROWS, _malformed_table, _Reader
from .report import FileReport, IngestReport, _sample
from .tables import _check_adapter_against, table_spec


def ingest(
    paths: str | Path | Iterable[str | Path],
    adapter: str | Path | Adapter,
    store: str | Path,
    *,
    beats=None,
    strict: bool = False,
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
    progress
        Called as ``progress(path, fraction_done)`` while reading.

    Returns
    -------
    IngestReport

    Raises
    ------
    AdapterError
        The adapter is invalid or the file lacks the columns it needs.
    InputError
        A file cannot be read, or the store cannot be written.
    """
    adapter = load_adapter(adapter)
    spec = table_spec(adapter.table)
    _check_adapter_against(spec, adapter)
    if isinstance(paths, (str, Path)):
        paths = [paths]
    paths = [Path(p) for p in paths]
    for p in paths:
        if not p.is_file():
            msg = f"{p}: no such file"
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
        report.files.append(_ingest_file(p, adapter, spec, store, geo_index, strict, progress))
    return report


def _ingest_file(path, adapter, spec, store, geo_index, strict, progress) -> FileReport:
    started = time.perf_counter()
    ingest_id = ingest_id_of(path, adapter)
    rep = FileReport(path=str(path), ingest_id=ingest_id, source=adapter.name, table=spec.name)
    report_path = store / "ingests" / f"{ingest_id}.json"
    if report_path.exists():
        try:
            previous = json.loads(report_path.read_text())
        except (OSError, ValueError):
            previous = {}
        for key in ("rows_read", "rows_loaded", "rows_quarantined", "quarantine_reasons"):
            if key in previous:
                setattr(rep, key, previous[key])
        rep.already_ingested = True
        rep.note = f"already ingested as {ingest_id}: nothing added"
        return rep

    reader = _Reader(path, adapter)
    header = reader.read_header()
    if header is None:
        rep.note = "empty file (zero bytes): no rows"
        _write_empty_parts(store, spec, ingest_id, rep)
        rep.seconds = round(time.perf_counter() - started, 3)
        return rep
    mapper = _Mapper(adapter, spec, header, path, ingest_id, geo_index)
    rep.columns_used = mapper.columns_used
    rep.columns_missing = mapper.columns_missing
    rep.columns_ignored = mapper.columns_ignored
    index = _IdIndex()
    for part in _store_parts(store, spec.name):
        if part.stem != ingest_id:
            for b in pq.ParquetFile(str(part)).iter_batches(columns=[spec.id_column], batch_size=PARQUET_BATCH_ROWS):
                index.add(_hash_strings(b.column(0)))

    tmp_calls = store / spec.name / f".{ingest_id}.parquet.tmp"
    tmp_q = store / "quarantine" / f".{ingest_id}.parquet.tmp"
    reasons: Counter = Counter()
    flags: Counter = Counter()
    geo_stats: Counter = Counter()
    try:
        calls_writer = pq.ParquetWriter(str(tmp_calls), spec.schema)
        q_writer = pq.ParquetWriter(str(tmp_q), QUARANTINE_SCHEMA)
    except OSError as exc:
        msg = f"{store}: cannot write ({exc})"
        raise InputError(msg) from None
    try:
        n_malformed_written = 0

        def flush_malformed() -> None:
            # rows the parser could not split, found since the last flush
            nonlocal n_malformed_written
            new = reader.malformed[n_malformed_written:]
            if new:
                qm = _malformed_table(new, adapter.name, path, ingest_id)
                q_writer.write_table(qm)
                reasons.update(qm.column("reason").to_pylist())
                rep.rows_read += len(new)
                _sample(rep, qm)
                n_malformed_written = len(reader.malformed)

        for batch, rows in reader.batches():
            rep.rows_read += batch.num_rows
            good, quarantine = mapper.map(batch, rows, index, geo_stats)
            if good.num_rows:
                calls_writer.write_table(good)
                flags.update(_count_flags(good))
            if quarantine.num_rows:
                q_writer.write_table(quarantine)
                reasons.update(quarantine.column("reason").to_pylist())
                _sample(rep, quarantine)
            rep.rows_loaded += good.num_rows
            flush_malformed()
            if progress:
                progress(str(path), reader.fraction())
        flush_malformed()
    except pa.ArrowInvalid as exc:
        calls_writer.close()
        q_writer.close()
        tmp_calls.unlink(missing_ok=True)
        tmp_q.unlink(missing_ok=True)
        msg = f"{path}: cannot read ({exc})"
        raise InputError(msg) from None
    except BaseException:
        calls_writer.close()
        q_writer.close()
        tmp_calls.unlink(missing_ok=True)
        tmp_q.unlink(missing_ok=True)
        raise
    calls_writer.close()
    q_writer.close()
    rep.rows_quarantined = sum(reasons.values())
    rep.quarantine_reasons = dict(sorted(reasons.items(), key=lambda kv: -kv[1]))
    rep.time_flags = dict(sorted(flags.items(), key=lambda kv: -kv[1]))
    if geo_index is not None:
        rep.geo = _geo_summary(geo_stats, geo_index)
    if rep.rows_read == 0 and not rep.note:
        rep.note = "header only: no data rows"
    commit = not (strict and rep.rows_quarantined)
    rep.committed = commit
    if commit:
        os.replace(tmp_calls, store / spec.name / f"{ingest_id}.parquet")
        os.replace(tmp_q, store / "quarantine" / f"{ingest_id}.parquet")
        rep.seconds = round(time.perf_counter() - started, 3)
        report_path.write_text(json.dumps(asdict(rep), indent=2, default=str))
    else:
        tmp_calls.unlink(missing_ok=True)
        tmp_q.unlink(missing_ok=True)
        rep.note = "strict: rows were quarantined, so nothing from this file was added to the store"
        rep.seconds = round(time.perf_counter() - started, 3)
    return rep


def _store_parts(store: Path, table: str) -> list[Path]:
    return sorted((store / table).glob("*.parquet"))


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
    compared = stats["beat_compared"]
    return {
        "beats_file": str(geo_index.path),
        "points": stats["points"],
        "points_in_a_polygon": stats["matched"],
        "cad_beat_compared": compared,
        "cad_beat_disagrees": stats["beat_disagree"],
        "cad_beat_disagree_rate": round(stats["beat_disagree"] / compared, 4) if compared else None,
        "beat_filled_from_geo": stats["beat_filled"],
        "district_filled_from_geo": stats["district_filled"],
    }
