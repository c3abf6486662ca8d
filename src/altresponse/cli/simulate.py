"""CLI command for the simulate verb (registered on the shared app)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ._common import TYPEMAP_HELP, as_of_date, classified_for, err_console, handle_errors, print_json, program_and_date
from ._engine import engine_options


def register(app) -> None:
    """Add the simulate command to app."""

    @app.command("simulate")
    @handle_errors
    @engine_options
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
        typemap: Optional[str] = typer.Option(None, "--typemap", help=TYPEMAP_HELP),
        as_json: bool = typer.Option(False, "--json", help="Print results as JSON on stdout."),
        con=None,
    ) -> None:
        """Simulate the program's teams working eligible calls, with what-ifs and a staffing curve."""
        from ..errors import UsageError
        from ..simulate import simulate

        if replications < 1:
            msg = f"--replications must be at least 1, got {replications}"
            raise UsageError(msg)

        prog, when = program_and_date(program, as_of)
        with err_console.status(f"simulating {replications} replication(s) and the what-ifs…"):
            result = simulate(
                classified_for(store, prog, as_of=as_of_date(as_of), typemap=typemap, con=con),  # this command's own connection (--engine)
                prog,
                replications=replications,
                seed=seed,
                mode=mode,
                max_wait_minutes=max_wait_minutes,
                speed_kmh=speed_kmh,
                default_onscene_minutes=onscene_minutes,
                extra_teams=extra_teams,
                as_of=when,
            )
        err_console.print(f"program {result['program_period']}", highlight=False)  # always, --json too (stderr)
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
