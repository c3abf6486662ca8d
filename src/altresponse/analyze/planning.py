"""The report's planning section, written from a plan and simulations already run.

Analysis does not call the planning verbs: ``report/planning.py`` runs ``plan`` and ``simulate``
(kept small so the report stays fast: the budget → coverage curve at six budgets,
``teams × 7 days × 4, 8, …, 24 h``, and 5 replications; the CLI's ``simulate`` defaults to 20)
and passes the results to :func:`planning_section`, which states both and every assumption.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import ibis
import pandas as pd

from ._common import pct, section

PARETO_HOURS_PER_DAY = (4, 8, 12, 16, 20, 24)
REPORT_REPLICATIONS = 5
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_SIM_METRICS = (
    "answered_share",
    "answered_share_in_program",
    "fallback_to_police",
    "outside_program",
    "wait_minutes_p50",
    "wait_minutes_p90",
    "response_minutes_p50",
    "response_minutes_p90",
    "utilization",
    "police_unit_hours_freed_per_year",
)
_WHAT_IF_COLUMNS = ("answered_share", "answered_calls", "fallback_to_police", "outside_program", "wait_minutes_p50", "wait_minutes_p90", "response_minutes_p50", "response_minutes_p90", "utilization", "police_unit_hours_freed_per_year")


def planning_section(classified, chosen, sim, sim_plan, current, *, open_hours: float, budget: float,
                     replications: int, seed: int, when: date) -> dict[str, Any]:
    """The section from results already computed (the report composes plan and simulate).

    Parameters
    ----------
    classified
        The classified table (Ibis or pandas), for the beats table and the area caveat.
    chosen
        The :class:`~altresponse.plan.Plan` for ``budget``.
    sim, sim_plan
        ``simulate()`` results for the program as it stands and for the plan.
    current
        The program's scenario in effect on ``when`` (teams, area, hours).
    open_hours
        Its open hours a week.

    Returns
    -------
    dict
        A section (``analyze._common.section``) with tables ``pareto``, ``plan_beats``,
        ``plan_hours``, ``simulation``, ``what_ifs`` and ``staffing_curve``, plus ``assumptions``.
    """
    rid = chosen.response_id
    numbers = _numbers(chosen, sim, sim_plan, budget=budget, replications=replications, seed=seed, when=when)
    tables = {
        "pareto": _pareto_table(chosen),
        "plan_beats": _beats_table(classified, rid, chosen.beats, current.area),
        "plan_hours": _hours_table(chosen.hours, chosen.teams),
        "simulation": _simulation_table(sim, sim_plan),
        "what_ifs": _what_ifs_table(sim, sim_plan),
        "staffing_curve": pd.DataFrame(sim["staffing_curve"]),
    }
    assumptions = _assumptions(chosen, sim, replications=replications, seed=seed, when=when)
    headline = _headline(chosen, sim, numbers, current.teams)
    findings = _findings(chosen, sim, sim_plan, numbers, current, open_hours, assumptions)
    gaps = {}
    settings = chosen.settings
    if settings["calls_without_time"] or settings["calls_without_beat"]:
        gaps["unplaced_calls"] = (
            f"{settings['calls_without_time']:,} eligible calls without a received time and "
            f"{settings['calls_without_beat']:,} without a beat cannot be placed in a beat and hour, so neither the plan nor "
            "the simulation counts them."
        )
    area_note = area_vs_data(current.area, _all_beats(classified))
    if area_note:  # a caveat on every figure above, so it leads the findings
        findings.insert(0, area_note)
    gaps["contiguity"] = (
        "This plan may pick beats that do not touch and sets no distance limit; "
        "`altresponse plan --contiguous --beats FILE --max-distance-km D` adds both."
    )
    out = section(headline, findings=findings, numbers=numbers, tables=tables, gaps=gaps)
    out["assumptions"] = assumptions
    return out


# --------------------------------------------------------------------------- numbers and text


def _stat(sim: dict, name: str) -> dict[str, float | None]:
    return sim.get(name) or {"mean": None, "ci_low": None, "ci_high": None}


def _numbers(chosen, sim, sim_plan, *, budget, replications, seed, when) -> dict[str, Any]:
    numbers: dict[str, Any] = {
        "as_of": when.isoformat(),
        "program_period": chosen.settings.get("program_period"),
        "response_id": chosen.response_id,
        "teams": chosen.teams,
        "budget_team_hours_per_week": budget,
        "eligible_calls": chosen.eligible_calls,
        "plan_covered_calls": chosen.covered_calls,
        "plan_covered_share": chosen.covered_share,
        "plan_beats": len(chosen.beats),
        "plan_beat_list": list(chosen.beats),
        "plan_hours_per_day": max((sum(e - s if e > s else e + 1440 - s for s, e in ws) for ws in chosen.hours.values()), default=0) / 60.0,
        "plan_days": sum(1 for ws in chosen.hours.values() if ws),
        "plan_team_hours_used_per_week": chosen.settings["team_hours_used_per_week"],
        "replications": replications,
        "seed": seed,
        "teams_for_target": sim.get("teams_for_target"),
        "staffing_target": sim.get("staffing_target"),
    }
    for name in _SIM_METRICS:
        s = _stat(sim, name)
        numbers[name] = s["mean"]
        numbers[f"{name}_ci_low"] = s["ci_low"]
        numbers[f"{name}_ci_high"] = s["ci_high"]
    for name in ("answered_share", "wait_minutes_p50", "wait_minutes_p90", "utilization"):
        s = _stat(sim_plan, name)
        numbers[f"plan_{name}"] = s["mean"]
        numbers[f"plan_{name}_ci_low"] = s["ci_low"]
        numbers[f"plan_{name}_ci_high"] = s["ci_high"]
    return numbers


def describe_hours(hours: dict[int, list[tuple[int, int]]] | None) -> str:
    """Weekly hours in words, e.g. ``"08:00–22:00 Mon–Sat"``; ``"24/7"``; ``"no hours"``.

    Examples
    --------
    >>> describe_hours({d: [(480, 1320)] for d in range(6)} | {6: []})
    '08:00–22:00 Mon–Sat'
    >>> describe_hours({0: [(0, 1440)], 1: [(0, 1440)], 2: [(0, 1440)], 3: [(0, 1440)], 4: [(0, 1440)], 5: [(0, 1440)], 6: [(0, 1440)]})
    '24/7'
    """
    if hours is None:
        return "24/7"
    by_window: dict[tuple, list[int]] = {}
    for d in range(7):
        ws = tuple(tuple(w) for w in (hours.get(d) or hours.get(str(d)) or []))
        if ws:
            by_window.setdefault(ws, []).append(d)
    if not by_window:
        return "no hours"
    if len(by_window) == 1 and len(next(iter(by_window.values()))) == 7 and next(iter(by_window)) in (((0, 1440),), ((0, 0),)):
        return "24/7"
    parts = []
    for ws, days in by_window.items():
        text = ", ".join(f"{_hhmm(s)}–{_hhmm(e)}" for s, e in ws)
        parts.append(f"{text} {_day_span(days)}")
    return "; ".join(parts)


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _day_span(days: list[int]) -> str:
    if len(days) == 7:
        return "daily"
    runs: list[list[int]] = []
    for d in days:
        if runs and runs[-1][-1] == d - 1:
            runs[-1].append(d)
        else:
            runs.append([d])
    return ", ".join(DAY_NAMES[r[0]] if len(r) == 1 else f"{DAY_NAMES[r[0]]}–{DAY_NAMES[r[-1]]}" for r in runs)


def _ci(s: dict, fmt) -> str:
    if s["ci_low"] is None or s["ci_high"] is None or fmt(s["ci_low"]) == fmt(s["ci_high"]):
        return ""
    return f" (95% CI {fmt(s['ci_low'])}–{fmt(s['ci_high'])})"


def _share_fmt(v):
    return pct(v)


def _minutes_fmt(v):
    return "n/a" if v is None else f"{v:.0f} min"


def _first_budget(pareto: list[dict], target: float) -> dict | None:
    return next((row for row in sorted(pareto, key=lambda r: r["team_hours_per_week"]) if row["covered_share"] >= target), None)


def _headline(chosen, sim, numbers, teams) -> str:
    answered = _stat(sim, "answered_share")
    head = (
        f"With {numbers['budget_team_hours_per_week']:,.0f} team-hours a week ({teams} team{'s' if teams != 1 else ''}), "
        f"the best plan reaches {pct(chosen.covered_share)} of eligible calls "
        f"({chosen.covered_calls:,.0f} of {chosen.eligible_calls:,}): "
        f"{len(chosen.beats)} beat{'s' if len(chosen.beats) != 1 else ''}, {describe_hours(chosen.hours)}."
    )
    if answered["mean"] is not None:
        head += (
            f" Simulated, the program as it stands answers {pct(answered['mean'])}"
            f"{_ci(answered, _share_fmt)} of eligible calls."
        )
    return head


def _findings(chosen, sim, sim_plan, numbers, current, open_hours, assumptions) -> list[str]:
    out = []
    area = "citywide" if current.area is None else f"{len(current.area)} beats"
    out.append(
        f"Program as of {numbers['as_of']}: {current.teams} team(s), {area}, {describe_hours(current.hours)} "
        f"({open_hours:,.0f} open hours a week, {numbers['budget_team_hours_per_week']:,.0f} team-hours)."
    )
    out.append(f"Planned beats: {', '.join(chosen.beats) or 'none'}.")
    half, most = _first_budget(chosen.pareto, 0.5), _first_budget(chosen.pareto, 0.9)
    curve = []
    if half:
        curve.append(f"the best plan passes half the eligible calls by {half['team_hours_per_week']:,.0f} team-hours a week ({half['hours_per_day']} h a day, {half['days']} days)")
    if most:
        curve.append(f"90% by {most['team_hours_per_week']:,.0f} ({most['hours_per_day']} h a day, {most['days']} days)")
    if curve:
        out.append(f"Budget → coverage ({len(chosen.pareto)} budgets, {chosen.teams} team(s) on every shift): " + "; ".join(curve) + ".")
    wait50, wait90 = _stat(sim, "wait_minutes_p50"), _stat(sim, "wait_minutes_p90")
    util, fallback = _stat(sim, "utilization"), _stat(sim, "fallback_to_police")
    freed = _stat(sim, "police_unit_hours_freed_per_year")
    out.append(
        f"Simulation of the program ({numbers['replications']} simulated runs over the data's calls, seed {numbers['seed']}): wait for a team median "
        f"{_minutes_fmt(wait50['mean'])}, 90th percentile {_minutes_fmt(wait90['mean'])}{_ci(wait90, _minutes_fmt)}; "
        f"teams busy {pct(util['mean'])}{_ci(util, _share_fmt)} of their hours; "
        f"{(fallback['mean'] or 0):,.0f} calls in each run fall back to police for want of a free team; "
        f"{(freed['mean'] or 0):,.0f} police unit-hours a year freed."
    )
    plan_answered = _stat(sim_plan, "answered_share")
    if plan_answered["mean"] is not None:
        out.append(f"Simulated, the plan answers {pct(plan_answered['mean'])}{_ci(plan_answered, _share_fmt)} of eligible calls.")
    ifs = {row["scenario"]: row for row in sim.get("what_ifs", [])}
    named = [f"{name} {pct(ifs[name]['answered_share'])}" for name in ("24/7", "citywide", "24/7 citywide") if name in ifs]
    named += [f"{name} {pct(row['answered_share'])}" for name, row in ifs.items() if name.startswith("+")]
    if named:
        out.append("What-ifs (share of eligible calls answered): " + ", ".join(named) + ".")
    if sim.get("teams_for_target") is not None:
        out.append(f"{sim['teams_for_target']} team(s) working 24/7 citywide answer {pct(sim.get('staffing_target'))} of eligible calls.")
    out.append(_plain_words(
        f"Assumptions: time on scene — {assumptions['time_on_scene']}; travel — {assumptions['travel']}; "
        f"a call waiting more than {assumptions['max_wait_minutes']:g} min falls back to police; "
        f"plan capacity {assumptions['plan_calls_per_team_hour']:.2f} calls per team-hour at most "
        f"{assumptions['plan_max_utilization']:.0%} busy ({assumptions['plan_busy_minutes']})."
    ))
    return out


def _plain_words(text: str) -> str:
    """The simulation's own terms in words a director reads (the simulation keeps its terms)."""
    for jargon, plain in (("CV ", "spread (coefficient of variation) "), ("haversine from base", "straight-line distance from the base")):
        text = text.replace(jargon, plain)
    return text


def _assumptions(chosen, sim, *, replications, seed, when) -> dict[str, Any]:
    s = chosen.settings
    return {
        **sim["assumptions"],
        "as_of": when.isoformat(),
        "replications": replications,
        "seed": seed,
        "simulation_mode": sim.get("mode"),
        "plan_calls_per_team_hour": s["calls_per_team_hour"],
        "plan_max_utilization": s["max_utilization"],
        "plan_busy_minutes": s["busy_minutes_source"],
        "pareto_budgets": [row["team_hours_per_week"] for row in chosen.pareto],
    }


# --------------------------------------------------------------------------- tables


def _pareto_table(chosen) -> pd.DataFrame:
    df = pd.DataFrame(chosen.pareto)
    df["this_budget"] = df["team_hours_per_week"] == chosen.team_hours_per_week
    return df[["team_hours_per_week", "hours_per_day", "days", "beats", "covered_calls", "covered_share", "team_hours_used_per_week", "optimal", "this_budget"]]


def _beats_table(classified, rid: str, planned: list[str], current_area) -> pd.DataFrame:
    if isinstance(classified, pd.DataFrame):
        classified = ibis.memtable(classified)
    t = classified.filter(classified[f"eligible_{rid}"].fill_null(False) & classified.beat.notnull())
    t = t.mutate(beat=t.beat.cast("string"))
    df = t.group_by("beat").aggregate(eligible_calls=t.count()).to_pandas()
    df["in_plan"] = df["beat"].isin(planned)
    df["in_current_program"] = True if current_area is None else df["beat"].isin(list(current_area))
    return df.sort_values(["eligible_calls", "beat"], ascending=[False, True]).reset_index(drop=True)


def _all_beats(classified) -> set[str]:
    if isinstance(classified, pd.DataFrame):
        classified = ibis.memtable(classified)
    t = classified.filter(classified.beat.notnull())
    return set(t.select(beat=t.beat.cast("string")).distinct().to_pandas()["beat"])


def area_vs_data(area, data_beats: set[str]) -> str | None:
    """Say where the program's service area and the data's beats disagree.

    A figure for "the pilot beats" silently undercounts when some of those beats have no calls
    in the data (a filtered export), and overcounts the area when the data holds other beats.

    Examples
    --------
    >>> area_vs_data(["111", "114"], {"111", "213"})
    "The program's service area names 2 beats; 1 of them (114) have no calls in this data, so figures for the area undercount it. The data also holds 1 beat outside the area (213)."
    """
    if not area:
        return None
    area = {str(b) for b in area}
    missing = sorted(area - data_beats)
    outside = sorted(data_beats - area)
    if not missing and not outside:
        return None
    parts = [f"The program's service area names {len(area)} beats"]
    if missing:
        parts.append(f"{len(missing)} of them ({', '.join(missing)}) have no calls in this data, so figures for the area undercount it")
    text = "; ".join(parts) + "."
    if outside:
        text += f" The data also holds {len(outside)} beat{'s' if len(outside) != 1 else ''} outside the area ({', '.join(outside)})."
    return text


def _hours_table(hours, teams: int) -> pd.DataFrame:
    rows = []
    for d in range(7):
        ws = hours.get(d) or []
        minutes = sum(e - s if e > s else e + 1440 - s for s, e in ws)
        rows.append({"weekday": DAY_NAMES[d], "hours": ", ".join(f"{_hhmm(s)}–{_hhmm(e)}" for s, e in ws) or "closed", "team_hours": teams * minutes / 60.0})
    return pd.DataFrame(rows)


def _simulation_table(sim, sim_plan) -> pd.DataFrame:
    rows = []
    for name in _SIM_METRICS:
        a, b = _stat(sim, name), _stat(sim_plan, name)
        rows.append({
            "metric": name,
            "program": a["mean"], "program_ci_low": a["ci_low"], "program_ci_high": a["ci_high"],
            "plan": b["mean"], "plan_ci_low": b["ci_low"], "plan_ci_high": b["ci_high"],
        })
    return pd.DataFrame(rows)


def _what_ifs_table(sim, sim_plan) -> pd.DataFrame:
    rows = []
    for row in sim.get("what_ifs", []):
        rows.append(_what_if_row(row["scenario"], row["teams"], row["area"], row["hours"], row["team_hours_per_week"], row))
    sc = sim_plan["scenario"]
    flat = {}
    for name in _WHAT_IF_COLUMNS:
        s = _stat(sim_plan, name)
        flat[name], flat[f"{name}_ci_low"], flat[f"{name}_ci_high"] = s["mean"], s["ci_low"], s["ci_high"]
    rows.append(_what_if_row("plan (same budget)", sc["teams"], sc["area"], sc["hours"], sc["team_hours_per_week"], flat))
    return pd.DataFrame(rows)


def _what_if_row(name, teams, area, hours, team_hours, values) -> dict[str, Any]:
    hours = None if hours is None else {int(d): [tuple(w) for w in ws] for d, ws in hours.items()}
    row = {
        "scenario": name,
        "teams": teams,
        "area": "citywide" if area is None else f"{len(area)} beats",
        "hours": describe_hours(hours),
        "team_hours_per_week": team_hours,
    }
    for name_ in _WHAT_IF_COLUMNS:
        for suffix in ("", "_ci_low", "_ci_high"):
            v = values.get(f"{name_}{suffix}")
            row[f"{name_}{suffix}"] = None if v is None or (isinstance(v, float) and math.isnan(v)) else v
    return row
