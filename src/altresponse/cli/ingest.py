"""CLI commands for the ingest verb: ``ingest`` and ``quality`` (registered on the shared app)."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from ._common import err_console, handle_errors, print_json

LONG_RUN_BYTES = 20 << 20  # show a progress bar for inputs larger than this


def register(app) -> None:
    """Add this module's commands to ``app``."""

    @app.command("ingest")
    @handle_errors
    def ingest_cmd(
        files: List[Path] = typer.Argument(..., help="CSV, CSV.gz or parquet files to load."),
        adapter: str = typer.Option(..., "--adapter", help="Shipped adapter name (durham, portland, ...) or path to an adapter YAML."),
        store: Path = typer.Option(..., "--store", help="Store directory (created if needed)."),
        beats: Optional[Path] = typer.Option(None, "--beats", help="Beats GeoJSON: fills geo_beat/geo_district by point-in-polygon."),
        as_json: bool = typer.Option(False, "--json", help="Print the ingest report as one JSON document on stdout."),
        strict: bool = typer.Option(False, "--strict", help="Exit 1 (and add nothing from that file) if any row is quarantined."),
    ) -> None:
        """Load source files into a store through an adapter; every row is loaded or quarantined."""
        from ..errors import InputError
        from ..ingest import ingest

        for f in files:
            if not f.is_file():
                raise InputError(f"{f}: no such file")
        if beats is not None and not beats.is_file():
            raise InputError(f"{beats}: no such beats file")
        total = sum(f.stat().st_size for f in files)
        if total > LONG_RUN_BYTES and not as_json:
            report = _with_progress(ingest, files, adapter, store, beats, strict, total)
        elif total > LONG_RUN_BYTES:
            report = _with_progress(ingest, files, adapter, store, beats, strict, total)
        else:
            report = ingest(files, adapter, store, beats=beats, strict=strict)
        _remember_adapter(store, adapter)
        if as_json:
            print_json(report.to_dict())
        else:
            _print_summary(report)
        if strict and any(not f.committed for f in report.files):
            raise typer.Exit(1)

    @app.command("quality")
    @handle_errors
    def quality_cmd(
        store: Path = typer.Option(..., "--store", help="Store directory."),
        as_json: bool = typer.Option(False, "--json", help="Print the report as one JSON document on stdout."),
    ) -> None:
        """Data-quality report of a store: null rates, time ranges, call types, computable intervals."""
        from ..errors import InputError
        from ..quality import quality

        if not store.is_dir():
            raise InputError(f"{store}: no such store directory")
        doc = quality(store)
        if as_json:
            print_json(doc)
        else:
            _print_quality(doc)


def _with_progress(ingest, files, adapter, store, beats, strict, total):
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    sizes = {str(f): f.stat().st_size for f in files}
    with Progress(
        TextColumn("[bold]ingest[/]"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(), TimeRemainingColumn(), console=err_console, transient=True,
    ) as bar:
        task = bar.add_task("ingest", total=total)
        offsets = {}
        acc = 0
        for f in files:
            offsets[str(f)] = acc
            acc += sizes[str(f)]

        def progress(path: str, fraction: float) -> None:
            bar.update(task, completed=offsets.get(path, 0) + fraction * sizes.get(path, 0))

        return ingest(files, adapter, store, beats=beats, strict=strict, progress=progress)


def _print_summary(report) -> None:
    from rich.table import Table

    table = Table(title=f"ingest via adapter {report.adapter} → {report.store}", title_justify="left")
    for col in ("file", "read", "loaded", "quarantined", "reasons", "note"):
        table.add_column(col, justify="right" if col in ("read", "loaded", "quarantined") else "left")
    for f in report.files:
        reasons = ", ".join(f"{k} {v:,}" for k, v in f.quarantine_reasons.items()) or "-"
        table.add_row(Path(f.path).name, f"{f.rows_read:,}", f"{f.rows_loaded:,}", f"{f.rows_quarantined:,}", reasons, f.note)
    err_console.print(table)
    for f in report.files:
        if f.time_flags:
            err_console.print("  time flags: " + ", ".join(f"{k} {v:,}" for k, v in f.time_flags.items()), highlight=False)
        if f.geo:
            g = f.geo
            rate = g["cad_beat_disagree_rate"]
            line = f"  geo: {g['points_in_a_polygon']:,} of {g['points']:,} points in a polygon"
            if rate is not None:
                line += f"; CAD beat disagrees with geo_beat on {g['cad_beat_disagrees']:,} of {g['cad_beat_compared']:,} ({rate:.1%})"
            err_console.print(line, highlight=False)
        if f.columns_missing:
            err_console.print("  not in file: " + "; ".join(f.columns_missing), highlight=False)


def _print_quality(doc: dict) -> None:
    from rich.table import Table

    err_console.print(f"[bold]{doc['rows']:,} calls[/] in {doc['store']} ({', '.join(f'{k} {v:,}' for k, v in doc['by_source'].items())})")
    t = Table(title="timestamps", title_justify="left")
    for c in ("column", "filled", "min", "max"):
        t.add_column(c)
    for name, v in doc["timestamps"].items():
        t.add_row(name, f"{v['filled']:,}", str(v["min"] or "-"), str(v["max"] or "-"))
    err_console.print(t)
    t = Table(title="intervals", title_justify="left")
    for c in ("interval", "computable", "negative", "median s"):
        t.add_column(c)
    for name, v in doc["intervals"].items():
        med = "-" if v["median_seconds"] is None else f"{v['median_seconds']:.0f}"
        t.add_row(name, f"{v['computable']:,}", f"{v['negative']:,}", med)
    err_console.print(t)
    nulls = {k: v for k, v in doc["null_rate"].items() if v}
    err_console.print("null rate: " + ", ".join(f"{k} {v:.0%}" for k, v in sorted(nulls.items(), key=lambda kv: -kv[1])), highlight=False)
    err_console.print("top types: " + ", ".join(f"{r['type_desc']} {r['calls']:,}" for r in doc["types_by_volume"][:10]), highlight=False)
    if doc["quarantine"]:
        err_console.print("quarantine: " + ", ".join(f"{k} {v:,}" for k, v in doc["quarantine"].items()), highlight=False)


def _remember_adapter(store: Path, adapter: str) -> None:
    """Record an adapter file (not a shipped name): classify finds the type map it names."""
    from pathlib import Path as _Path

    from ..adapter import load_adapter, shipped_adapters
    from ..store import remember_adapter

    if adapter not in shipped_adapters() and _Path(adapter).is_file():
        remember_adapter(store, load_adapter(adapter).name, adapter)
