"""The ``synth`` command: write seeded synthetic Durham-like calls (registered on the shared app)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ._common import err_console, handle_errors, print_json


def register(app) -> None:
    """Add this module's commands to ``app``."""

    @app.command()
    @handle_errors
    def synth(
        out: Path = typer.Option(..., "--out", help="Output file: .csv, .csv.gz or .parquet."),
        calls: int = typer.Option(100_000, "--calls", help="Number of calls to generate."),
        seed: int = typer.Option(0, "--seed", help="Random seed; the same seed gives byte-identical output."),
        start: str = typer.Option("2021-01-01", "--start", help="First local day, YYYY-MM-DD."),
        beats: Optional[Path] = typer.Option(
            None, "--beats", help="Beats GeoJSON (default: the bundled Durham beats)."
        ),
        as_json: bool = typer.Option(False, "--json", help="Print a JSON summary to stdout."),
    ) -> None:
        """Write synthetic police calls calibrated to Durham NC (see docs/synth.md).

        Streams in chunks, so millions of rows need little memory. Synthetic: no row is a real call.
        """
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

        from .. import synth as synth_module

        synth_module.output_format(out)  # fail on a bad name before any work
        with Progress(
            TextColumn("[bold]synth[/]"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=err_console,
            transient=True,
            disable=as_json or calls < 500_000,
        ) as progress:
            task = progress.add_task("rows", total=calls)
            summary = synth_module.write_synthetic_calls(
                out,
                calls,
                seed=seed,
                start=start,
                beats=beats,
                on_batch=lambda rows: progress.advance(task, rows),
            )
        if as_json:
            print_json(summary)
        else:
            err_console.print(f"wrote {summary['rows']:,} synthetic calls to {summary['path']}", highlight=False)
