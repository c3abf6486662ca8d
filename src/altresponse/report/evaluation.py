"""The report's evaluation section, from an evaluation document (``altresponse evaluate --out``).

Plain-language answer first (the headline sentence and what must be read with it), then the
event-study chart, the checks (pre-trend, placebo dates, placebo units, dose) and the table of
every estimate. A design-only document (``--design-only``) becomes the minimum detectable effect
per outcome with its power curve. The whole document is kept in ``report.json`` under
``evaluation.document``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import InputError


def read_evaluation(path: str | Path) -> dict:
    """Read an ``evaluation.json`` written by ``altresponse evaluate --out``.

    Raises
    ------
    InputError
        Missing or unreadable file, or not an evaluation document.
    """
    path = Path(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        msg = f"{path}: cannot read the evaluation document ({exc})"
        raise InputError(msg) from None
    if not isinstance(doc, dict) or not ("headline" in doc or "mde" in doc):
        msg = f"{path}: not an evaluation document (no 'headline' or 'mde'; write one with `altresponse evaluate --out DIR`)"
        raise InputError(msg)
    return doc


def _pct(v: Any) -> str:
    return "" if v is None else f"{v * 100:+.0f}%"


def _estimates_table(doc: dict) -> pd.DataFrame:
    rows = []
    for r in doc.get("results", []):
        if not r.get("available", True):
            rows.append({"outcome": r["outcome"], "estimator": r["estimator"], "effect": "", "95% interval": "",
                         "p": None, "note": r.get("why", "")})
            continue
        rows.append({"outcome": r["outcome"], "estimator": r["estimator"], "effect": _pct(r["relative_effect"]),
                     "95% interval": f"{_pct(r['ci_low'])} to {_pct(r['ci_high'])}" if r.get("ci_low") is not None else "",
                     "p": r.get("p_value"), "pre-trend p": r.get("pretrend_p"),
                     "units (treated)": f"{r['n_units']} ({r['n_treated_units']})", "periods": r["n_periods"],
                     "interval": r.get("interval") or ""})
    return pd.DataFrame(rows)


def _checks(doc: dict, outcome: str) -> tuple[list[str], pd.DataFrame]:
    row = next((r for r in doc.get("results", []) if r["outcome"] == outcome and r.get("placebo")), None)
    if row is None:
        return [], pd.DataFrame()
    lines = []
    es = doc.get("event_study", {}).get(outcome, {})
    if es.get("pretrend_p") is not None:
        lines.append(f"Pre-trend test: p = {es['pretrend_p']:.3f} ({es.get('pretrend_method', '')}); "
                     f"cluster-robust chi-squared p = {es.get('pretrend_p_chi2', float('nan')):.3f}.")
    placebo = row["placebo"] or {}
    for key in ("dates", "units"):
        part = placebo.get(key) or {}
        lines.append(part.get("sentence") or f"Placebo {key}: not available ({part.get('why', '')}).")
    dose = row.get("dose_check") or {}
    lines.append(dose.get("sentence") or f"Dose check: not available ({dose.get('why', '')}).")
    dates = pd.DataFrame((placebo.get("dates") or {}).get("estimates", []))
    return lines, dates


def event_study_chart(doc: dict, outcome: str) -> dict | None:
    """Vega-Lite spec: relative effect by period since launch, with 95% intervals (None if no event study)."""
    es = doc.get("event_study", {}).get(outcome, {})
    coefs = es.get("coefficients")
    if not coefs:
        return None
    import altair as alt

    df = pd.DataFrame(coefs)
    period = doc.get("design", {}).get("period", "week")
    base = alt.Chart(df).encode(x=alt.X("rel:Q", title=f"{period}s since launch (end bins hold everything further out)"))
    bars = base.mark_rule(color="#1b5e20").encode(y=alt.Y("ci_low:Q", title="relative effect", axis=alt.Axis(format="%")), y2="ci_high:Q")
    points = base.mark_point(filled=True, color="#1b5e20").encode(
        y="relative_effect:Q", tooltip=["rel", alt.Tooltip("relative_effect", format=".1%"),
                                         alt.Tooltip("ci_low", format=".1%"), alt.Tooltip("ci_high", format=".1%")])
    zero = alt.Chart(pd.DataFrame({"y": [0]})).mark_rule(color="#999").encode(y="y:Q")
    launch = alt.Chart(pd.DataFrame({"x": [-0.5]})).mark_rule(color="#8b0000", strokeDash=[4, 3]).encode(x="x:Q")
    from .charts import WIDTH

    return (zero + launch + bars + points).properties(width=WIDTH, height=260).to_dict()


def _design_only_section(doc: dict) -> dict:
    rows = doc.get("mde", [])
    table = pd.DataFrame([{"outcome": r["outcome"], "minimum detectable effect": _pct(r.get("mde")) if r.get("mde") else "not on grid",
                           "placebo drift": _pct(r.get("placebo_drift")), "fake launches": r.get("launches"),
                           "cluster-robust false positives": r.get("cluster_robust_false_positive_rate"),
                           "note": r.get("why", "")} for r in rows])
    curve = pd.DataFrame([{"outcome": r["outcome"], **c} for r in rows for c in r.get("power_curve", [])])
    findings = [doc.get("note", "")] + [r.get("sentence", "") for r in rows if r.get("sentence")] + doc.get("warnings", [])
    charts = []
    if not curve.empty:
        import altair as alt

        from .charts import WIDTH

        chart = alt.Chart(curve).mark_line(point=True).encode(
            x=alt.X("effect:Q", title="planted effect", axis=alt.Axis(format="%")),
            y=alt.Y("power:Q", title="share detected", axis=alt.Axis(format="%")), color="outcome:N",
        ).properties(width=WIDTH, height=240)
        charts.append(("Power by planted effect (80% is the usual bar)", chart.to_dict()))
    weeks = doc.get("weeks_after")
    head = f"Before launch: the smallest drop a {weeks}-week pilot in these units could show, per outcome."
    if "ends before" in (doc.get("note") or ""):
        head = (f"This data ends before the program began, so it cannot say whether it worked; it can say the smallest "
                f"drop a {weeks}-week pilot in these units could show, per outcome.")
    return {"available": True, "headline": head, "findings": [f for f in findings if f], "numbers": {"mde": rows},
            "tables": {"minimum_detectable_effect": table, "power_curve": curve}, "gaps": {}, "charts": charts,
            "document": doc}


def evaluation_section(doc: dict) -> dict:
    """The section dict (see ``analyze._common.section``) for an evaluation document."""
    if doc.get("design_only"):
        return _design_only_section(doc)
    head = doc.get("headline") or {}
    outcome = head.get("outcome")
    findings = list(head.get("caveats", []))
    check_lines, dates = _checks(doc, outcome) if outcome else ([], pd.DataFrame())
    findings += [f"Check: {c}" for c in check_lines if c not in findings]
    findings += [f"Assumption: {a}" for a in doc.get("assumptions", [])]
    findings += [w for w in doc.get("warnings", []) if w not in findings]
    charts = []
    spec = event_study_chart(doc, outcome) if outcome else None
    if spec is not None:
        charts.append((f"Event study: {doc.get('outcomes', {}).get(outcome, outcome)}, served vs other units, "
                       "relative to the last period before launch (95% intervals)", spec))
    numbers = {k: head.get(k) for k in ("outcome", "estimator", "relative_effect", "ci_low", "ci_high", "interval",
                                        "p_value", "permutation_p", "pretrend_p")}
    tables = {"estimates": _estimates_table(doc)}
    if not dates.empty:
        tables["placebo_dates"] = dates
    return {"available": True, "headline": head.get("sentence", ""), "findings": findings, "numbers": numbers,
            "tables": tables, "gaps": {}, "charts": charts, "document": doc}


def page_meta(doc: dict) -> list[str]:
    d = doc.get("design", {})
    prog = doc.get("program", {})
    lines = [f"Program: {prog.get('id', '')} {prog.get('version', '')} — response {d.get('response', '')}",
             f"Data: {doc.get('source', '')}, {d.get('n_units', '')} {doc.get('unit', 'unit')}s, "
             f"{d.get('period', '')}s {d.get('first_period', '')} to {d.get('last_period', '')}"]
    if d.get("treated_units"):
        lines.append(f"Served units: {', '.join(d['treated_units'])} (from {', '.join(d.get('cohorts', []))})")
    return lines
