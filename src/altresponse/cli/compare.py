"""The ``compare`` command: every program on every store, side by side (registered on the shared app)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ._common import as_of_date, err_console, handle_errors, print_json
from ._engine import engine_options


def _areas(values: list[str]) -> dict[str, list[str] | None]:
    """``NAME=BEAT,BEAT`` (or ``NAME=citywide``) options as a mapping."""
    from ..errors import UsageError

    out: dict[str, list[str] | None] = {}
    for value in values:
        name, sep, beats = value.partition("=")
        if not sep or not name.strip() or not beats.strip():
            msg = f'--area "{value}" is not NAME=BEAT,BEAT,... or NAME=citywide'
            raise UsageError(msg)
        items = [b.strip() for b in beats.split(",") if b.strip()]
        out[name.strip()] = None if items == ["citywide"] else items
    return out


def register(app) -> None:
    """Add this module's commands to ``app``."""

    @app.command("compare")
    @handle_errors
    @engine_options
    def compare_cmd(
        store: list[Path] = typer.Option(..., "--store", help="Store directory (repeat for several cities)."),
        program: list[Path] = typer.Option(..., "--program", help="Program YAML (repeat), e.g. programs/denver-star.yaml."),
        as_of: Optional[str] = typer.Option(
            None, "--as-of", help="Judge every program by its periods in effect on this date (YYYY-MM-DD); default: each program's latest period."
        ),
        area: list[str] = typer.Option(
            [], "--area", help="Beats of a local area in these stores' city: NAME=BEAT,BEAT,... or NAME=citywide (repeat)."
        ),
        out: Optional[Path] = typer.Option(None, "--out", help="Write compare.html, compare.json and CSVs here."),
        as_json: bool = typer.Option(False, "--json", help="Print the compare document as one JSON document on stdout."),
        con=None,
    ) -> None:
        """Every program on every store, one table: calls, eligible calls and share per response,
        by category and hour of week, answerable within each program's hours, with caveats and
        the programs' published figures beside ours."""
        from ..compare import compare, write_compare

        areas = _areas(area)
        with err_console.status(f"classifying {len(store)} store(s) under {len(program)} program(s)…"):
            doc = compare(store, program, as_of=as_of_date(as_of), areas=areas, con=con)
        _print_table(doc)
        if out is not None:
            written = write_compare(doc, out)
            err_console.print(f"compare: wrote {written['html']}, {written['json']} and {len(written['csv'])} CSVs", highlight=False)
        if as_json:
            print_json(doc)


def _print_table(doc: dict) -> None:
    from rich.table import Table

    stores = [s["store"] for s in doc["stores"]]
    table = Table("program", "response", *stores, title="eligible share · share of those within the program's hours")
    by_key = {(r["program_id"], r["response"], r["store"]): r for r in doc["rows"]}
    for p in doc["programs"]:
        for rid in dict.fromkeys(r["response"] for r in doc["rows"] if r["program_id"] == p["id"]):
            cells = []
            for s in stores:
                r = by_key.get((p["id"], rid, s))
                if r is None:
                    cells.append("")
                    continue
                hours = "n/a" if r["answerable_share"] is None else f"{r['answerable_share']:.0%}"
                cells.append(f"{r['eligible_share']:.1%} · {hours}")
            table.add_row(p["id"], rid + (" *" if rid == p["planned_response"] else ""), *cells)
    err_console.print(table)
    for s in doc["stores"]:
        for c in s["caveats"]:
            err_console.print(f"  {s['store']} ({c['code']}): {c['text']}", highlight=False, soft_wrap=True)
    for f in doc["published"]:
        if f["theirs_share"] is not None and f["ours_share"] is not None:
            err_console.print(
                f"  published {f['program_id']}: theirs {f['theirs_share']:.1%} · ours on {f['store_source']} {f['ours_share']:.1%}",
                highlight=False,
            )
