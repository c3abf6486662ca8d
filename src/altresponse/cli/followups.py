"""``altresponse followups export``: follow-up and outcome counts, no personal data."""

from __future__ import annotations

from pathlib import Path

import typer

from ._common import err_console, handle_errors, print_json


def register(app) -> None:
    """Add the ``followups`` command group to ``app``."""
    group = typer.Typer(help="Care Navigation follow-ups.", no_args_is_help=True)
    app.add_typer(group, name="followups")

    @group.command("export")
    @handle_errors
    def export_cmd(
        db: str = typer.Option(..., "--db", help="Database URL of the service."),
        out: Path = typer.Option(..., "--out", help="Parquet file for follow-up counts; outcome counts go beside it (.outcomes.parquet)."),
        as_json: bool = typer.Option(False, "--json", help="Print one JSON document on stdout."),
    ) -> None:
        """Counts per week and beat (follow-ups: outcome, first contact within 48 h, median hours; calls: what was sent and why)."""
        from ..serve.export import export_parquet

        doc = export_parquet(db, out)
        if as_json:
            print_json(doc)
            return
        err_console.print(f"{doc['followups_total']:,} follow-ups in {doc['followup_rows']:,} rows → {doc['followups']}; "
                          f"{doc['calls_with_outcome']:,} calls with an outcome in {doc['outcome_rows']:,} rows → {doc['outcomes']}",
                          highlight=False)
