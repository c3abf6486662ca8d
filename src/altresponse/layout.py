"""The one page layout the analyst report, the public site and the compare page share.

A page is a title, a few lines of meta, an optional "what this means" box, and sections; each
section holds text, charts (Vega-Lite specs drawn offline by the inlined Vega bundle) and
tables. Everything is in one HTML string: no CDN, no server, works from ``file://``.

Readable on a phone: the main column is at most 980 px and shrinks with the viewport; a chart
scales down to its card (its SVG keeps its aspect ratio); a wide table scrolls inside its card,
never the page. Accessible: every chart has a text alternative (``aria-label``) and a table
view; colour is never the only signal (charts carry labels or legends).

The API (keyword arguments after the first ones)::

    from altresponse import layout
    body = layout.chart("chart-volume-0", "Calls by month", alt_text="...") + layout.table(...)
    html = layout.page("Title", [layout.section("volume", "Volume", body)], confidential=True,
                       meta=["Calls: durham, 4,033 calls"], specs={"chart-volume-0": spec})
"""

from __future__ import annotations

import html
import json
import os
from pathlib import Path
from typing import Any, Iterable, Mapping

import pandas as pd

from . import fmt
from .errors import InputError

MAX_ROWS = 30

CSS = """
*{box-sizing:border-box}
body{font:16px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1a1a1a;background:#fafafa}
main{max-width:980px;margin:0 auto;padding:0 16px 48px}
.banner{text-align:center;padding:6px 10px;font-weight:600;letter-spacing:.02em;position:sticky;top:0;z-index:10}
@media (max-width:600px){.banner{position:static;font-size:14px}}
.banner.confidential{background:#8b0000;color:#fff}
.banner.public{background:#0b3d0b;color:#fff}
header h1{margin:20px 0 4px;font-size:clamp(21px,5vw,28px);line-height:1.2}
.meta{color:#4a4a4a;font-size:14px}
nav{margin:14px 0;font-size:15px;display:flex;flex-wrap:wrap;gap:4px 14px} nav a{color:#1b5e20}
section{background:#fff;border:1px solid #e0e0e0;border-radius:6px;padding:14px 16px;margin:20px 0;max-width:100%;overflow-wrap:break-word}
section h2{margin:0 0 2px;font-size:21px}
.question{color:#555;margin:0 0 10px;font-style:italic}
.headline{font-size:18px;font-weight:600;margin:8px 0 10px;color:#0b3d0b}
.summary{background:#eef6ee;border:2px solid #1b7837;border-radius:6px;padding:12px 16px;margin:18px 0}
.summary h2{margin:0 0 6px;font-size:20px} .summary ol{margin:0;padding-left:22px} .summary li{margin:4px 0}
.unavailable,.needs{font-size:16px;color:#5c3800;background:#fff6e5;border-left:4px solid #f0a020;padding:8px 12px}
.gap{color:#5c3800;font-size:15px;margin:4px 0}
.figure{font-size:30px;font-weight:700;color:#0b3d0b;margin:4px 0 0}
.figure-label{margin:0 0 10px;color:#333}
.chart{margin:8px 0 4px;max-width:100%;overflow:hidden}
div.chart,div.chart.vega-embed{display:block;width:100%;max-width:100%} .chart svg{max-width:100%;height:auto;display:block}
.caption{font-size:15px;color:#333;margin:14px 0 0;font-weight:600}
.scroll{max-width:100%;overflow-x:auto}
.scroll:focus{outline:2px solid #1b5e20}
table{border-collapse:collapse;font-size:14px;margin:6px 0 4px}
th,td{border-bottom:1px solid #e6e6e6;padding:3px 9px;text-align:right;white-space:nowrap}
th{background:#f3f3f3} td.t,th.t{text-align:left;white-space:normal;min-width:7em}
td,th{overflow-wrap:normal}
abbr{text-decoration:underline dotted;cursor:help}
details{margin:10px 0} summary{cursor:pointer;color:#1b5e20;font-weight:600;font-size:15px}
.note{color:#4a4a4a;font-size:14px}
a.csv{font-size:14px;color:#1b5e20}
"""

_VEGA_JS: dict[str, str] = {}


def vega_js() -> str:
    """The vega-embed + Vega + Vega-Lite bundle for Altair's Vega-Lite version, built offline by
    vl-convert (~8 s the first time, so kept for the process and in ``~/.cache/altresponse``)."""
    import altair as alt
    import vl_convert as vlc

    # Altair's public schema version (e.g. "v6.4.1") names the bundle vl-convert builds ("v6_4").
    vl_version = "v" + "_".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    key = f"{vl_version}-{getattr(vlc, '__version__', 'x')}"
    if key in _VEGA_JS:
        return _VEGA_JS[key]
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "altresponse" / f"vega-embed-{key}.js"
    try:
        text = cache.read_text()
    except OSError:
        text = vlc.javascript_bundle(vl_version=vl_version)
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            tmp = cache.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(text)
            tmp.replace(cache)
        except OSError:
            pass  # a read-only home only costs time
    _VEGA_JS[key] = text
    return text


def esc(text: Any) -> str:
    """HTML-escape any value as text."""
    return html.escape("" if text is None else str(text))


def chart(chart_id: str, caption: str, *, alt_text: str, csv_href: str | None = None) -> str:
    """A captioned chart slot (drawn by the page script from ``specs[chart_id]``).

    ``alt_text`` is the chart's text alternative (read by screen readers); ``csv_href`` adds a
    download link for the chart's numbers.
    """
    link = f' <a class="csv" href="{esc(csv_href)}" download>Download the numbers (CSV)</a>' if csv_href else ""
    return (
        f'<p class="caption" id="caption-{esc(chart_id)}">{esc(caption)}{link}</p>'
        f'<div class="chart" id="{esc(chart_id)}" role="img" aria-label="{esc(alt_text)}"></div>'
    )


def table(
    title: str,
    df: pd.DataFrame,
    *,
    labels: Mapping[str, str] | None = None,
    kinds: Mapping[str, fmt.Kind] | None = None,
    names: Mapping[str, Mapping[str, str]] | None = None,
    note: str = "",
    open_: bool = False,
    max_rows: int = MAX_ROWS,
) -> str:
    """A table inside a collapsible block that scrolls sideways inside its card.

    Parameters
    ----------
    labels
        Plain column headings by column name (default: the name with spaces).
    kinds
        :mod:`altresponse.fmt` kind per column (default: from the column name).
    names
        Per column, value → plain name shown instead, with the value (a code) in a tooltip
        (e.g. ``{"canonical_type": {"EDP": "Emotional disturbance"}}``).
    note
        A line under the table (e.g. where the full CSV is).
    """
    labels, kinds, names = labels or {}, kinds or {}, names or {}
    if len(df) == 0:
        return f'<p class="note">{esc(title)}: no rows.</p>'
    shown = df.head(max_rows)
    cols = list(df.columns)
    text_cols = {c for c in cols if kinds.get(c) == "text" or pd.api.types.is_bool_dtype(df[c])
                 or (c not in kinds and not pd.api.types.is_numeric_dtype(df[c]))}
    def column(c):
        if pd.api.types.is_bool_dtype(shown[c]):
            return ["yes" if v else "no" for v in shown[c]]
        if c in text_cols:
            return [fmt.value(v, kind="text") for v in shown[c]]
        return fmt.column(shown[c], kind=kinds.get(c) or fmt.kind_of(c))

    formatted = {c: column(c) for c in cols}
    head = "".join(f'<th scope="col" class="{"t" if c in text_cols else ""}">{esc(labels.get(c, str(c).replace("_", " ")))}</th>' for c in cols)
    rows = []
    for i in range(len(shown)):
        cells = []
        for c in cols:
            text, raw = formatted[c][i], str(shown[c].iloc[i])
            name = names.get(c, {}).get(raw)
            inner = f'<abbr title="code {esc(raw)}">{esc(name)}</abbr>' if name and name != raw else esc(text)
            cells.append(f'<td class="{"t" if c in text_cols else ""}">{inner}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    more = f" (first {max_rows} of {len(df):,} rows)" if len(df) > max_rows else f" ({len(df):,} rows)"
    note_html = f'<p class="note">{esc(note)}</p>' if note else ""
    return (
        f'<details{" open" if open_ else ""}><summary>Table: {esc(title)}{more}</summary>'
        f'<div class="scroll" tabindex="0" role="region" aria-label="{esc(title)} (table)">'
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>{note_html}</details>"
    )


def section(section_id: str, title: str, body: str, *, question: str | None = None) -> str:
    """One card: a heading (``id`` for links), an optional italic question, then ``body`` HTML."""
    q = f'<p class="question">{esc(question)}</p>' if question else ""
    return f'<section id="{esc(section_id)}"><h2>{esc(title)}</h2>{q}{body}</section>'


def summary(findings: Iterable[tuple[str, str]], *, title: str = "What this means") -> str:
    """The box at the top: each finding ``(text, section id)`` links to its section."""
    items = "".join(f'<li>{esc(text)} <a href="#{esc(target)}">See {esc(target.replace("_", " "))}</a></li>' for text, target in findings)
    if not items:
        return ""
    return f'<div class="summary" role="region" aria-labelledby="summary-h"><h2 id="summary-h">{esc(title)}</h2><ol>{items}</ol></div>'


def _fit(spec: dict) -> dict:
    """A spec that draws at its card's width: single and layered views take ``width="container"``
    (facets and concatenations cannot, so the CSS scales them down instead); Vega's per-mark
    ARIA is off because the chart's slot carries ``role="img"`` and the text alternative."""
    spec = {**spec, "config": {**(spec.get("config") or {}), "aria": False}}
    if ("mark" in spec or "layer" in spec) and isinstance(spec.get("width"), (int, float)):
        spec["width"] = "container"
        spec["autosize"] = {"type": "fit-x", "contains": "padding"}
    return spec


def page(
    title: str,
    sections: Iterable[str],
    *,
    confidential: bool,
    meta: Iterable[str] = (),
    nav: Iterable[tuple[str, str]] = (),
    summary_html: str = "",
    specs: Mapping[str, dict] | None = None,
) -> str:
    """The whole page as one HTML string.

    Parameters
    ----------
    title
        Page title and heading.
    sections
        HTML of each section (from :func:`section`).
    confidential
        True: a red "CONFIDENTIAL, do not publish" banner (analyst pages); False: a public banner.
    meta
        Lines under the title (data, program, data-as-of date).
    nav
        ``(section id, label)`` links.
    summary_html
        The "what this means" box (from :func:`summary`), placed above the sections.
    specs
        Vega-Lite specs by chart id; the page draws each into the element with that id, counts
        ``window.chartsRendered`` and collects failures in ``window.chartErrors``.
    """
    # the chart's slot carries role="img" and the text alternative, so Vega's own per-mark ARIA
    # (marks with a role but no label, which axe flags) is switched off
    specs = {k: _fit(v) for k, v in (specs or {}).items()}
    banner = (
        '<div class="banner confidential">CONFIDENTIAL: analyst report with small counts and places; do not publish</div>'
        if confidential
        else '<div class="banner public">Public page: counts under the privacy threshold are hidden</div>'
    )
    nav_html = "".join(f'<a href="#{esc(k)}">{esc(t)}</a>' for k, t in nav)
    meta_html = "".join(f'<p class="meta">{esc(m)}</p>' for m in meta)
    spec_json = json.dumps(specs, default=str, allow_nan=False).replace("</", "<\\/")
    script = vega_js().replace("</script", "<\\/script") if specs else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title><style>{CSS}</style>
<script>{script}</script></head>
<body>{banner}
<main><header><h1>{esc(title)}</h1>{meta_html}</header><nav aria-label="Sections">{nav_html}</nav>
{summary_html}
{''.join(sections)}
</main>
<script>
const SPECS = {spec_json};
window.chartsRendered = 0;
window.chartErrors = [];
for (const [id, spec] of Object.entries(SPECS)) {{
  vegaEmbed('#' + id, spec, {{renderer: 'svg', actions: false}})
    .then(() => {{
      // the slot has role="img" and the text alternative; the drawing itself is decoration
      document.querySelectorAll('#' + id + ' svg').forEach((svg) => svg.setAttribute('aria-hidden', 'true'));
      window.chartsRendered += 1;
    }})
    .catch((err) => {{ window.chartErrors.push(id + ': ' + err); console.error(err); }});
}}
</script></body></html>
"""


def output_dir(out: str | Path) -> Path:
    """The folder a page and its JSON and CSV files go into, made if missing.

    Raises
    ------
    InputError
        If it cannot be made (``OUT: cannot create the output directory (reason)``).
    """
    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        msg = f"{out}: cannot create the output directory ({exc.strerror})"
        raise InputError(msg) from None
    return out
