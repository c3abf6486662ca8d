"""The analyst's report: one offline HTML page, ``report.json`` and a CSV per table.

``write_report(store, program_path, out)`` reads ``STORE/classified/<program id>.parquet``
(and ``STORE/force`` when present), runs every ``analyze`` section, and writes

- ``OUT/report.html`` — one self-contained file (Vega-Lite JS inlined, maps drawn from the
  beats GeoJSON with ``mark_geoshape``; no CDN, no tiles), marked CONFIDENTIAL;
- ``OUT/report.json`` — one top-level key per section (plus ``planning`` when available),
  holding every number the page shows;
- ``OUT/<section>__<table>.csv`` — each table in full.

Planning: ``report/planning.py`` runs ``plan`` and ``simulate`` for the program period in effect
on ``as_of`` and passes the results to ``analyze.planning`` (the report composes them); callers
may also pass ``planning=`` directly.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

import pandas as pd

from .. import store as store_mod
from ..analyze import SECTIONS, analyze

__all__ = ["build_sections", "data_summary", "load_inputs", "sections_to_json", "write_report", "render"]


def load_inputs(store: str | Path, program_path: str | Path, *, as_of=None, typemap=None, notes: list | None = None, con=None):
    """The classified table, the force table (or None) and the program for a report.

    Labels stored for the program are used only if they were made with this program (version
    and content), ``as_of`` and type map; otherwise the store is classified again
    (:func:`altresponse.relabel.stored_or_fresh`). ``notes`` (a list) receives one line per
    thing the reader must know: labels recomputed, calls in another time zone than the program.

    Raises
    ------
    InputError
        When the store has neither labels for the program nor calls to classify.
    """
    from ..clock import mismatch_text, zones
    from ..relabel import stored_or_fresh
    from ..program import load_program

    program = load_program(program_path)
    force = store_mod.read_table(store, "force", con=con) if store_mod.parts(store, "force") else None
    classified, note = stored_or_fresh(store, program, as_of=as_of, typemap=typemap, con=con)
    zone = mismatch_text({"program": program.timezone, "data": zones(classified)})
    if notes is not None:
        notes += [n for n in (note, zone) if n]
    return classified, force, program


def build_sections(
    classified, *, force=None, program=None, planning: dict | bool | None = None, as_of=None, evaluation: dict | None = None
) -> dict[str, dict]:
    """Every analysis section, plus ``planning`` (computed unless given).

    ``planning=False`` leaves the planning section out (it simulates, so it is the slow one).
    ``as_of`` picks the program period the planning section plans from; without it the section
    says so (the CLI passes today by default).
    """
    sections = analyze(classified, force=force)
    risk = sections.get("risk", {})
    if program is not None and risk.get("available"):
        from ..analyze.risk import rules_that_cannot_fire

        cannot = rules_that_cannot_fire(classified, program)
        if cannot:  # said before any share: a 0% from rules that cannot fire is missing data, not safety
            risk["lead"] = [
                f"{len(cannot)} of {len(program.risk_rules)} risk rules cannot fire on this data, so the share below "
                "counts only what the other rules can see:", *cannot]
    if planning is False:
        return sections
    if planning is None:
        planning = _planning_section(classified, program, as_of)
    if planning is not None:
        sections["planning"] = planning
    if evaluation is not None:  # an evaluation document (altresponse evaluate --out): report/evaluation.py
        from .evaluation import evaluation_section

        sections["evaluation"] = evaluation_section(evaluation)
    return sections


def data_summary(classified) -> str:
    """One line naming the calls a report reads: source(s), how many, and the dates they span.

    The program (e.g. Durham's) can be applied to another city's calls, so the page must say
    whose calls these are, e.g. ``"Calls: decc_virginia, 22,147 calls received 2025-08-24 to 2025-11-29"``.
    """
    by_source = classified.group_by("source").aggregate(
        calls=classified.count(), first=classified.received_date.min(), last=classified.received_date.max()
    ).order_by("source").to_pandas()
    if by_source.empty:
        return "Calls: none"
    names = ", ".join(str(s) for s in by_source["source"])
    first, last = by_source["first"].min(), by_source["last"].max()
    span = f" received {pd.Timestamp(first):%Y-%m-%d} to {pd.Timestamp(last):%Y-%m-%d}" if pd.notna(first) else ""
    return f"Calls: {names}, {int(by_source['calls'].sum()):,} calls{span}"


def _planning_section(classified, program, as_of) -> dict:
    from ..analyze._common import unavailable
    from .planning import planning

    if as_of is None and program is not None:
        return unavailable("No date was given for the program period to plan from (as_of).")
    return planning(classified, program, as_of=as_of)


def _plain(value: Any) -> Any:
    if value is None or value is pd.NaT:
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def sections_to_json(sections: dict[str, dict]) -> dict[str, Any]:
    """JSON-ready copy: tables become lists of row objects; NaN becomes null."""
    out = {}
    for key, sec in sections.items():
        doc = {}
        for k, v in sec.items():
            if k == "tables":
                doc[k] = {
                    name: [{c: _plain(x) for c, x in row.items()} for row in df.to_dict(orient="records")]
                    for name, df in v.items()
                }
            else:
                doc[k] = _plain(v)
        out[key] = doc
    return out


def render(
    sections: dict[str, dict],
    *,
    title: str,
    meta: list[str],
    beat_features: list[dict] | None = None,
    program=None,
) -> str:
    """The report page as one HTML string (the shared :mod:`altresponse.layout`)."""
    from .. import layout
    from . import charts as charts_mod
    from ._names import display_names, display_section, long_table, summary_findings
    from .html import TITLES, section_html

    names = display_names(program)
    specs: dict[str, dict] = {}
    blocks, nav = [], []
    for key, sec in sections.items():
        built = []
        if sec.get("available"):
            shown = display_section(sec, names)  # plain names in the charts; the CSVs keep codes
            builder = charts_mod.BUILDERS.get(key)
            pairs = []
            if builder is not None:
                pairs = builder(shown, beat_features) if key == "location" else builder(shown)
            for i, (caption, chart) in enumerate(pairs):
                chart_id = f"chart-{key}-{i}"
                spec = chart.to_dict()
                specs[chart_id] = spec
                built.append((chart_id, caption, spec))
            for i, (caption, spec) in enumerate(sec.get("charts", []) or []):  # sections may bring Vega-Lite specs
                chart_id = f"chart-{key}-x{i}"
                specs[chart_id] = spec
                built.append((chart_id, caption, spec))
        csv_names = {name: f"{key}__{name}.csv" for name in sec.get("tables", {})}
        wide = {}
        for name, df in sec.get("tables", {}).items():
            reshaped = long_table(df) if isinstance(df, pd.DataFrame) else None
            if reshaped is not None:
                wide[name] = reshaped
        alt_texts = {cid: f"{cap}. The numbers are in the table below." for cid, cap, _ in built}
        blocks.append(section_html(key, sec, built, csv_names, names=names, alt_texts=alt_texts, wide_tables=wide))
        nav.append((key, TITLES.get(key, key)))
    summary = layout.summary(summary_findings(sections, program))
    return layout.page(title, blocks, confidential=True, meta=meta, nav=nav, summary_html=summary, specs=specs)


def write_report(
    sections: dict[str, dict],
    out: str | Path,
    *,
    title: str = "Care-first response: call analysis",
    meta: list[str] | None = None,
    beats: str | Path | None = None,
    program=None,
) -> dict[str, Any]:
    """Write report.html, report.json and one CSV per table into ``out``.

    Returns
    -------
    dict
        ``{"html": path, "json": path, "csv": [paths], "sections": {key: available}}``.
    """
    from .. import layout

    out = layout.output_dir(out)
    features = None
    loc = sections.get("location", {})
    # the map is drawn per beat, else per district (Portland: districts only)
    area = next((a for a in ("beat", "district") if f"by_{a}" in loc.get("tables", {})), None)
    if beats is not None and loc.get("available") and area is not None:
        from ._maps import beat_features

        features, prop = beat_features(beats, list(loc["tables"][f"by_{area}"][area].astype(str)))
        if prop is None:
            loc.setdefault("gaps", {})["map"] = f"No property of {Path(beats).name} matches the calls' {area}s, so no map is drawn."
            features = None
    elif loc.get("available") and area is not None:
        loc.setdefault("gaps", {})["map"] = "No beats GeoJSON was given (--beats), so no map is drawn."
    csvs = []
    for key, sec in sections.items():
        for name, df in sec.get("tables", {}).items():
            p = out / f"{key}__{name}.csv"
            df.to_csv(p, index=False)
            csvs.append(str(p))
    doc = {"title": title, "meta": list(meta or []), "confidential": True, **sections_to_json(sections)}
    for key in SECTIONS:
        doc.setdefault(key, {"available": False, "why": "not computed"})
    (out / "report.json").write_text(json.dumps(doc, indent=2, allow_nan=False, default=str))
    (out / "report.html").write_text(render(sections, title=title, meta=list(meta or []), beat_features=features, program=program))
    return {
        "html": str(out / "report.html"),
        "json": str(out / "report.json"),
        "csv": csvs,
        "sections": {k: bool(v.get("available")) for k, v in sections.items()},
    }


def default_beats(store: str | Path) -> str | None:
    """The beats GeoJSON an ingest recorded in ``STORE/ingests/*.json``, if any still exists."""
    found = None
    for path in sorted(store_mod.table_dir(store, "ingests").glob("*.json")):
        try:
            doc = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        for value in _walk_beats(doc):
            if Path(value).is_file():
                found = value
    return found


def _walk_beats(doc: Any):
    if isinstance(doc, dict):
        for k, v in doc.items():
            if isinstance(v, str) and "beat" in k.lower() and v.lower().endswith((".geojson", ".json")):
                yield v
            else:
                yield from _walk_beats(v)
    elif isinstance(doc, list):
        for v in doc:
            yield from _walk_beats(v)


def write_evaluation_page(doc: dict, out: str | Path, *, title: str) -> Path:
    """Write ``OUT/evaluation.html``: the evaluation section alone, in the report's layout."""
    from .evaluation import evaluation_section, page_meta

    out = Path(out)
    page = render({"evaluation": evaluation_section(doc)}, title=title, meta=page_meta(doc))
    path = out / "evaluation.html"
    path.write_text(page, encoding="utf-8")
    return path
