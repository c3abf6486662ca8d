"""CLI command for the plan verb (registered on the shared app)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ._common import TYPEMAP_HELP, as_of_date, classified_for, err_console, handle_errors, print_json, program_and_date
from ._engine import engine_options


def _base(text: Optional[str]):
    from ..errors import UsageError

    if text is None:
        return None
    try:
        lat, lon = (float(v) for v in text.split(","))
    except ValueError:
        msg = f"--base {text!r} is not LAT,LON (e.g. 35.99,-78.90)"
        raise UsageError(msg) from None
    return lat, lon


WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def register(app) -> None:
    """Add the plan command to app."""

    @app.command("plan")
    @handle_errors
    @engine_options
    def plan_command(
        store: Path = typer.Option(..., "--store", help="Store directory (with classified/)."),
        program: Path = typer.Option(..., "--program", help="Program YAML; its planned_response is planned."),
        team_hours_per_week: float = typer.Option(..., "--team-hours-per-week", help="Budget: teams x hours/day x days."),
        out: Path = typer.Option(..., "--out", help="Write the chosen plan as a program YAML here."),
        teams: Optional[int] = typer.Option(None, "--teams", help="Teams per shift (default: the program's)."),
        contiguous: bool = typer.Option(False, "--contiguous", help="Chosen beats must touch (needs --beats)."),
        beats: Optional[Path] = typer.Option(None, "--beats", help="Beat polygons GeoJSON (adjacency, centroids)."),
        max_distance_km: Optional[float] = typer.Option(None, "--max-distance-km", help="Only beats within D km of --base."),
        base: Optional[str] = typer.Option(None, "--base", help="Team base LAT,LON (default: centre of the current area)."),
        calls_per_team_hour: Optional[float] = typer.Option(None, "--calls-per-team-hour", help="Team capacity (default from the data)."),
        as_of: Optional[str] = typer.Option(None, "--as-of", help="Program period (teams, current area) in effect on this date, YYYY-MM-DD (default today)."),
        typemap: Optional[str] = typer.Option(None, "--typemap", help=TYPEMAP_HELP),
        as_json: bool = typer.Option(False, "--json", help="Print the plan as JSON on stdout."),
        con=None,
    ) -> None:
        """Choose service beats and daily hours that reach the most eligible calls within a budget."""
        from ..plan import plan, write_plan


        prog, when = program_and_date(program, as_of)
        with err_console.status("searching the best plan for each budget…"):
            result = plan(
                classified_for(store, prog, as_of=as_of_date(as_of), typemap=typemap, con=con),  # this command's own connection (--engine)
                prog,
                team_hours_per_week=team_hours_per_week,
                teams=teams,
                contiguous=contiguous,
                beats_geojson=beats,
                max_distance_km=max_distance_km,
                base=_base(base),
                calls_per_team_hour=calls_per_team_hour,
                as_of=when,
            )
        write_plan(result, prog, out)
        doc = result.to_dict()
        doc["out"] = str(out)
        err_console.print(f"program {result.settings['program_period']}", highlight=False)  # always, --json too (stderr)
        if as_json:
            print_json(doc)
            return
        err_console.print(
            f"plan for {result.response_id}: {result.teams} team(s), beats {', '.join(result.beats) or '-'}; "
            f"covers {result.covered_calls:.0f} of {result.eligible_calls} eligible calls ({result.covered_share:.1%})"
        )
        for d, ws in sorted(result.hours.items()):
            err_console.print(f"  {WEEKDAYS[int(d)]}: " + (", ".join(f"{_hhmm(s)}-{_hhmm(e)}" for s, e in ws) or "closed"))
        err_console.print("team-hours/week -> covered share")
        for row in result.pareto:
            err_console.print(f"  {row['team_hours_per_week']:>8.0f}  {row['covered_share']:.1%}")
        err_console.print(f"wrote {out}")


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"
