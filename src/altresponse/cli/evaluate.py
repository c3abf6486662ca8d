"""The ``evaluate`` command: did the program change police calls (or crime reports)? And, before launch, could it show it?"""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from ._common import err_console, handle_errors, option_date, print_json
from ._engine import engine_options


def _csv(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def register(app) -> None:
    """Add this module's commands to ``app``."""

    @app.command()
    @handle_errors
    @engine_options
    def evaluate(
        store: Path = typer.Option(..., "--store", help="Store directory (calls, or crime reports)."),
        program: Path = typer.Option(..., "--program", help="Program YAML: which units are served from which date."),
        unit: str = typer.Option("beat", "--unit", help="Unit of the panel: beat or district (precincts are beats)."),
        period: str = typer.Option("week", "--period", help="Period of the panel: week, day or month."),
        outcome: Optional[List[str]] = typer.Option(None, "--outcome", help="Outcome(s) to evaluate (repeatable); default all the store supports."),
        start: Optional[str] = typer.Option(None, "--start", help="First day of the panel (YYYY-MM-DD); default the data's first."),
        end: Optional[str] = typer.Option(None, "--end", help="Last day of the panel (YYYY-MM-DD); default the data's last."),
        out: Optional[Path] = typer.Option(None, "--out", help="Directory for evaluation.json (read by report --evaluation and publish --evaluation) and evaluation.html."),
        as_json: bool = typer.Option(False, "--json", help="Print the evaluation document to stdout."),
        response: Optional[str] = typer.Option(None, "--response", help="Response to evaluate (default the program's planned_response)."),
        source: str = typer.Option("auto", "--source", help="calls, reports, or auto (reports when the store has no calls)."),
        offenses: Optional[Path] = typer.Option(None, "--offenses", help="Offense-list YAML for reports (default <program>-targeted-offenses.yaml beside the program)."),
        pilot_area: Optional[str] = typer.Option(None, "--pilot-area", help="Comma-separated units replacing the first period's area (sensitivity checks)."),
        exclude_units: Optional[str] = typer.Option(None, "--exclude-units", help="Comma-separated unit codes that are not places (e.g. 999)."),
        team_calls: Optional[int] = typer.Option(None, "--team-calls", help="Calls the teams took (from outside records) for the dose check."),
        team_window: Optional[str] = typer.Option(None, "--team-window", help="START:END dates the --team-calls count covers (default: the whole post-launch panel)."),
        skip: Optional[str] = typer.Option(None, "--skip", help="START:END dates whose periods are left out (e.g. protest weeks around a launch)."),
        unit_name: Optional[str] = typer.Option(None, "--unit-name", help="What a unit is called in sentences (e.g. precinct); default --unit."),
        no_checks: bool = typer.Option(False, "--no-checks", help="Skip placebo, permutation and dose checks (quick sensitivity runs)."),
        placebo_draws: int = typer.Option(20, "--placebo-draws", help="Placebo groups of comparison units."),
        seed: int = typer.Option(0, "--seed", help="Seed for placebo draws, bootstrap and power simulations."),
        design_only: bool = typer.Option(False, "--design-only", help="Before launch: minimum detectable effect per outcome by simulation on the data."),
        weeks_after: int = typer.Option(26, "--weeks-after", help="With --design-only: weeks the pilot would run."),
        con=None,
    ) -> None:
        """Evaluate a program with difference-in-differences from its own program file (see docs/evaluation.md).

        Served units against the rest, before against after: Poisson and OLS two-way fixed effects,
        did2s for staggered roll-outs, an event study with a pre-trend test, placebo dates and units,
        and a dose check. ``--design-only`` gives the minimum detectable effect instead.
        """
        from ..evaluate import sources
        from ..evaluate.treatment import design, response_for
        from ..program import load_program

        _check_store_and_period(store, period)
        prog = load_program(program)
        rid = response_for(prog, response)
        area = _csv(pilot_area) or None
        kind, raw, outs, left_out = _panel(
            store, program, prog, rid, source=source, offenses=offenses, area=area, skip=skip,
            unit=unit, period=period, outcomes=outcome, first=option_date(start, "--start"), last=option_date(end, "--end"),
            exclude_units=_csv(exclude_units), con=con,
        )
        to_unit = sources.beat_units(store, kind, con=con) if unit == "district" else None
        d = design(prog, sorted(raw["unit"].unique()), response_id=rid, service_area=area, beat_to_unit=to_unit)
        if design_only:
            doc = _design_only(raw, outs, d, period, weeks_after, seed)
        else:
            window = tuple(option_date(x, "--team-window") for x in team_window.split(":")) if team_window else None
            doc = _estimate(raw, outs, d, period=period, team_calls=team_calls, team_window=window,
                            placebo_draws=placebo_draws, seed=seed, run_checks=not no_checks, unit_name=unit_name or unit)
        doc.update(program={"id": prog.id, "version": prog.version, "path": str(program)}, source=kind, skipped=skip,
                   unit=unit, left_out=left_out, assumptions=list(prog.assumptions))
        if out is not None:
            _write(doc, out, title=f"{prog.name or prog.id}: evaluation")
        _print_summary(doc, design_only)
        if as_json:
            print_json(doc)


def _check_store_and_period(store: Path, period: str) -> None:
    from ..errors import InputError, UsageError

    if period not in ("week", "day", "month"):
        raise UsageError(f"--period {period!r} is not one of week, day, month")
    if not store.is_dir():
        raise InputError(f"{store}: store directory not found")


def _panel(store, program: Path, prog, rid: str, *, source: str, offenses, area, skip, unit: str, period: str,
           outcomes, first, last, exclude_units, con=None) -> tuple:
    """``(kind, panel, outcomes, left_out)``: the unit x period panel of calls or crime reports, on the engine."""
    from .. import store as store_mod
    from ..errors import UsageError
    from ..evaluate import sources

    kind = source if source != "auto" else ("calls" if store_mod.parts(store, "calls") else "reports")
    served = sorted({b for p in prog.response(rid).periods for b in (p.service_area or [])} | set(area or []))
    common = dict(unit=unit, period=period, outcomes=outcomes, first=first, last=last,
                  extra_units=served if unit == "beat" else [], exclude_units=exclude_units)
    with err_console.status("building the panel on the engine…"):
        if kind == "calls":
            raw, outs, left_out = sources.calls_panel(store, prog, rid, con=con, **common)
        elif kind == "reports":
            lists = offenses or program.with_name(f"{program.stem}-targeted-offenses.yaml")
            raw, outs, left_out = sources.reports_panel(store, lists, con=con, **common)
        else:
            raise UsageError(f"--source {source!r} is not one of calls, reports, auto")
    if skip:
        from ..evaluate.panel import drop_window

        raw = drop_window(raw, *(option_date(x, "--skip") for x in skip.split(":")), period=period)
    return kind, raw, outs, left_out


def _estimate(raw, outs, d, *, period: str, team_calls, team_window, placebo_draws: int, seed: int,
              run_checks: bool, unit_name: str) -> dict:
    from ..evaluate.run import evaluate_panel

    with err_console.status("estimating…"):
        return evaluate_panel(raw, outs, d, period=period, team_calls=team_calls,
                              team_source="outside records, --team-calls" if team_calls is not None else "",
                              team_window=team_window, placebo_draws=placebo_draws, seed=seed, run_checks=run_checks,
                              label=f"served {unit_name}s", comparison_label=f"other {unit_name}s")


def _write(doc: dict, out: Path, *, title: str) -> None:
    """evaluation.json (finite numbers only) and the evaluation page drawn from what was written."""
    import json

    from ..report import write_evaluation_page
    from ._common import _finite, _json_default

    out.mkdir(parents=True, exist_ok=True)
    (out / "evaluation.json").write_text(json.dumps(_finite(doc), indent=2, default=_json_default, allow_nan=False))
    clean = json.loads((out / "evaluation.json").read_text())
    write_evaluation_page(clean, out, title=title)


def _design_only(raw, outs, d, period, weeks_after, seed) -> dict:
    from ..evaluate.power import minimum_detectable_effect

    rows = []
    pre = raw[raw["period"] < d.first_start] if d.first_start else raw
    note = None
    if pre["period"].nunique() < raw["period"].nunique():
        note = f"Only the {pre['period'].nunique()} {period}s before the program's start ({d.first_start}) are used."
    else:
        note = f"The data ends before the program's start ({d.first_start}): every {period} of it is pre-period."
    with err_console.status("simulating placebo launches…"):
        for o in outs:
            if o.kind != "count":
                rows.append({"outcome": o.name, "mde": None, "why": "power is simulated for counts only"})
                continue
            rows.append(minimum_detectable_effect(pre, o.name, d.treated_units, period=period, weeks_after=weeks_after, seed=seed))
    warnings = list(d.warnings) + _data_warnings(raw, outs, d)
    return {"design": {**d.to_dict(), "period": period, "n_units": int(raw["unit"].nunique())}, "design_only": True,
            "weeks_after": weeks_after, "note": note, "mde": rows, "outcomes": {o.name: o.label for o in outs},
            "warnings": warnings}


def _data_warnings(raw, outs, d) -> list[str]:
    """What the data leaves out of the design, in words (served units without rows, identical outcomes)."""
    out = []
    counts = [o.name for o in outs if o.kind == "count"]
    totals = raw.groupby("unit")[counts].sum().sum(axis=1) if counts else None
    if totals is not None:
        empty = [u for u in d.treated_units if totals.get(u, 0) == 0]
        if empty:
            out.append(f"Served units with no rows in the data: {', '.join(empty)} — the design has "
                       f"{len(d.treated_units) - len(empty)} served and {len(d.comparison_units)} comparison units with data.")
    for i, a in enumerate(counts):
        for b in counts[i + 1:]:
            if raw[a].equals(raw[b]):
                out.append(f"Outcomes {a} and {b} are identical in this data (the same rows are counted).")
    return out


def _print_summary(doc: dict, design_only: bool) -> None:
    for w in doc.get("warnings", []):
        err_console.print(f"[yellow]warning:[/] {w}", highlight=False, soft_wrap=True)
    if design_only:
        err_console.print(doc["note"], highlight=False, soft_wrap=True)
        for r in doc["mde"]:
            err_console.print(f"  {r.get('sentence') or r['outcome'] + ': ' + r.get('why', '')}", highlight=False, soft_wrap=True)
        return
    err_console.print(doc["headline"]["sentence"], highlight=False, soft_wrap=True)
    for c in doc["headline"].get("caveats", []):
        err_console.print(f"  - {c}", highlight=False, soft_wrap=True)
