"""CLI commands for the plan and simulate verbs (registered on the shared app)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ._common import as_of_date as _as_of
from ._common import err_console, handle_errors, print_json


def _classified(store: Path, program):
    from ..errors import InputError
    from ..store import parts, read_table

    found = parts(store, "classified")
    wanted = [p for p in found if p.stem == getattr(program, "id", None)]
    if wanted:
        from ..engine import read_parquet

        return read_parquet(wanted)
    if len(found) == 1:
        return read_table(store, "classified")
    msg = f"{store}: no classified/{getattr(program, 'id', '?')}.parquet (run `altresponse classify` with this program first)"
    raise InputError(msg)


def _load(program_file: Path):
    from ..program import load_program

    return load_program(program_file)


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
    """Add this module's commands to app."""

    @app.command("plan")
    @handle_errors
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
        as_json: bool = typer.Option(False, "--json", help="Print the plan as JSON on stdout."),
    ) -> None:
        """Choose service beats and daily hours that reach the most eligible calls within a budget."""
        from ..plan import plan, write_plan

        prog = _load(program)
        with err_console.status("solving the coverage MIP for each budget…"):
            result = plan(
                _classified(store, prog),
                prog,
                team_hours_per_week=team_hours_per_week,
                teams=teams,
                contiguous=contiguous,
                beats_geojson=beats,
                max_distance_km=max_distance_km,
                base=_base(base),
                calls_per_team_hour=calls_per_team_hour,
                as_of=_as_of(as_of),
            )
        write_plan(result, prog, out)
        doc = result.to_dict()
        doc["out"] = str(out)
        if as_json:
            print_json(doc)
            return
        err_console.print(
            f"plan for {result.response_id}: {result.teams} team(s), beats {', '.join(result.beats) or '-'}; "
            f"covers {result.covered_calls:.0f} of {result.eligible_calls} eligible calls ({result.covered_share:.1%})"
        )
        for d, ws in sorted(result.hours.items()):
            err_console.print(f"  {WEEKDAYS[int(d)]}: " + (", ".join(f"{s // 60:02d}:{s % 60:02d}-{e // 60:02d}:{e % 60:02d}" for s, e in ws) or "closed"))
        err_console.print("team-hours/week -> covered share")
        for row in result.pareto:
            err_console.print(f"  {row['team_hours_per_week']:>8.0f}  {row['covered_share']:.1%}")
        err_console.print(f"wrote {out}")

    @app.command("simulate")
    @handle_errors
    def simulate_command(
        store: Path = typer.Option(..., "--store", help="Store directory (with classified/)."),
        program: Path = typer.Option(..., "--program", help="Program YAML; its planned_response is simulated."),
        replications: int = typer.Option(20, "--replications", help="Independent replications (>= 1)."),
        seed: int = typer.Option(0, "--seed", help="Random seed."),
        mode: str = typer.Option("resample", "--mode", help="resample or replay."),
        max_wait_minutes: float = typer.Option(30.0, "--max-wait-minutes", help="Longer waits fall back to police."),
        speed_kmh: float = typer.Option(30.0, "--speed-kmh", help="Travel speed for distance-based travel."),
        onscene_minutes: float = typer.Option(45.0, "--onscene-minutes", help="Mean time on scene where the data has none."),
        extra_teams: int = typer.Option(1, "--extra-teams", help="N of the '+N teams' what-if."),
        as_of: Optional[str] = typer.Option(None, "--as-of", help="Program period (teams, area, hours) in effect on this date, YYYY-MM-DD (default today)."),
        as_json: bool = typer.Option(False, "--json", help="Print results as JSON on stdout."),
    ) -> None:
        """Simulate the program's teams working eligible calls, with what-ifs and a staffing curve."""
        from ..errors import UsageError
        from ..simulate import simulate

        if replications < 1:
            msg = f"--replications must be at least 1, got {replications}"
            raise UsageError(msg)
        prog = _load(program)
        with err_console.status(f"simulating {replications} replication(s) and the what-ifs…"):
            result = simulate(
                _classified(store, prog),
                prog,
                replications=replications,
                seed=seed,
                mode=mode,
                max_wait_minutes=max_wait_minutes,
                speed_kmh=speed_kmh,
                default_onscene_minutes=onscene_minutes,
                extra_teams=extra_teams,
                as_of=_as_of(as_of),
            )
        if as_json:
            print_json(result)
            return
        from .. import fmt

        err_console.print(f"simulated {replications} run(s), seed {seed} (the report's planning section uses seed 0)")
        for name in ("answered_share", "wait_minutes_p50", "wait_minutes_p90", "utilization", "fallback_to_police", "police_unit_hours_freed_per_year"):
            s, kind = result[name], fmt.kind_of(name)
            ci = "" if s["ci_low"] is None else f"  (95% CI {fmt.interval(s['ci_low'], s['ci_high'], kind=kind)})"
            err_console.print(f"{name:>34}: {fmt.value(s['mean'], kind=kind)}{ci}")
        for row in result["what_ifs"]:
            err_console.print(f"  what-if {row['scenario']:>14}: answered {fmt.share(row['answered_share'])}, utilization {fmt.share(row['utilization'])}")
        err_console.print(f"teams for {result.get('staffing_target', 0.9):.0%} (24/7 citywide): {result['teams_for_target']}")
