"""The report composes planning: it runs ``plan`` and ``simulate`` and hands the results to the analysis.

:func:`planning` is the report's ``planning`` section (docs/report.md, "Planning"). Analysis
(``analyze/planning.py``) only formats results, so it never imports a verb above it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ..analyze._common import unavailable
from ..analyze.planning import PARETO_HOURS_PER_DAY, REPORT_REPLICATIONS, planning_section
from ..errors import AltresponseError
from ..inputs import as_date, period_in_effect


def planning(
    classified,
    program,
    *,
    as_of: date | str,
    team_hours_per_week: float | None = None,
    replications: int = REPORT_REPLICATIONS,
    seed: int = 0,
    pareto_hours_per_day: tuple[int, ...] = PARETO_HOURS_PER_DAY,
) -> dict[str, Any]:
    """Plan, coverage curve, simulation and what-ifs for the program's planned response.

    Parameters
    ----------
    classified
        The classified table (Ibis or pandas).
    program
        The loaded program, or None (then the section is unavailable).
    as_of
        Date whose program period gives teams, area and hours (the CLI defaults it to today).
    team_hours_per_week
        Budget to plan for; default what the program's period in force spends (teams × open
        hours a week).
    replications, seed
        Simulation replications and seed.
    pareto_hours_per_day
        The curve's budgets are ``teams × 7 × h`` for these h.

    Returns
    -------
    dict
        The section (:func:`altresponse.analyze.planning.planning_section`), or
        ``{"available": False, "why": ...}``.
    """
    from ..plan import plan
    from ..simulate import eligible_calls, hours_mask, scenario_from_program, simulate

    if program is None:
        return unavailable("No program was given, so there is no response to plan.")
    when = as_date(as_of)
    rid = program.planned_response
    try:
        period = period_in_effect(program, rid, when, strict=False)
    except (AltresponseError, KeyError) as exc:
        return unavailable(f"The program's planned response {rid!r} cannot be read ({exc}).")
    if period is None:
        return unavailable(f"Response {rid!r} has no program period in effect on {when}, so there are no teams to plan or simulate.")
    current = scenario_from_program(program, response_id=rid, as_of=when)
    open_hours = float(hours_mask(current.hours).sum()) / 60.0
    budget = float(current.teams * open_hours) if team_hours_per_week is None else float(team_hours_per_week)
    try:
        chosen = plan(classified, program, team_hours_per_week=budget, as_of=when,
                      pareto_budgets=[current.teams * 7 * h for h in pareto_hours_per_day])
        # both simulations read the same eligible calls: pull them from the engine once, as the
        # pandas frame simulate() accepts (with the eligibility column it selects on)
        eligible = eligible_calls(classified, rid).assign(**{f"eligible_{rid}": True})
        sim = simulate(eligible, program, as_of=when, replications=replications, seed=seed)
        planned_program = program.with_area_and_hours(rid, chosen.beats, chosen.hours, chosen.teams)
        sim_plan = simulate(eligible, planned_program, as_of=when, replications=replications, seed=seed, what_ifs=False)
    except AltresponseError as exc:
        return unavailable(f"Planning needs eligible {rid!r} calls with a beat and a received time: {exc}.")
    return planning_section(classified, chosen, sim, sim_plan, current, open_hours=open_hours, budget=budget,
                            replications=replications, seed=seed, when=when)
