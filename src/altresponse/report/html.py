"""Render sections as one self-contained, offline HTML page (Vega-Lite JS inlined)."""

from __future__ import annotations

import html
import json
import math
from typing import Any

import pandas as pd

MAX_ROWS = 30
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

CSS = """
body{font:15px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1a1a1a;background:#fafafa}
main{max-width:980px;margin:0 auto;padding:0 24px 48px}
.confidential{background:#8b0000;color:#fff;text-align:center;padding:6px;font-weight:600;letter-spacing:.04em;position:sticky;top:0;z-index:10}
header h1{margin:24px 0 4px;font-size:26px}
.meta{color:#555;font-size:13px}
nav{margin:16px 0;font-size:14px} nav a{margin-right:12px;color:#1b5e20}
section{background:#fff;border:1px solid #e0e0e0;border-radius:6px;padding:16px 22px;margin:22px 0}
section h2{margin:0 0 2px;font-size:21px}
.question{color:#666;margin:0 0 10px;font-style:italic}
.headline{font-size:18px;font-weight:600;margin:8px 0 10px;color:#0b3d0b}
.unavailable{font-size:16px;color:#7a4b00;background:#fff6e5;border-left:4px solid #f0a020;padding:8px 12px}
.gap{color:#7a4b00;font-size:14px;margin:4px 0}
.chart{margin:14px 0 4px} .caption{font-size:13px;color:#444;margin:12px 0 0;font-weight:600}
table{border-collapse:collapse;font-size:12.5px;margin:6px 0 4px;width:auto}
th,td{border-bottom:1px solid #eee;padding:3px 9px;text-align:right;white-space:nowrap}
th{background:#f3f3f3;position:sticky;top:30px} td.t,th.t{text-align:left}
details{margin:10px 0} summary{cursor:pointer;color:#1b5e20;font-weight:600;font-size:14px}
.note{color:#666;font-size:12px}
"""


def _fmt_cell(col: str, value: Any) -> tuple[str, bool]:
    """(text, is_text) for one table cell."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return "", False
    if isinstance(value, bool):
        return ("yes" if value else "no"), True
    if isinstance(value, (int,)) or (hasattr(value, "dtype") and "int" in str(getattr(value, "dtype", ""))):
        return f"{int(value):,}", False
    if isinstance(value, float):
        if col.startswith("share") or col.endswith("_share") or col.endswith("_rate") or col == "share":
            return f"{value * 100:.1f}%", False
        if abs(value) >= 100:
            return f"{value:,.0f}", False
        return f"{value:,.2f}", False
    if hasattr(value, "isoformat"):
        text = value.isoformat()
        return (text[:10] if text.endswith("T00:00:00") or len(text) == 10 else text.replace("T", " ")[:16]), True
    return str(value), True


def table_html(name: str, df: pd.DataFrame, csv_name: str) -> str:
    if len(df) == 0:
        return f'<p class="note">Table {html.escape(name.replace("_", " "))}: no rows.</p>'
    shown = df.head(MAX_ROWS)
    head = "".join(f'<th class="{"t" if df[c].dtype == object else ""}">{html.escape(str(c))}</th>' for c in df.columns)
    rows = []
    for rec in shown.itertuples(index=False):
        cells = []
        for col, value in zip(df.columns, rec):
            text, is_text = _fmt_cell(str(col), value.item() if hasattr(value, "item") else value)
            cells.append(f'<td class="{"t" if is_text else ""}">{html.escape(text)}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    more = f" (first {MAX_ROWS} of {len(df):,} rows)" if len(df) > MAX_ROWS else f" ({len(df):,} rows)"
    return (
        f'<details><summary>Table: {html.escape(name.replace("_", " "))}{more}</summary>'
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        f'<p class="note">Full table: {html.escape(csv_name)}</p></details>'
    )


def section_html(key: str, sec: dict, charts: list[tuple[str, str, dict]], csv_names: dict[str, str]) -> str:
    parts = [f'<section id="{key}"><h2>{html.escape(TITLES.get(key, key))}</h2>']
    if key in QUESTIONS:
        parts.append(f'<p class="question">{html.escape(QUESTIONS[key])}</p>')
    if not sec.get("available", False):
        parts.append(f'<p class="unavailable">Not available for this data: {html.escape(sec.get("why", ""))}</p></section>')
        return "".join(parts)
    parts.append(f'<p class="headline">{html.escape(sec.get("headline", ""))}</p>')
    if sec.get("findings"):
        parts.append("<ul>" + "".join(f"<li>{html.escape(f)}</li>" for f in sec["findings"]) + "</ul>")
    for part, why in sec.get("gaps", {}).items():
        parts.append(f'<p class="gap">Not shown ({html.escape(part.replace("_", " "))}): {html.escape(why)}</p>')
    for chart_id, caption, _spec in charts:
        parts.append(f'<p class="caption">{html.escape(caption)}</p><div class="chart" id="{chart_id}"></div>')
    for name, df in sec.get("tables", {}).items():
        if isinstance(df, pd.DataFrame):
            parts.append(table_html(name, df, csv_names.get(name, "")))
    parts.append("</section>")
    return "".join(parts)


def page(*, title: str, meta: list[str], sections_html: list[str], nav: list[tuple[str, str]], specs: dict[str, dict], vega_js: str) -> str:
    spec_json = json.dumps(specs, default=str, allow_nan=False).replace("</", "<\\/")
    script = vega_js.replace("</script", "<\\/script")
    nav_html = "".join(f'<a href="#{k}">{html.escape(t)}</a>' for k, t in nav)
    meta_html = "".join(f'<div class="meta">{html.escape(m)}</div>' for m in meta)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title><style>{CSS}</style>
<script>{script}</script></head>
<body><div class="confidential">CONFIDENTIAL — analyst report: small counts and places are shown; do not publish</div>
<main><header><h1>{html.escape(title)}</h1>{meta_html}</header><nav>{nav_html}</nav>
{''.join(sections_html)}
</main>
<script>
const SPECS = {spec_json};
window.chartsRendered = 0;
window.chartErrors = [];
for (const [id, spec] of Object.entries(SPECS)) {{
  vegaEmbed('#' + id, spec, {{renderer: 'svg', actions: false}})
    .then(() => {{ window.chartsRendered += 1; }})
    .catch((err) => {{ window.chartErrors.push(id + ': ' + err); console.error(err); }});
}}
</script></body></html>
"""
