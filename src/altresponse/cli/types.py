"""CLI commands for the canonical call types (registered on the shared app).

``altresponse types --store DIR --source NAME`` maps a store's calls through the source's
type map and lists what stays unmapped, largest first, with the share of calls mapped.
``--suggest`` proposes a canonical type for each unmapped type (``typemap_suggest.py``) and
``--out FILE`` writes them as a type map to edit.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ._common import err_console, handle_errors, print_json
from ._engine import engine_options


def register(app) -> None:
    """Add this module's commands to ``app``."""

    @app.command("types")
    @handle_errors
    @engine_options
    def types_cmd(
        store: Path = typer.Option(..., "--store", help="Store directory (from `altresponse ingest`)."),
        source: Optional[str] = typer.Option(
            None, "--source", help="Source to check (the calls' `source` value, e.g. durham); optional if the store holds one source."
        ),
        typemap: Optional[str] = typer.Option(
            None, "--typemap", help="Type map name or YAML path; default the one the source's adapter names."
        ),
        top: int = typer.Option(20, "--top", min=0, help="Unmapped types to show in the table (JSON lists all)."),
        min_share: Optional[float] = typer.Option(
            None, "--min-share", min=0.0, max=1.0, help="Exit 1 if the mapped share is below this (e.g. 0.98)."
        ),
        suggest: bool = typer.Option(
            False, "--suggest", help="Propose a canonical type for each unmapped type (fuzzy match of its description), with a score."
        ),
        out: Optional[Path] = typer.Option(None, "--out", help="With --suggest: write the suggestions as a ready-to-edit type-map YAML here."),
        min_score: float = typer.Option(
            80.0, "--min-score", min=0.0, max=100.0, help="With --suggest: suggestions scoring under this are written commented out."
        ),
        leave_out: Optional[str] = typer.Option(
            None, "--leave-out", help="With --suggest: match without this shipped type map (what a city with no map gets; the benchmark does this)."
        ),
        as_json: bool = typer.Option(False, "--json", help="Print one JSON document on stdout."),
        con=None,
    ) -> None:
        """Unmapped call types of a source (by call volume) and the share of calls its type map covers."""
        from ..errors import InputError, UsageError
        from ..store import calls as store_calls
        from ..typemap import type_coverage, typemap_for_source

        if not store.is_dir():
            raise InputError(f"{store}: no such store directory")
        table = store_calls(store, con=con)
        sources = sorted(s for s in table.select("source").distinct().execute()["source"].tolist() if s is not None)
        if source is None:
            if len(sources) != 1:
                raise UsageError(f"--source is needed: the store holds {', '.join(sources) or 'no'} sources")
            source = sources[0]
        elif source not in sources:
            raise UsageError(f"source {source!r} is not in {store}; it holds: {', '.join(sources) or 'nothing'}")
        tm = _typemap(typemap or typemap_for_source(source), source, allow_none=suggest)
        doc = {"source": source, **type_coverage(table.filter(table.source == source), tm)}
        if suggest:
            _suggest(doc, tm, source, out, min_score, leave_out)
        elif out is not None:
            raise UsageError("--out writes suggestions: add --suggest")
        if as_json:
            print_json(doc)
        else:
            _print_table(doc, top)
        if min_share is not None and (doc["mapped_share"] is None or doc["mapped_share"] < min_share):
            raise typer.Exit(1)


def _typemap(name: str, source: str, *, allow_none: bool):
    """The type map to check against; with --suggest a source with none starts from an empty map."""
    from ..taxonomy import load_taxonomy
    from ..typemap import TypeMap, available_typemaps, load_typemap

    if allow_none and name not in available_typemaps() and not name.endswith((".yaml", ".yml")):
        return TypeMap(source, "no type map yet", {}, [], load_taxonomy())
    return load_typemap(name)


def _suggest(doc: dict, tm, source: str, out: Optional[Path], min_score: float, leave_out: Optional[str]) -> None:
    from ..errors import UsageError
    from ..typemap import available_typemaps
    from ..typemap_suggest import suggest, to_yaml

    if leave_out is not None and leave_out not in available_typemaps():
        raise UsageError(f"--leave-out {leave_out!r}: not a shipped type map ({', '.join(available_typemaps())})")
    with err_console.status(f"suggesting types for {doc['unmapped_types']} unmapped types…"):
        found = suggest(doc["unmapped"], hide=leave_out)
    doc["suggestions"] = [s.__dict__ for s in found]
    live = [s for s in found if s.score >= min_score]
    doc["suggested_calls"] = sum(s.calls for s in live)
    if out is not None:
        keep = tm if tm.exact or tm.patterns else None
        out.write_text(to_yaml(found, source=source, min_score=min_score, typemap=keep), encoding="utf-8")
        doc["out"] = str(out)
    err_console.print(
        f"suggested {len(live)} of {len(found)} unmapped types (score >= {min_score:g}), covering {doc['suggested_calls']:,} calls"
        + (f" → {out}" if out else "; add --out FILE to write them as a type map"),
        highlight=False,
    )


def _print_table(doc: dict, top: int) -> None:
    from rich.table import Table

    share = doc["mapped_share"]
    shown = "n/a" if share is None else f"{share:.2%}"
    err_console.print(
        f"[bold]{doc['source']}[/] (type map {doc['typemap']}): {doc['calls']:,} calls, "
        f"{doc['mapped_calls']:,} mapped = [bold]{shown}[/]; {doc['unmapped_types']} unmapped types",
        highlight=False,
    )
    if not doc["unmapped"] or top == 0:
        return
    table = Table(title=f"Unmapped types (largest {min(top, len(doc['unmapped']))})", title_justify="left")
    table.add_column("type_code")
    table.add_column("type_desc")
    table.add_column("calls", justify="right")
    table.add_column("share", justify="right")
    suggestions = doc.get("suggestions")
    if suggestions:
        table.add_column("suggested")
        table.add_column("score", justify="right")
    for i, row in enumerate(doc["unmapped"][:top]):
        cells = [row["type_code"] or "", row["type_desc"] or "", f"{row['calls']:,}", f"{row['calls'] / doc['calls']:.2%}"]
        if suggestions:
            cells += [suggestions[i]["canonical_type"], f"{suggestions[i]['score']:g}"]
        table.add_row(*cells)
    err_console.print(table)
