"""The report's sections as HTML, on the shared page layout (:mod:`altresponse.layout`)."""

from __future__ import annotations

import pandas as pd

from .. import layout
from ..layout import esc

TITLES = {
    "volume": "Volume",
    "frequency": "Frequency and repeat locations",
    "location": "Location",
    "risk": "Risk level",
    "response_time": "Response time",
    "workload": "Police workload",
    "use_of_force": "Use of force",
    "coverage": "Coverage: how many beats, how many hours",
    "planning": "Planning",
    "evaluation": "Evaluation",
}
QUESTIONS = {
    "volume": "How many calls could a care-first response take, and when do they come?",
    "frequency": "Do the same places call again and again?",
    "location": "Where are the eligible calls?",
    "risk": "How many eligible calls carry risk, and why?",
    "response_time": "Do eligible calls wait longer than others?",
    "workload": "How many police hours could a program free?",
    "use_of_force": "How often do such calls end in force?",
    "coverage": "Why not 24/7, why not citywide?",
    "planning": "Where and when should teams work?",
    "evaluation": "Did the program change police calls — and could this data show it?",
}

# Plain column headings; the CSVs and report.json keep the snake_case names.
LABELS = {
    "canonical_type": "Call type",
    "category": "Category",
    "recommended_response": "Recommended response",
    "response": "Response",
    "calls": "Calls",
    "eligible_calls": "Eligible calls",
    "share_of_calls": "Share of calls",
    "share_eligible": "Share eligible",
    "share_of_eligible": "Share of all eligible calls",
    "calls_per_day": "Calls a day",
    "eligible_per_day": "Eligible calls a day",
    "days_in_month": "Days in month",
    "weekday_name": "Weekday",
    "risk_level": "Risk level",
    "type_calls": "Calls of this type",
    "share_of_type": "Share of the type",
    "repeat_calls": "Repeat calls",
    "repeat_rate": "Repeat-call rate",
    "call_types": "Call types",
    "first_date": "First call",
    "last_date": "Last call",
    "cumulative_calls": "Calls covered (cumulative)",
    "cumulative_share": "Share covered (cumulative)",
    "in_area": "In area",
    "in_hours": "In hours",
    "in_area_and_hours": "In area and hours",
    "area_or_hours_unknown": "Area or hours unknown",
    "share_in_area_and_hours": "Share in area and hours",
    "team_hours_per_week": "Team-hours a week",
    "hours_per_day": "Hours a day",
    "covered_calls": "Calls reached",
    "covered_share": "Share reached",
    "team_hours_used_per_week": "Team-hours used a week",
    "this_budget": "This budget",
    "in_plan": "In the plan",
    "in_current_program": "In the program now",
    "answered_share": "Share answered",
    "answered_calls": "Calls answered",
    "fallback_to_police": "Calls back to police (no free team)",
    "outside_program": "Calls outside area or hours",
    "utilization": "Share of team time busy",
    "police_unit_hours_freed_per_year": "Police unit-hours freed a year",
    "team_hours": "Team-hours",
    "wait_minutes_p50": "Wait for a team, median (min)",
    "wait_minutes_p90": "Wait for a team, 90th percentile (min)",
    "response_minutes_p50": "Response time, median (min)",
    "response_minutes_p90": "Response time, 90th percentile (min)",
    "answered_share_in_program": "Share answered, of calls in area and hours",
}


def labels_for(columns) -> dict[str, str]:
    """Plain headings for ``columns`` (confidence bounds read "… (95% CI low)")."""
    out = {}
    for c in columns:
        base = c.removesuffix("_ci_low").removesuffix("_ci_high")
        label = LABELS.get(base, base.replace("_", " ").capitalize())
        if c.endswith("_ci_low"):
            label += " (95% CI low)"
        elif c.endswith("_ci_high"):
            label += " (95% CI high)"
        out[c] = label
    return out


def section_html(
    key: str,
    sec: dict,
    charts: list[tuple[str, str, dict]],
    csv_names: dict[str, str],
    *,
    names: dict[str, dict[str, str]] | None = None,
    alt_texts: dict[str, str] | None = None,
    wide_tables: dict[str, pd.DataFrame] | None = None,
) -> str:
    """One report section: headline, findings, gaps, charts, then its tables.

    ``names`` maps codes to plain names per column (codes stay in a tooltip); a table named in
    the section's ``gaps`` is not shown (the gap already says why it is empty); ``wide_tables``
    replaces a table's page view (e.g. a what-if table reshaped long), the CSV stays whole.
    """
    title = TITLES.get(key, key.replace("_", " ").capitalize())
    if not sec.get("available", False):
        body = f'<p class="unavailable">Not available for this data: {esc(sec.get("why", ""))}</p>'
        return layout.section(key, title, body, question=QUESTIONS.get(key))
    parts = []
    if sec.get("lead"):  # what the reader must know before any figure (e.g. rules that could not fire)
        lead = sec["lead"]
        parts.append(f'<div class="unavailable"><p>{esc(lead[0])}</p><ul>' + "".join(f"<li>{esc(x)}</li>" for x in lead[1:]) + "</ul></div>")
    parts.append(f'<p class="headline">{esc(sec.get("headline", ""))}</p>')
    if sec.get("findings"):
        parts.append("<ul>" + "".join(f"<li>{esc(f)}</li>" for f in sec["findings"]) + "</ul>")
    gaps = sec.get("gaps", {}) or {}
    for part, why in gaps.items():
        parts.append(f'<p class="gap">Not shown ({esc(part.replace("_", " "))}): {esc(why)}</p>')
    for chart_id, caption, _spec in charts:
        parts.append(layout.chart(chart_id, caption, alt_text=(alt_texts or {}).get(chart_id, caption)))
    for name, df in sec.get("tables", {}).items():
        if not isinstance(df, pd.DataFrame) or name in gaps:
            continue
        shown = (wide_tables or {}).get(name, df)
        parts.append(
            layout.table(name.replace("_", " "), shown, labels=labels_for(shown.columns), names=names,
                         note=f"Full table: {csv_names.get(name, '')}")
        )
    return layout.section(key, title, "".join(parts), question=QUESTIONS.get(key))
