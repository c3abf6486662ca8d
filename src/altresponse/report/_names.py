"""Plain names for the page: codes become names from the program file and the taxonomy.

The CSVs and report.json keep the codes (they are for analysts' tools); the page shows the
names, with the code in a tooltip. Also: wide tables reshaped long for the page, and the
"what this means" findings at the top of the report.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .. import fmt

_CATEGORY_COLUMNS = ("category",)
_RESPONSE_COLUMNS = ("recommended_response", "response", "response_id")


def display_names(program=None) -> dict[str, dict[str, str]]:
    """Column → {code: plain name} for call types, categories and (with a program) responses."""
    from ..taxonomy import load_taxonomy

    tax = load_taxonomy()
    # the description up to any bracket: "Emotional disturbance or abnormal behaviour", not "... (violence not stated)"
    names: dict[str, dict[str, str]] = {"canonical_type": {t.code: t.description.split(" (")[0] for t in tax}}
    cats = {t.category: t.category.replace("_", " ") for t in tax}
    for col in _CATEGORY_COLUMNS:
        names[col] = cats
    responses = {"police": "Police", "ems": "EMS (ambulance)", "fire": "Fire"}
    if program is not None:
        responses.update({r.id: r.name for r in program.responses})
    for col in _RESPONSE_COLUMNS:
        names[col] = responses
    return names


def display_section(sec: dict, names: dict[str, dict[str, str]]) -> dict:
    """A copy of a section whose tables show plain names instead of codes (for the charts)."""
    tables = {}
    for name, df in (sec.get("tables") or {}).items():
        if isinstance(df, pd.DataFrame):
            df = df.copy()
            for col, mapping in names.items():
                if col in df.columns:
                    df[col] = df[col].map(lambda v, m=mapping: m.get(v, v) if isinstance(v, str) else v)
        tables[name] = df
    return {**sec, "tables": tables}


def long_table(df: pd.DataFrame, *, max_columns: int = 12) -> pd.DataFrame | None:
    """A page view of a table whose plain formatting would mislead or sprawl, else None.

    - A wide table with confidence bounds (the what-ifs: 34 columns) turns sideways: one row per
      measure, one column per scenario, each cell "value (low to high)" formatted by the
      measure's own kind (share, count, minutes).
    - A table with a ``metric`` column (one row per measure) formats each row by its metric's
      kind, so a share is never rounded to "0" as if it were a count.
    The CSV keeps the full table either way.
    """
    from .html import labels_for

    if "metric" in df.columns:
        out = df.copy().astype(object)
        for i, metric in enumerate(df["metric"]):
            kind = fmt.kind_of(str(metric))
            for c in df.columns:
                if c != "metric" and pd.api.types.is_numeric_dtype(df[c]):
                    out.iloc[i, df.columns.get_loc(c)] = fmt.value(df[c].iloc[i], kind=kind)
        out["metric"] = [labels_for([str(m)])[str(m)] for m in df["metric"]]
        return out
    lows = [c for c in df.columns if c.endswith("_ci_low")]
    if len(df.columns) <= max_columns or not lows:
        return None
    measures = [c.removesuffix("_ci_low") for c in lows if c.removesuffix("_ci_low") in df.columns]
    ids = [c for c in df.columns if not any(c == m or c.startswith(m + "_ci_") for m in measures)]
    head, rest = ids[0], ids[1:]
    label = labels_for([*rest, *measures])
    rows: list[dict[str, Any]] = []
    for c in rest:
        kind = "text" if not pd.api.types.is_numeric_dtype(df[c]) else fmt.kind_of(c)
        rows.append({"measure": label[c], **{str(k): fmt.value(v, kind=kind) for k, v in zip(df[head], df[c])}})
    for m in measures:
        kind = fmt.kind_of(m)
        cells = {}
        for rec in df.to_dict(orient="records"):
            ci = fmt.interval(rec.get(m + "_ci_low"), rec.get(m + "_ci_high"), kind=kind)
            value = fmt.value(rec[m], kind=kind)
            cells[str(rec[head])] = value if ci == fmt.MISSING else f"{value} ({ci})"
        rows.append({"measure": label[m] + " (95% interval)", **cells})
    return pd.DataFrame(rows).astype(object)


def summary_findings(sections: dict[str, dict], program=None) -> list[tuple[str, str]]:
    """The three to five findings that matter, each with the section it comes from."""
    out: list[tuple[str, str]] = []
    plan, cov = sections.get("planning", {}), sections.get("coverage", {})
    if plan.get("available"):
        n = plan.get("numbers", {})
        now = _current_share(cov, n.get("response_id"))
        if n.get("plan_covered_share") is not None and now is not None:
            out.append((
                f"At the same budget ({fmt.number(n.get('budget_team_hours_per_week'))} team-hours a week), "
                f"different beats and hours would reach {fmt.share(n['plan_covered_share'], 0)} of eligible calls "
                f"instead of {fmt.share(now, 0)} for the program as it stands.", "planning"))
        else:
            out.append((plan.get("headline", ""), "planning"))
    risk = sections.get("risk", {})
    if risk.get("lead"):
        n_cannot = len(risk["lead"]) - 1
        out.append((f"{n_cannot} risk rules cannot fire on this data (their inputs are empty), so the share of calls "
                    "at risk is a floor, not a measure of safety.", "risk"))
    for key in ("volume", "coverage", "location"):
        sec = sections.get(key, {})
        if sec.get("available") and sec.get("headline") and len(out) < 5:
            out.append((sec["headline"], key))
    missing = [k for k in ("response_time", "workload", "use_of_force") if k in sections and not sections[k].get("available")]
    if missing and len(out) < 5:
        out.append((f"{len(missing)} sections cannot be computed from this data ({', '.join(m.replace('_', ' ') for m in missing)}); "
                    "each says what it would need.", missing[0]))
    return [(text, key) for text, key in out if text][:5]


def _current_share(coverage: dict, response_id: str | None) -> float | None:
    table = (coverage.get("tables") or {}).get("program")
    if table is None or response_id is None or "response" not in table.columns:
        return None
    row = table[table["response"] == response_id]
    if row.empty:
        return None
    value = row["share_in_area_and_hours"].iloc[0]
    return None if pd.isna(value) else float(value)
