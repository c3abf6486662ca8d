"""CLI commands for the classify verb (registered on the shared app).

``altresponse classify``  label a store's calls under a program (STORE/classified/<id>.parquet)
``altresponse explain``   the rules that fired for one call
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ._common import as_of_date as _as_of
from ._common import TYPEMAP_HELP, err_console, handle_errors, print_json
from ._engine import engine_options


def _known_beats(beats: Optional[Path]):
    if beats is None:
        return None
    from ..program import known_beats_from_geojson

    return known_beats_from_geojson(beats)


def register(app) -> None:
    """Add this module's commands to app."""

    @app.command("classify")
    @handle_errors
    @engine_options
    def classify_cmd(
        store: Path = typer.Option(..., "--store", help="Store directory (from `altresponse ingest`)."),
        program: Path = typer.Option(..., "--program", help="Program YAML, e.g. programs/durham-heart.yaml."),
        as_of: Optional[str] = typer.Option(
            None, "--as-of", help="Judge every call by the program periods in effect on this date (what-if, YYYY-MM-DD); default: each call's own date."
        ),
        beats: Optional[Path] = typer.Option(None, "--beats", help="Beats GeoJSON (LAWBEAT): reject service areas naming unknown beats."),
        typemap: Optional[str] = typer.Option(None, "--typemap", help=TYPEMAP_HELP),
        as_json: bool = typer.Option(False, "--json", help="Print one JSON document on stdout."),
        con=None,
    ) -> None:
        """Label every call with eligibility per response, the recommended response and a risk level, each with its rule id."""
        from ..classify import classify_store
        from ..program import load_program

        prog = load_program(program, known_beats=_known_beats(beats))
        with err_console.status(f"classifying the calls in {store} under {prog.id}…"):
            doc = classify_store(store, prog, as_of=_as_of(as_of), typemap=typemap, con=con)
        if as_json:
            print_json(doc)
            return
        _print_summary(doc)

    @app.command("explain")
    @handle_errors
    @engine_options
    def explain_cmd(
        call_id: str = typer.Argument(..., help="The call's call_id, e.g. durham:h300abdff84454c0f."),
        store: Path = typer.Option(..., "--store", help="Store directory."),
        program: Path = typer.Option(..., "--program", help="Program YAML."),
        as_of: Optional[str] = typer.Option(None, "--as-of", help="Judge the call by the periods in effect on this date (YYYY-MM-DD)."),
        typemap: Optional[str] = typer.Option(None, "--typemap", help=TYPEMAP_HELP),
        as_json: bool = typer.Option(False, "--json", help="Print one JSON document on stdout."),
        con=None,
    ) -> None:
        """Show every rule that decided one call: type, risk, eligibility per response, routing."""
        from ..classify import explain

        doc = explain(call_id, store, program, as_of=_as_of(as_of), typemap=typemap, con=con)
        if as_json:
            print_json(doc)
            return
        from rich.table import Table

        f = doc["facts"]
        err_console.print(
            f"[bold]{doc['call_id']}[/] under {doc['program_id']} {doc['program_version']}"
            + (f" as of {doc['as_of']}" if doc["as_of"] else "")
            + f": {f['type_desc']!s} · beat {f['beat']} · {f['received_local'] or f['received_date']}",
            highlight=False,
        )
        table = Table("stage", "rule", "fired", "detail")
        for s in doc["steps"]:
            table.add_row(s["stage"], s["rule"], "yes" if s["fired"] else "·", s["detail"])
        err_console.print(table)
        lab = doc["labels"]
        err_console.print(
            f"recommended: [bold]{lab['recommended_response']}[/] ({lab['recommended_rule']}); risk {lab['risk_level']} ({lab['risk_rule']})",
            highlight=False,
        )


def _print_summary(doc: dict) -> None:
    from rich.table import Table

    err_console.print(
        f"[bold]{doc['program_id']} {doc['program_version']}[/]: {doc['calls']:,} calls classified"
        + (f" as of {doc['as_of']}" if doc.get("as_of") else "")
        + f" → {doc['output']}",
        highlight=False,
    )
    table = Table("response", "eligible", "recommended")
    for rid, n in doc["eligible"].items():
        table.add_row(rid, f"{n:,}", f"{doc['by_recommended_response'].get(rid, 0):,}")
    for rid, n in doc["by_recommended_response"].items():
        if rid not in doc["eligible"]:
            table.add_row(rid, "", f"{n:,}")
    err_console.print(table)
    risk = ", ".join(f"{k} {v:,}" for k, v in doc["by_risk_level"].items())
    err_console.print(f"eligible for any response: {doc['eligible_any']:,}; risk: {risk}", highlight=False)
    for note in doc.get("notes", []):
        err_console.print(f"[bold yellow]note:[/] {note}", highlight=False)
