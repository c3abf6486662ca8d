"""Read a store into an evaluation panel: calls (classified on the fly) or crime reports."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from .. import store as store_mod
from ..errors import InputError, UsageError
from ..program import Program
from .outcomes import CALL_OUTCOMES, not_cancelled, call_outcomes, read_offense_lists, report_outcomes, with_repeat_flag
from .panel import Outcome, PeriodName, _period_end, build_panel

UNITS = ("beat", "district")
ANSWERABLE = "_answerable"


def _pick(outcomes: list[Outcome], wanted: list[str] | None, missing: dict[str, str]) -> list[Outcome]:
    if not wanted:
        return outcomes
    by_name = {o.name: o for o in outcomes}
    picked = []
    for name in wanted:
        if name in by_name:
            picked.append(by_name[name])
        elif name in missing:
            msg = f"--outcome {name}: not available in this store ({missing[name]})"
            raise UsageError(msg)
        else:
            msg = f"--outcome {name}: unknown; choose from {', '.join(by_name)}"
            raise UsageError(msg)
    return picked


def calls_panel(store: str | Path, program: Program, response_id: str, *, unit: str = "beat", period: PeriodName = "week",
                outcomes: list[str] | None = None, first: dt.date | None = None, last: dt.date | None = None,
                extra_units: list[str] = (), exclude_units: list[str] = (), con=None) -> tuple[pd.DataFrame, list[Outcome], dict]:
    """The unit x period panel of call outcomes (classified by ``program`` on the engine).

    Returns
    -------
    (panel, outcomes, left_out) where ``left_out`` maps outcomes the store cannot support to why.
    """
    from ..classify import classify, read_force

    if unit not in UNITS:
        msg = f"--unit {unit!r} is not one of {', '.join(UNITS)}"
        raise UsageError(msg)
    classified = classify(store_mod.calls(store, con=con), program, force=read_force(store, con=con))
    # computed once for the three queries below: over the lazy expression each one classified the
    # store again (three classifications of 92,000 calls per panel)
    with with_repeat_flag(classified).cache() as classified:
        found, missing = call_outcomes(classified, response_id)
        chosen = _pick(found, outcomes, missing)
        units = _units(classified, unit, extra_units, exclude_units)
        # not an outcome: the dose check's volume when there are no service records (calls the program
        # routes to the response, i.e. eligible, in its area and in its hours on their own date)
        answerable = Outcome(ANSWERABLE, "calls the program routes to the response", "count",
                             lambda t: (t.recommended_response == response_id) & not_cancelled(t))
        panel = build_panel(classified, [*chosen, answerable], unit=unit, date="received_date", period=period, units=units,
                            first=first, last=last)
    if not outcomes or "force" in outcomes:
        force_out = _force_panel(store, panel, unit=unit, period=period, con=con)
        if isinstance(force_out, str):
            missing["force"] = force_out
            if outcomes and "force" in outcomes:
                msg = f"--outcome force: not available in this store ({force_out})"
                raise UsageError(msg)
        else:
            panel = panel.merge(force_out, on=["unit", "period"], how="left").fillna({"force": 0})
            chosen = [*chosen, FORCE]
    return panel, chosen, missing


FORCE = Outcome("force", "use-of-force incidents", "count", lambda t: t.incident_id.notnull())


def _force_panel(store, panel: pd.DataFrame, *, unit: str, period: PeriodName, con=None) -> pd.DataFrame | str:
    """Use-of-force incidents on the calls panel's grid, or why there are none to count."""
    if not store_mod.parts(store, "force"):
        return "no use-of-force table in this store"
    force = store_mod.read_table(store, "force", con=con)
    # one row per incident (sources publish a row per officer or subject): count incidents, not rows
    force = force.select(force[unit], force.occurred_date, force.incident_id).distinct()
    units = sorted(panel["unit"].unique())
    grid = build_panel(force, [FORCE], unit=unit, date="occurred_date", period=period, units=units,
                       first=min(panel["period"]), last=_period_end(max(panel["period"]), period))
    if grid["force"].sum() == 0:
        return "the force table has no incident in the calls' units and dates"
    return grid[["unit", "period", "force"]]


def reports_panel(store: str | Path, lists_path: str | Path, *, unit: str = "beat", period: PeriodName = "week",
                  outcomes: list[str] | None = None, first: dt.date | None = None, last: dt.date | None = None,
                  extra_units: list[str] = (), exclude_units: list[str] = (), lists: dict | None = None,
                  con=None) -> tuple[pd.DataFrame, list[Outcome], dict]:
    """The unit x period panel of crime-report counts, one outcome per offense list."""
    if not store_mod.parts(store, "reports"):
        msg = f"{store}: no 'reports' table (ingest crime reports with a reports adapter, e.g. denver_reports)"
        raise InputError(msg)
    reports = store_mod.read_table(store, "reports", con=con)
    chosen = _pick(report_outcomes(lists or read_offense_lists(lists_path)), outcomes, {})
    units = _units(reports, unit, extra_units, exclude_units)
    panel = build_panel(reports, chosen, unit=unit, date="reported_date", period=period, units=units, first=first, last=last)
    return panel, chosen, {}


def beat_units(store: str | Path, kind: str, *, con=None) -> dict[str, str]:
    """Beat -> district as the data records it (each beat's most frequent district)."""
    t = store_mod.calls(store, con=con) if kind == "calls" else store_mod.read_table(store, "reports", con=con)
    known = t.filter(t.beat.notnull() & t.district.notnull())
    pairs = (known.group_by(["beat", "district"]).aggregate(n=known.count())
             .to_pandas().sort_values("n", ascending=False).drop_duplicates("beat"))
    return {str(b): str(d) for b, d in zip(pairs["beat"], pairs["district"])}


def _units(t, unit: str, extra: list[str], exclude: list[str]) -> list[str]:
    # Units are those in the data, plus the program's served units (a served unit without a single
    # row is a row of zeros, flagged by the estimators), minus ones the user names as not places.
    seen = t.select(u=t[unit].cast("string")).distinct().to_pandas()["u"].dropna().tolist()
    if not seen:  # else an empty panel, reported as "0 weeks of data" or as no effect
        others = [u for u in UNITS if u != unit and u in t.columns and int(t[u].count().execute())]
        hint = f"; --unit {others[0]} has data" if others else f" (nor a {' or '.join(u for u in UNITS if u != unit)})"
        msg = f"no row has a {unit}: the evaluation compares {unit}s before and after a launch, so it needs them{hint}"
        raise UsageError(msg)
    return sorted((set(seen) | {str(u) for u in extra}) - {str(u) for u in exclude})


__all__ = ["CALL_OUTCOMES", "UNITS", "calls_panel", "reports_panel"]
