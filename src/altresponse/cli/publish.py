"""The ``publish`` command: the public progress site (registered on the shared app)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from ._common import as_of_date, err_console, handle_errors, print_json
from ._engine import engine_options


def service_records(db_url: str | None) -> tuple[object, object, str | None]:
    """(outcome counts, follow-up counts, why not) from the service database, imported lazily.

    The service (``altresponse.serve``) may not be installed or reachable; the page then says
    what each figure needs instead of showing zero.
    """
    if db_url is None:
        return None, None, None
    try:
        from ..serve.export import followup_counts, outcome_counts
    except ImportError as exc:
        return None, None, f"The service's records could not be read: this installation has no altresponse.serve ({exc})."
    try:
        return outcome_counts(db_url), followup_counts(db_url), None
    except Exception as exc:  # any database failure: the page says so; it never shows zeros instead
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return None, None, f"The service's records could not be read from the database given ({first})."


def read_evaluation(path: Path | None) -> dict | None:
    """The JSON ``altresponse evaluate --json`` printed, or None (a file that is not that is a user error, exit 2)."""
    from ..errors import UsageError

    if path is None:
        return None
    try:
        doc = json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        msg = f"{path} line {exc.lineno}: not JSON ({exc.msg})"
        raise UsageError(msg) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("headline"), dict):
        msg = f"{path}: no top-level 'headline' object (expected the output of `altresponse evaluate --json`)"
        raise UsageError(msg)
    return doc


def register(app) -> None:
    """Add this module's commands to ``app``."""

    @app.command()
    @handle_errors
    @engine_options
    def publish(
        store: Path = typer.Option(..., "--store", help="Store directory (from `altresponse ingest` and `classify`)."),
        program: Path = typer.Option(..., "--program", help="Program YAML the page describes and counts by."),
        out: Path = typer.Option(..., "--out", help="Output directory for the site (index.html, data/*.csv)."),
        db: Optional[str] = typer.Option(None, "--db", help="Service database URL (altresponse serve): what was sent, follow-ups."),
        evaluation: Optional[Path] = typer.Option(None, "--evaluation", help="JSON from `altresponse evaluate --json`: the headline estimate."),
        beats: Optional[Path] = typer.Option(None, "--beats", help="Beats GeoJSON for the map (default: the one the ingest recorded)."),
        min_cell: int = typer.Option(11, "--min-cell", help="Counts from 1 to N-1 are hidden (with complementary suppression)."),
        as_of: Optional[str] = typer.Option(None, "--as-of", help="Program period used if the store must be classified here (YYYY-MM-DD)."),
        as_json: bool = typer.Option(False, "--json", help="Print what was written as JSON on stdout."),
        con=None,
    ) -> None:
        """Write the public progress site: what the program is, its progress, a map of beats, methods.

        Private by construction: small counts are hidden with complementary suppression, and no
        address, point, name, free text, id or time of a single call is written.
        """
        from .. import report as report_mod
        from ..errors import InputError, UsageError
        from ..publish.site import build_site

        if min_cell < 2:
            msg = f"--min-cell must be at least 2, got {min_cell}"
            raise UsageError(msg)
        if not store.is_dir():
            msg = f"{store}: store directory not found"
            raise InputError(msg)
        doc = read_evaluation(evaluation)
        classified, _force, prog = report_mod.load_inputs(store, program, as_of=as_of_date(as_of), con=con)
        outcomes, followups, note = service_records(db)
        beats_path = beats if beats is not None else report_mod.default_beats(store)
        with err_console.status("building the site…"):
            written = build_site(classified, prog, out, beats_geojson=beats_path, outcomes=outcomes, followups=followups,
                                 service_note=note, evaluation=doc, min_cell=min_cell)
        if note:
            err_console.print(f"publish: {note}", highlight=False, soft_wrap=True)
        err_console.print(f"publish: wrote {written['html']} and {len(written['csv'])} CSVs (counts under {min_cell} hidden)",
                          highlight=False, soft_wrap=True)
        if as_json:
            print_json(written)
