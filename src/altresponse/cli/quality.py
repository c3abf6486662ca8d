"""CLI command for the quality report of a store: ``quality`` (registered on the shared app)."""

from __future__ import annotations

from pathlib import Path

import typer

from ._common import err_console, handle_errors, print_json
from ._engine import engine_options


def register(app) -> None:
    """Add this module's commands to ``app``."""

    @app.command("quality")
    @handle_errors
    @engine_options
    def quality_cmd(
        store: Path = typer.Option(..., "--store", help="Store directory."),
        as_json: bool = typer.Option(False, "--json", help="Print the report as one JSON document on stdout."),
        con=None,
    ) -> None:
        """Data-quality report of a store: null rates, time ranges, call types, computable intervals."""
        from ..errors import InputError
        from ..quality import quality

        if not store.is_dir():
            raise InputError(f"{store}: no such store directory")
        doc = quality(store, con=con)
        if as_json:
            print_json(doc)
        else:
            _print_quality(doc)


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
