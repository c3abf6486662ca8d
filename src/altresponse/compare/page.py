"""Write a compare document as ``compare.html`` (the report's layout), ``compare.json`` and CSVs."""

from __future__ import annotations

import datetime as dt
import html
import json
from pathlib import Path
from typing import Any

import pandas as pd


CSV_TABLES = ("rows", "by_category", "by_hour_of_week", "published")
# charts are as wide as the page ("container" width: vega-embed's own inline-block would be 0 wide)
CSS = """<style>div.chart.vega-embed{width:100%;display:flex} .scroll{overflow-x:auto;max-width:100%}
section th{position:static} table.matrix td,table.matrix th{white-space:normal;vertical-align:top;min-width:5.5em}
table.matrix td small{color:#7a4b00} ul.why{font-size:13px;color:#444;margin:4px 0 12px} .meta,ul.why,section p{overflow-wrap:anywhere}
@media (max-width:600px){main{padding:0 10px 32px} section{padding:12px 10px} nav a{display:inline-block;margin:2px 10px 2px 0}}</style>"""


def write_compare(doc: dict[str, Any], out: str | Path, *, title: str = "Programs side by side: any city's program on any city's calls") -> dict[str, Any]:
    """Write ``OUT/compare.html``, ``OUT/compare.json`` and ``OUT/compare__<table>.csv``.

    Returns
    -------
    dict
        ``{"html": path, "json": path, "csv": [paths]}``.
    """
    from .. import layout

    out = layout.output_dir(out)
    csvs = []
    for key in CSV_TABLES:
        frame = _frame(doc, key)
        path = out / f"compare__{key}.csv"
        frame.to_csv(path, index=False)
        csvs.append(str(path))
    (out / "compare.json").write_text(json.dumps(doc, indent=2, allow_nan=False, default=_default))
    (out / "compare.html").write_text(render(doc, title=title))
    return {"html": str(out / "compare.html"), "json": str(out / "compare.json"), "csv": csvs}


def _frame(doc: dict, key: str) -> pd.DataFrame:
    frame = pd.DataFrame(doc.get(key, []))
    frame = frame.drop(columns=[c for c in ("why_general", "why_here") if c in frame.columns])
    for col in ("caveats", "notes", "why_they_differ"):
        if col in frame.columns:
            frame[col] = frame[col].map(lambda v: " | ".join(v) if isinstance(v, list) else v)
    return frame


def _default(value: Any):
    if hasattr(value, "item"):
        return value.item()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def render(doc: dict[str, Any], *, title: str) -> str:
    """The page as one HTML string (Vega-Lite inlined, as the analyst report)."""
    from .. import layout
    from . import charts

    rows = pd.DataFrame(doc["rows"])
    stores = pd.DataFrame(doc["stores"])
    specs: dict[str, dict] = {}
    sections, nav = [], []

    def add(key: str, heading: str, question: str, body: str, pairs: list[tuple[str, dict]]) -> None:
        parts = [body]
        for i, (caption, spec) in enumerate(pairs):
            chart_id = f"chart-{key}-{i}"
            specs[chart_id] = spec
            parts.append(layout.chart(chart_id, caption, alt_text=f"{caption} (chart; the numbers are in the table and the CSV files)"))
        sections.append(layout.section(key, heading, "".join(parts), question=question))
        nav.append((key, heading))

    add("table", "One table", "If we ran their program on our calls, how many would it take?",
        CSS + _matrix(rows, stores) + _store_caveats(doc["stores"])
        + layout.table("every response", _frame(doc, "rows"), note="All numbers: compare__rows.csv"),
        charts.share_chart(rows, "eligible_share", "eligible share of all calls (planned response)"))
    add("hours", "Within the program's hours", "How many eligible calls come while the program works?",
        '<p class="note">Share of eligible calls with a time of day that fall within the planned response\'s hours '
        "(judged by each program's period on its as-of date). Stores with dates only are left out.</p>",
        charts.share_chart(rows, "answerable_share", "eligible calls within the program's hours (planned response)"))
    add("published", "Published figures beside ours", "Where a program published its eligible share or volume, how does ours compare, and why do they differ?",
        _published(doc["published"]), [])
    add("categories", "By category", "Which kinds of calls would each program take in each city?",
        '<p class="note">Eligible calls per 1,000 of each store\'s calls, so cities of different sizes compare.</p>',
        charts.category_charts(pd.DataFrame(doc["by_category"]), stores, doc["programs"]))
    untimed = [s["store"] for s in doc["stores"] if any(c["code"] == "dates_only" for c in s["caveats"])]
    add("hour_of_week", "By hour of the week", "When do the eligible calls come?",
        '<p class="note">Each store\'s eligible calls spread over the week\'s 168 hours (shares sum to 100% per store).'
        + (f" Not drawn (dates only): {html.escape(', '.join(untimed))}." if untimed else "") + "</p>",
        charts.hour_charts(pd.DataFrame(doc["by_hour_of_week"]), doc["programs"], list(stores["store"])))
    meta = [f"Calls: {s['store']}, {s['calls']:,} calls {s['first']} to {s['last']}" for s in doc["stores"]]
    meta += ["Programs: " + "; ".join(f"{p['name']} ({p['id']} {p['version']}, judged as of {p['as_of']})" for p in doc["programs"])]
    meta.append(f"Generated: {dt.datetime.now().astimezone().isoformat(timespec='seconds')}")
    return layout.page(title, sections, confidential=True, meta=meta, nav=nav, specs=specs)


def _matrix(rows: pd.DataFrame, stores: pd.DataFrame) -> str:
    """Programs (planned response) x stores: share, eligible calls, in-hours share, caveat codes."""
    if rows.empty:
        return '<p class="note">No rows.</p>'
    planned = rows[rows["planned"]]
    heads = "".join(f"<th>{html.escape(s)}</th>" for s in stores["store"])
    body = []
    for prog, grp in planned.groupby("program", sort=False):
        cells = []
        for s in stores["store"]:
            r = grp[grp["store"] == s]
            if r.empty:
                cells.append("<td></td>")
                continue
            r = r.iloc[0]
            hours = "in hours: n/a" if pd.isna(r["answerable_share"]) else f"in hours: {r['answerable_share']:.0%}"
            area = [c for c in r["caveats"] if c.startswith("area_") or c == "not_operating"]
            cells.append(
                f"<td><b>{r['eligible_share']:.1%}</b><br>{r['eligible_calls']:,} of {r['calls']:,}<br>{hours}"
                + (f"<br><small>{html.escape(', '.join(area))}</small>" if area else "") + "</td>"
            )
        body.append(f'<tr><td class="t">{html.escape(prog)}<br><small>{html.escape(grp.iloc[0]["response"])}</small></td>{"".join(cells)}</tr>')
    return (f'<div class="scroll"><table class="matrix"><thead><tr><th class="t">program (planned response)</th>{heads}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table></div>")


def _store_caveats(stores: list[dict]) -> str:
    items = []
    for s in stores:
        for c in s["caveats"]:
            items.append(f"<li><b>{html.escape(s['store'])}</b> ({html.escape(c['code'])}): {html.escape(c['text'])}</li>")
    area = ("<li><b>area_other_city</b>: the program's beats are its own city's, so in-area figures are not computed here; "
            "<b>area_unnamed</b>: its area is named by the city applying it (--area NAME=BEATS); "
            "<b>not_operating</b>: no period in effect on the as-of date.</li>")
    return f'<p class="caption">Caveats</p><ul class="why">{"".join(items)}{area}</ul>'


def _published(figures: list[dict]) -> str:
    if not figures:
        return '<p class="note">None of these programs publishes an eligible share or volume.</p>'
    parts = []
    by_fig: dict[tuple, list[dict]] = {}
    for f in figures:
        by_fig.setdefault((f["program_id"], f["figure_id"]), []).append(f)
    for (prog, _fid), fs in by_fig.items():
        f0 = fs[0]
        theirs = f"{f0['theirs_share']:.1%}" if f0["theirs_share"] is not None else "—"
        per_year = f"{f0['theirs_per_year']:,.0f}" if f0["theirs_per_year"] is not None else "—"
        head = (f'<p class="headline">{html.escape(prog)}: theirs {theirs} of {html.escape(f0["denominator"])}; '
                f"{per_year} a year</p><p>{html.escape(f0['published'])} <span class=\"note\">({html.escape(f0['published_source'])})</span></p>")
        rows = "".join(
            f'<tr><td class="t">{html.escape(f["store_source"])}</td><td>{_pct(f["ours_share"])}{_of(f["ours_denominator"])}</td>'
            f'<td>{_pct(f["theirs_share"])}</td><td>{_num(f["ours_per_year"])}</td><td>{_num(f["theirs_per_year"])}</td></tr>' for f in fs)
        table = ('<div class="scroll"><table><thead><tr><th class="t">calls of</th><th>ours: share</th><th>theirs: share</th>'
                 f"<th>ours: a year</th><th>theirs: a year</th></tr></thead><tbody>{rows}</tbody></table></div>")
        why = list(dict.fromkeys([*f0["why_general"], *(w for f in fs for w in f["why_here"])]))
        parts.append(head + table + '<p class="caption">Why they differ</p><ul class="why">' + "".join(f"<li>{html.escape(w)}</li>" for w in why) + "</ul>")
    return "".join(parts)


def _of(n) -> str:
    return "" if n is None else f" <small>of {n:,}</small>"


def _pct(v) -> str:
    return "—" if v is None else f"{v:.1%}"


def _num(v) -> str:
    return "—" if v is None else f"{v:,.0f}"
