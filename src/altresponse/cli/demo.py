"""The ``demo`` command (the main job on the bundled real sample) and ``version``.

The demo is a script of ordinary altresponse commands: it prints each one before running
it, so a new user sees exactly what to type for their own city's data.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import typer

from .. import __version__
from ..errors import InputError
from ._common import err_console, handle_errors

# A source checkout: src/altresponse/cli/demo.py -> repo root.
REPO = Path(__file__).resolve().parents[3]
SAMPLE = REPO / "data" / "samples" / "durham"
CALLS = SAMPLE / "durham_dpd_cfs_2021_heart_beats_community_safety_types.csv"
BEATS = SAMPLE / "durham_police_beats_dissolved.geojson"
PROGRAM = REPO / "programs" / "durham-heart.yaml"
# The sample is 2021, before HEART began; judge it by the pilot's first period (a what-if).
PILOT_START = "2022-06-01"
# The pilot's own budget as the program file states it: 2 teams x 8 h x 5 weekdays.
PILOT_TEAM_HOURS = "80"


def demo_steps(out: Path) -> list[list[str]]:
    """The commands the demo runs, in order, as argument lists."""
    store = out / "store"
    program = _rel(PROGRAM)
    return [
        ["ingest", _rel(CALLS), "--adapter", "durham", "--store", str(store), "--beats", _rel(BEATS)],
        ["quality", "--store", str(store)],
        ["classify", "--store", str(store), "--program", program, "--as-of", PILOT_START],
        ["report", "--store", str(store), "--program", program, "--out", str(out / "report"), "--as-of", PILOT_START],
        ["publish", "--store", str(store), "--program", program, "--out", str(out / "site")],
        ["plan", "--store", str(store), "--program", program, "--team-hours-per-week", PILOT_TEAM_HOURS,
         "--out", str(out / "plan.yaml"), "--as-of", PILOT_START],
        # seed 0: the report's planning section simulates with seed 0 too, so the figures agree
        ["simulate", "--store", str(store), "--program", program, "--replications", "5", "--seed", "0",
         "--as-of", PILOT_START],
    ]


def _rel(path: Path) -> str:
    # Show paths the way a user would type them from the checkout.
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def register(app) -> None:
    """Add this module's commands to ``app``."""

    @app.command()
    def version() -> None:
        """Print the altresponse version."""
        typer.echo(__version__)

    @app.command()
    @handle_errors
    def demo(
        out: Path = typer.Option(Path("out/demo"), "--out", help="Directory for the store, report and plan."),
    ) -> None:
        """Run the main job on the bundled real Durham sample: ingest, quality, classify, report, publish, plan, simulate."""
        for needed in (CALLS, BEATS, PROGRAM):
            if not needed.is_file():
                msg = f"{needed}: not found; the demo runs from a source checkout of altresponse"
                raise InputError(msg)
        command = typer.main.get_command(app)
        for step in demo_steps(out):
            err_console.print(f"\n[bold]$ altresponse {shlex.join(step)}[/]", highlight=False, soft_wrap=True)
            try:
                code = command.main(step, prog_name="altresponse", standalone_mode=False)
            except typer.Exit as exc:  # a command's own exit code
                code = exc.exit_code
            if code not in (None, 0):
                err_console.print(f"demo: step `{step[0]}` failed (exit {code})", highlight=False)
                raise typer.Exit(code)
        err_console.print(
            f"\n[bold green]demo done.[/] Open {out / 'report' / 'report.html'} (the analyst report, "
            f"CONFIDENTIAL) and {out / 'site' / 'index.html'} (the public progress page); the store is "
            f"{out / 'store'}, the chosen plan {out / 'plan.yaml'}.",
            highlight=False,
            soft_wrap=True,
        )
