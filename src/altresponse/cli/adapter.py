"""CLI commands for adapters (registered on the shared app).

``altresponse adapter draft FILE [--out adapter.yaml]`` reads a sample of an unknown export and
writes a first adapter, each decision explained in a YAML comment.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ._common import err_console, handle_errors, print_json


def register(app) -> None:
    """Add the ``adapter`` command group to ``app``."""
    group = typer.Typer(help="Adapters: draft one for a new export.", no_args_is_help=True)
    app.add_typer(group, name="adapter")

    @group.command("draft")
    @handle_errors
    def draft_cmd(
        file: Path = typer.Argument(..., help="The export (CSV or CSV.gz) to read a sample of."),
        out: Optional[Path] = typer.Option(None, "--out", help="Write the draft here (default: print it on stdout)."),
        name: Optional[str] = typer.Option(None, "--name", help="Source name (lower case, e.g. springfield); default from the file name."),
        time_zone: Optional[str] = typer.Option(
            None, "--time-zone", help="IANA zone of the local times, when the file does not say (no UTC offsets, no coordinates)."
        ),
        bbox: Optional[str] = typer.Option(
            None, "--bbox", help="The city's box MIN_LON,MIN_LAT,MAX_LON,MAX_LAT: bounds the points and picks the State Plane zone of x/y."
        ),
        agency: Optional[str] = typer.Option(None, "--agency", help="Agency of every call (POLICE, EMS, FIRE) when the file has no agency column."),
        rows: int = typer.Option(50_000, "--rows", min=100, help="Rows to read for the sample."),
        as_json: bool = typer.Option(False, "--json", help="Print the draft, its reasons and warnings as one JSON document on stdout."),
    ) -> None:
        """Draft an adapter for an unknown export: columns, formats, coordinates, zone, with reasons as comments."""
        from ..adapter_draft import draft_adapter
        from ..errors import UsageError

        box = _bbox(bbox)
        if name is not None and not name.replace("_", "a").isalnum():
            raise UsageError(f"--name {name!r}: use lower-case letters, digits and _ (e.g. springfield)")
        draft = draft_adapter(file, name=name and name.lower(), time_zone=_zone(time_zone), bbox=box, agency=agency, rows=rows)
        text = draft.to_yaml()
        if out is not None:
            out.write_text(text, encoding="utf-8")
        for w in draft.warnings:
            err_console.print(f"[bold yellow]warning:[/] {w}", highlight=False)
        if as_json:
            print_json({"adapter": draft.data, "reasons": draft.reasons, "warnings": draft.warnings,
                        "left_out": draft.unused, "not_recognised": draft.other_columns, "out": str(out) if out else None})
        elif out is None:
            typer.echo(text, nl=False)
        else:
            err_console.print(f"drafted {out} from {draft.sample}; review its comments, then `altresponse check {out}`", highlight=False)


def _bbox(text: str | None):
    if text is None:
        return None
    from ..errors import UsageError

    try:
        box = tuple(float(v) for v in text.split(","))
    except ValueError:
        box = ()
    if len(box) != 4 or not (box[0] < box[2] and box[1] < box[3]):
        raise UsageError(f"--bbox {text!r}: give MIN_LON,MIN_LAT,MAX_LON,MAX_LAT, e.g. -79.2,35.8,-78.6,36.3")
    return box


def _zone(text: str | None):
    if text is None:
        return None
    import zoneinfo

    from ..errors import UsageError

    try:
        zoneinfo.ZoneInfo(text)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise UsageError(f"--time-zone {text!r} is not an IANA time zone (e.g. America/New_York)") from None
    return text
