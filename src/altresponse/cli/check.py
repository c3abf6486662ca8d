"""CLI command for checking config files (registered on the shared app).

``altresponse check``  validate a program, adapter, type map or taxonomy file
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ._common import err_console, handle_errors, print_json
from ._engine import engine_options


def register(app) -> None:
    """Add this module's commands to app."""

    @app.command("check")
    @handle_errors
    @engine_options
    def check_cmd(
        file: Path = typer.Argument(..., help="A program, adapter, type-map or taxonomy YAML file."),
        kind: Optional[str] = typer.Option(
            None, "--kind", help="program, adapter, typemap or taxonomy; default: told by the file's keys."
        ),
        beats: Optional[Path] = typer.Option(
            None, "--beats", help="Beats GeoJSON: a program's service-area beats must be in it."
        ),
        store: Optional[Path] = typer.Option(
            None, "--store", help="Store directory: check service-area beats against its beats (its ingest's GeoJSON, else its calls)."
        ),
        adapter: Optional[str] = typer.Option(
            None, "--adapter", help="Adapter (name or YAML) whose geo.beat_property names the beat in --beats."
        ),
        strict: bool = typer.Option(False, "--strict", help="Exit 1 when there are warnings."),
        as_json: bool = typer.Option(False, "--json", help="Print one JSON document on stdout."),
        con=None,
    ) -> None:
        """Validate a config file; every problem is printed as FILE line N, key: message."""
        from ..check import check_file, geojson_beats, store_beats

        known = seen = where = None
        if beats is not None:
            known, where = geojson_beats(beats, adapter=adapter), str(beats)
        elif store is not None:
            known, seen, where = store_beats(store, con=con)
            where = where or f"store {store}"
        doc = check_file(file, kind=kind, known_beats=known, seen_beats=seen, beats_from=where)
        if as_json:
            print_json(doc)
        else:
            for line in doc["warnings"]:
                err_console.print(line, highlight=False, soft_wrap=True, markup=False)
            what = {"program": f" {doc.get('id')} {doc.get('version')}", "adapter": f" {doc.get('name')}",
                    "typemap": f" {doc.get('source')}", "taxonomy": f" ({doc.get('types')} types)", "offense_lists": f" ({', '.join(doc.get('lists', []))})"}[doc["kind"]]
            err_console.print(f"{file}: valid {doc['kind']}{what}", highlight=False, markup=False, soft_wrap=True)
        if strict and doc["warnings"]:
            raise typer.Exit(1)
