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
        effect: Optional[float] = typer.Option(
            None, "--effect", help="Planted effect, e.g. -0.30: eligible calls in the program's served beats, from each period's start, scaled by (1 + effect). Needs --program."
        ),
        program: Optional[Path] = typer.Option(None, "--program", help="Program YAML whose eligible types, beats and start dates --effect uses."),
    ) -> None:
        """Write synthetic police calls calibrated to Durham NC (see docs/synth.md).

        Streams in chunks, so millions of rows need little memory. Synthetic: no row is a real call.
        """
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

        from .. import synth as synth_module

        synth_module.output_format(out)  # fail on a bad name before any work
        if (effect is None) != (program is None):
            from ..errors import UsageError

            raise UsageError("--effect and --program go together (the program says which calls, where and from when)")
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
        if effect is not None:
            from ..evaluate.planted import plant_effect

            summary["planted"] = plant_effect(out, program, effect, seed=seed)
            summary["rows"] += summary["planted"]["added"] - summary["planted"]["removed"]
        if as_json:
            print_json(summary)
        else:
            err_console.print(f"wrote {summary['rows']:,} synthetic calls to {summary['path']}", highlight=False)
