"""The ``report`` command: the analyst's HTML + JSON + CSV report (registered on the shared app)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ._common import TYPEMAP_HELP, as_of_date, err_console, handle_errors, print_json
from ._engine import engine_options


def register(app) -> None:
    """Add this module's commands to ``app``."""

    @app.command()
    @handle_errors
    @engine_options
    def report(
        store: Path = typer.Option(..., "--store", help="Store directory (from `altresponse ingest` and `classify`)."),
        program: Path = typer.Option(..., "--program", help="Program YAML whose classification the report reads."),
        out: Path = typer.Option(..., "--out", help="Output directory for report.html, report.json and the CSVs."),
        beats: Optional[Path] = typer.Option(
            None, "--beats", help="Beats GeoJSON for the map (default: the one the ingest recorded, if any)."
        ),
        as_of: Optional[str] = typer.Option(
            None, "--as-of", help="Program period the planning section plans from, and the one used if the report must classify (YYYY-MM-DD); default today / each call's date."
        ),
        typemap: Optional[str] = typer.Option(None, "--typemap", help=TYPEMAP_HELP),
        as_json: bool = typer.Option(False, "--json", help="Print report.json to stdout as well."),
        evaluation: Optional[Path] = typer.Option(None, "--evaluation", help="evaluation.json from `altresponse evaluate --out` to add as the evaluation section."),
        con=None,
    ) -> None:
        """Write the CONFIDENTIAL analyst report: volume, frequency, location, risk, response time,
        workload, use of force and coverage (plus planning when available).

        Sections the data cannot support say so and why (e.g. no dispatch times → no response time).
        """
        import datetime as dt
        import json

        from .. import report as report_mod
        from ..errors import InputError

        if not store.is_dir():
            msg = f"{store}: store directory not found"
            raise InputError(msg)
        when = as_of_date(as_of)
        notes: list[str] = []
        classified, force, prog = report_mod.load_inputs(store, program, as_of=when, typemap=typemap, notes=notes, con=con)
        for note in notes:
            err_console.print(f"[bold yellow]note:[/] {note}", highlight=False)
        from ..inputs import period_label
        from ..report.planning import planning as planning_section

        plan_date = when or dt.date.today()  # the library takes the date explicitly; only the CLI defaults it
        period = f"Program period: {period_label(prog, prog.planned_response, plan_date)}"
        err_console.print(f"report: {period}", highlight=False)
        beats_path = beats if beats is not None else report_mod.default_beats(store)
        err_console.print(f"report: analysing {store} with program {prog.id} {prog.version}", highlight=False)
        with err_console.status("computing the sections…"):
            from ..report.evaluation import read_evaluation

            doc = read_evaluation(evaluation) if evaluation is not None else None
            sections = report_mod.build_sections(
                classified, force=force, program=prog, as_of=when,
                planning=planning_section(classified, prog, as_of=plan_date), evaluation=doc,
            )
        meta = [
            report_mod.data_summary(classified),
            f"Program: {prog.name or prog.id} (id {prog.id}, version {prog.version})",
            period,
            f"Store: {store.resolve()}",
            *notes,
            f"Generated: {dt.datetime.now().astimezone().isoformat(timespec='seconds')}",
        ]
        title = f"{prog.name or prog.id}: call analysis for planning"
        written = report_mod.write_report(sections, out, title=title, meta=meta, beats=beats_path, program=prog)
        for key, ok in written["sections"].items():
            line = sections[key].get("headline") if ok else "not available: " + sections[key].get("why", "")
            for lead in sections[key].get("lead", []) if ok else []:  # e.g. risk rules that cannot fire, before the share
                err_console.print(f"  {key:<14} {lead}", highlight=False, soft_wrap=True)
            err_console.print(f"  {key:<14} {line}", highlight=False, soft_wrap=True)
        err_console.print(f"report: wrote {written['html']}, {written['json']} and {len(written['csv'])} CSVs", highlight=False)
        if as_json:
            print_json(json.loads(Path(written["json"]).read_text()))
