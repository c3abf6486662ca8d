"""The public progress site: one page on the shared layout, a CSV per chart, nothing private.

``build_site`` takes the classified calls (an Ibis table), the program, and optionally the
service's weekly outcome and follow-up counts and the evaluation's JSON; it writes

- ``SITE/index.html`` — the page (Vega JS inlined; works from ``file://``);
- ``SITE/data/<figure>.csv`` — the numbers behind each chart, as published (hidden cells empty).

Every count passes through :mod:`altresponse.publish.suppress` before it reaches a page, a
chart spec or a CSV; the page only ever sees the suppressed tables.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .. import fmt, layout
from ..layout import esc
from . import charts, figures
from . import program_page
from .suppress import MIN_CELL, hide_rate, suppress_table, suppress_vector

HIDDEN = "hidden"
NEEDS_OUTCOMES = (
    "This figure needs the care service's outcome records (who was sent to each eligible call, and why a "
    "team was not): build the page with `altresponse publish --db URL` pointing at the service's database."
)
NEEDS_FOLLOWUPS = (
    "This figure needs the service's Care Navigation records (follow-ups made, reached, connected): build the "
    "page with `altresponse publish --db URL` pointing at the service's database."
)
NEEDS_TIMES = (
    "Team response times need the time each team was dispatched and arrived. Neither the calls data nor the "
    "service's outcome records carry them yet, so no time is shown rather than a guess."
)
NEEDS_EVALUATION = (
    "No evaluation has been run. Calls and responses going up or down do not show whether the program works: "
    "that needs a comparison with places or times the program did not cover (`altresponse evaluate`), "
    "with its uncertainty. Until then, read the figures above as activity, not as effect."
)


@dataclass
class _Page:
    min_cell: int
    sections: list[str] = field(default_factory=list)
    nav: list[tuple[str, str]] = field(default_factory=list)
    specs: dict[str, dict] = field(default_factory=dict)
    csvs: dict[str, pd.DataFrame] = field(default_factory=dict)
    glance: list[tuple[str, str]] = field(default_factory=list)  # the "at a glance" box: (text, section id)

    def add(self, key: str, title: str, body: str, question: str | None = None) -> None:
        self.sections.append(layout.section(key, title, body, question=question))
        self.nav.append((key, title))


def build_site(
    classified,
    program,
    out: str | Path,
    *,
    beats_geojson: str | Path | None = None,
    outcomes: pd.DataFrame | None = None,
    followups: pd.DataFrame | None = None,
    service_note: str | None = None,
    evaluation: dict | None = None,
    min_cell: int = MIN_CELL,
    generated: dt.date | None = None,
) -> dict[str, Any]:
    """Write the public site into ``out``.

    Parameters
    ----------
    classified
        The classified calls (Ibis table); only aggregates leave the engine.
    program
        The :class:`altresponse.program.Program` the page describes.
    beats_geojson
        Beat polygons for the map (none: the beats are listed, not drawn).
    outcomes, followups
        ``serve.export.outcome_counts`` / ``followup_counts`` frames; None where the service's
        records are absent (the page then says what each figure needs). Only outcome rows
        with ``care_eligible`` are published (:func:`altresponse.publish.figures.care_outcomes`).
    service_note
        Why the service's records are absent, when they were asked for and could not be read.
    evaluation
        The document ``altresponse evaluate --json`` prints (its ``headline``), or None.
    min_cell
        Counts from 1 to ``min_cell - 1`` are hidden, with enough others that none can be worked out.

    Returns
    -------
    dict
        ``{"html": path, "csv": [paths], "hidden_cells": n}``.
    """
    from ..report._names import display_names

    out = Path(out)
    (out / "data").mkdir(parents=True, exist_ok=True)
    for stale in (out / "data").glob("*.csv"):  # a figure dropped since the last build must not linger
        stale.unlink()
    names = display_names(program)
    if outcomes is not None:
        outcomes = figures.care_outcomes(outcomes, {r.id for r in program.responses})
    page = _Page(min_cell)
    as_of = figures.data_as_of(classified)
    starts = [p.start for r in program.responses for p in r.periods if p.start]
    if as_of and starts and as_of < min(starts):
        page.glance.append((f"These calls are all from before the program began ({min(starts):%-d %B %Y}): they show the "
                            "need the program was set up for, not its work.", "program"))
    page.add("program", "What the program is", program_page.describe(program, names), "Who answers which calls, where and when?")
    _month_sections(page, figures.calls_by_month(classified, names, program), figures.eligible_calls(classified))
    _beat_section(page, figures.calls_by_beat(classified), beats_geojson, program)
    _service_sections(page, outcomes, followups, service_note)
    _evaluation_section(page, evaluation)
    page.add("methods", "Methods: what each figure means, and what is hidden", _methods(min_cell), None)
    last_week = figures.outcome_tables(outcomes)["last_week"] if outcomes is not None and len(outcomes) else None
    meta = [
        f"Data as of {as_of:%-d %B %Y}" + (f"; service records to the week of {last_week:%-d %B %Y}" if last_week else "")
        if as_of else "No calls in the data",
        f"Program: {program.name or program.id} (version {program.version})",
        f"Published {(generated or dt.date.today()):%-d %B %Y}. Counts under {min_cell} are hidden.",
    ]
    title = f"{program.name or program.id}: progress"
    summary = layout.summary(page.glance, title="At a glance")
    html = layout.page(title, page.sections, confidential=False, meta=meta, nav=page.nav, specs=page.specs, summary_html=summary)
    (out / "index.html").write_text(html)
    paths = []
    for name, df in page.csvs.items():
        path = out / "data" / f"{name}.csv"
        df.to_csv(path, index=False)
        paths.append(str(path))
    return {"html": str(out / "index.html"), "csv": paths, "sections": [k for k, _ in page.nav]}


# --------------------------------------------------------------------------- tables


def fold_small_columns(counts: pd.DataFrame, *, min_cell: int, into: str) -> pd.DataFrame:
    """Merge columns whose typical month is a small count into one column ``into``.

    A column of mostly hidden cells drags a hidden partner into every row with it (a month's
    total minus the rest would give it away), wiping out a column a reader wants; one merged
    column keeps the rest visible. Every column whose median cell is below ``min_cell`` is merged.
    """
    small_cols = [c for c in counts.columns if counts[c].median() < min_cell]
    if not small_cols:
        return counts
    out = counts.drop(columns=small_cols)
    merged = counts[small_cols].sum(axis=1)
    if into in out.columns:
        out[into] = out[into] + merged
    else:
        out[into] = merged
    return out


def _published(counts: pd.DataFrame, row_name: str, *, min_cell: int, hidden_rows: pd.Series | None = None) -> pd.DataFrame:
    """The suppressed table with its totals as one frame (row label first, "Total" last)."""
    s = suppress_table(counts, min_cell=min_cell, hidden_row_totals=hidden_rows)
    df = s.cells.copy()
    df["Total"] = s.row_totals
    df.loc["Total"] = list(s.col_totals) + [s.total]
    df = df.astype("Int64")
    df.index.name = row_name
    return df.reset_index()


def _published_vector(counts: pd.Series, row_name: str, value_name: str, *, min_cell: int) -> pd.DataFrame:
    shown = suppress_vector(counts, min_cell=min_cell)
    df = pd.DataFrame({row_name: list(counts.index) + ["Total"], value_name: list(shown) + [int(counts.sum())]})
    if int(counts.sum()) < min_cell:
        df[value_name] = pd.array([None] * len(df), dtype="Int64")
    df[value_name] = df[value_name].astype("Int64")
    return df


def _as_text(df: pd.DataFrame) -> pd.DataFrame:
    """Counts as text for the page: thousands separators, and "hidden" where suppressed."""
    out = df.copy()
    for c in out.columns[1:]:
        out[c] = [HIDDEN if pd.isna(v) else fmt.count(v) for v in out[c]]
    return out.astype(object)


def _table(page: _Page, name: str, title: str, df: pd.DataFrame) -> str:
    page.csvs[name] = df
    # every row, totals included: a public table cut at 30 rows would hide its own total
    return layout.table(title, _as_text(df), kinds={c: "text" for c in df.columns}, note=f"Download: data/{name}.csv",
                        max_rows=len(df))


def _period_chart(page: _Page, chart_id: str, df: pd.DataFrame, series: str, caption: str) -> str:
    period = df.columns[0]  # "month" or "quarter"
    long = df[df[period] != "Total"].drop(columns="Total").melt(id_vars=period, var_name=series, value_name="calls")
    long = long[long["calls"].notna()].astype({"calls": "int64"})
    csv_href = f"data/{chart_id.removeprefix('chart-')}.csv"
    if long[period].nunique() == 1:  # one period: a line of one point is two dots in an empty frame
        caption = f"{caption} ({long[period].iloc[0]})"
        page.specs[chart_id] = charts.bar_spec(long, series)
        return layout.chart(chart_id, caption, alt_text=f"{caption}: a bar per group; the numbers are in the table below.",
                            csv_href=csv_href)
    page.specs[chart_id] = charts.line_spec(long, period, series)
    return layout.chart(chart_id, caption, alt_text=f"{caption}. A line per group; the numbers are in the table below.",
                        csv_href=csv_href)


def by_period(counts: pd.DataFrame, hidden_months: pd.Series, *, min_cell: int, into: str) -> tuple[pd.DataFrame, str, pd.Series]:
    """Monthly counts, or quarterly when monthly would hide too much.

    With month totals published, a column that is small every month needs a hidden partner in
    every month, which can wipe out the column a reader came for. Small columns are merged first
    (:func:`fold_small_columns`); if more than a quarter of the cells would still be hidden only
    to protect others, the table is shown by quarter instead. Quarters are sums of months, so
    this is safe only when no month total is hidden (else a quarter minus its other months would
    give a hidden month away): then the table stays monthly.

    Returns
    -------
    (counts, "month" or "quarter", hidden row totals)
    """
    folded = fold_small_columns(counts, min_cell=min_cell, into=into)
    result = suppress_table(folded, min_cell=min_cell, hidden_row_totals=hidden_months)
    complementary = (result.hidden & ~result.primary)[:-1, :-1]
    if complementary.mean() <= 0.25 or hidden_months.any():
        return folded, "month", hidden_months
    quarter = counts.groupby(lambda m: f"{m[:4]}-Q{(int(m[5:7]) - 1) // 3 + 1}").sum()
    quarter = fold_small_columns(quarter, min_cell=min_cell, into=into)
    quarter.index.name = "quarter"
    return quarter, "quarter", pd.Series(False, index=quarter.index)


def _month_sections(page: _Page, tables: dict[str, pd.DataFrame], eligible: tuple[int, int]) -> None:
    k = page.min_cell
    hidden_months = suppress_vector(tables["by_response"].sum(axis=1), min_cell=k).isna()  # shared by both tables
    body = []
    part, whole = eligible
    body.append(f'<p class="figure">{fmt.count(whole) if whole >= k else HIDDEN}</p><p class="figure-label">calls in the data</p>')
    if not hide_rate(part, whole, min_cell=k):
        months = sorted(tables["by_response"].index)
        span = months[0] if months[0] == months[-1] else f"{months[0]} to {months[-1]}"
        page.glance.append((f"{fmt.count(whole)} calls in the data ({span}); under the program's "
                            f"rules {fmt.share(part / whole, 0)} of them could get a care-first response.", "calls"))
    for key, series, into, caption in (
        ("by_response", "response", "other responses (few calls)", "by the response the program's rules recommend"),
        ("by_type", "call type", figures.OTHER_TYPES, "by call type (types the program can take, then all others)"),
    ):
        counts, period, hidden_rows = by_period(tables[key], hidden_months, min_cell=k, into=into)
        pub = _published(counts, period, min_cell=k, hidden_rows=hidden_rows)
        name = f"calls_by_{period}_and_{'response' if key == 'by_response' else 'type'}"
        body.append(_period_chart(page, f"chart-{name}", pub, series, f"Calls each {period}, {caption}"))
        body.append(_table(page, name, f"calls each {period} {caption}", pub))
    body.append('<p class="note">A missing point is a hidden count (see Methods); a table shown by quarter would have '
                'hidden too much by month. "Recommended" is what the program\'s published rules say should answer '
                "the call; what was actually sent is in the next section.</p>")
    page.add("calls", "Calls over time", "".join(body), "How many calls could the program take, and of which kinds?")


def _beat_section(page: _Page, beats: pd.Series, geojson, program) -> None:
    pub = _published_vector(beats, "beat", "calls", min_cell=page.min_cell)
    body = []
    if geojson is not None and len(beats):
        from ..report._maps import beat_features, beat_map

        features, prop = beat_features(geojson, [str(b) for b in beats.index])
        if prop is not None:
            features = [_round_feature(f) for f in features]
            shown = pub[~pub["beat"].isin(["Total", figures.NO_BEAT])]
            values = {str(b): float(v) for b, v in zip(shown["beat"], shown["calls"]) if not pd.isna(v)}
            hidden = {str(b) for b, v in zip(shown["beat"], shown["calls"]) if pd.isna(v)}
            page.specs["chart-calls_by_beat"] = beat_map(features, values, value_title="Calls", hidden=hidden,
                                                         hidden_label=HIDDEN).to_dict()
            body.append(layout.chart(
                "chart-calls_by_beat",
                "Calls by police beat: each beat is labelled; grey means hidden, white with a dashed edge means no calls in the data",
                alt_text="Map of police beats, each labelled with its number of calls. The numbers are in the table below.",
                csv_href="data/calls_by_beat.csv"))
        else:
            body.append(f'<p class="needs">No property of {esc(Path(geojson).name)} matches the calls\' beats, so no map is drawn.</p>')
    else:
        body.append('<p class="needs">No beats map was given, so beats are listed, not drawn.</p>')
    body.append(_table(page, "calls_by_beat", "calls by beat", pub))
    shown = pub[~pub["beat"].isin(["Total", figures.NO_BEAT]) & pub["calls"].notna()]
    if len(shown) and pub["calls"].iloc[-1] is not pd.NA and not pd.isna(pub["calls"].iloc[-1]):
        top = shown.sort_values("calls", ascending=False).iloc[0]
        page.glance.append((f"Beat {top['beat']} has the most calls ({fmt.count(top['calls'])}, "
                            f"{fmt.share(top['calls'] / pub['calls'].iloc[-1], 0)} of all calls).", "beats"))
    page.add("beats", "Where the calls are", "".join(body), "Which neighbourhoods call most?")


def _round_feature(feature: dict) -> dict:
    """Beat outlines to 4 decimals (~10 m): a map of beats needs no finer point."""

    def rnd(c):
        return [rnd(x) for x in c] if isinstance(c, (list, tuple)) else round(float(c), 4)

    geom = feature["geometry"]
    return {**feature, "geometry": {"type": geom["type"], "coordinates": rnd(geom["coordinates"])}}


# --------------------------------------------------------------------------- the service


def _share_figure(part: int, whole: int, label: str, min_cell: int) -> str:
    if hide_rate(part, whole, min_cell=min_cell):
        return (f'<p class="figure">{HIDDEN}</p><p class="figure-label">{esc(label)}: hidden, because it rests on '
                f"fewer than {min_cell} calls or would reveal fewer than {min_cell} (see Methods).</p>")
    return f'<p class="figure">{fmt.share(part / whole, 0)}</p><p class="figure-label">{esc(label)} (of {fmt.count(whole)})</p>'


def _service_sections(page: _Page, outcomes, followups, note: str | None) -> None:
    why = f'<p class="needs">{esc(note)}</p>' if note else ""
    if outcomes is None or not len(outcomes):
        body = why + f'<p class="needs">{esc(NEEDS_OUTCOMES)}</p>'
    else:
        o = figures.outcome_tables(outcomes)
        k = page.min_cell
        hidden_months = suppress_vector(o["sent"].sum(axis=1), min_cell=k).isna()
        counts, period, hidden_rows = by_period(o["sent"], hidden_months, min_cell=k, into="others (few calls)")
        sent = _published(counts, period, min_cell=k, hidden_rows=hidden_rows)
        reasons = _published_vector(o["reasons"], "reason", "calls", min_cell=k)
        body = _share_figure(o["team_calls"], int(o["sent"].to_numpy().sum()), "of eligible calls got the recommended care team", k)
        body += _share_figure(o["no_backup"], o["backup_known"], "of care-team responses needed no police backup", k)
        body += _period_chart(page, f"chart-service_by_{period}_and_sent", sent, "sent", f"Eligible calls each {period}, by who was sent")
        body += _table(page, f"service_by_{period}_and_sent", f"eligible calls each {period} by who was sent", sent)
        page.specs["chart-service_no_team_by_reason"] = charts.bar_spec(reasons[reasons["reason"] != "Total"], "reason")
        body += layout.chart("chart-service_no_team_by_reason", "Eligible calls no care team took, by reason (hidden counts left out)",
                             alt_text="Bars of eligible calls no care team took, one per reason; the numbers are in the table below.",
                             csv_href="data/service_no_team_by_reason.csv")
        body += _table(page, "service_no_team_by_reason", "eligible calls no team took, by reason", reasons)
    page.glance.append(_service_glance(outcomes, page.min_cell))
    page.add("service", "What was sent", body, "When a call could go to a care team, did one go?")
    page.add("times", "Team response times", f'<p class="needs">{esc(NEEDS_TIMES)}</p>', "How long until a team arrives?")
    if followups is None or not len(followups):
        body = why + f'<p class="needs">{esc(NEEDS_FOLLOWUPS)}</p>'
    else:
        f = figures.followup_tables(followups)
        k = page.min_cell
        made = f["made"]
        body = (f'<p class="figure">{fmt.count(made) if made >= k else HIDDEN}</p><p class="figure-label">Care Navigation follow-ups made</p>'
                + _share_figure(f["within_48h"], made, "made within 48 hours", k)
                + _share_figure(f["reached"], made, "reached the person", k)
                + _share_figure(f["connected"], made, "connected the person to services", k))
        body += _table(page, "followups_by_outcome", "follow-ups by outcome",
                       _published_vector(f["by_outcome"], "outcome", "followups", min_cell=k))
    page.add("followups", "Care Navigation follow-ups", body, "Were people followed up, and connected to help?")


def _service_glance(outcomes, k: int) -> tuple[str, str]:
    if outcomes is None or not len(outcomes):
        return ("What was actually sent, and follow-ups, need the care service's records: not connected to this page yet.", "service")
    o = figures.outcome_tables(outcomes)
    team, total = o["team_calls"], int(o["sent"].to_numpy().sum())
    if hide_rate(team, total, min_cell=k):
        return ("How often a care team went is hidden: too few calls so far (see Methods).", "service")
    return (f"A care team went to {fmt.share(team / total, 0)} of the {fmt.count(total)} eligible calls the service recorded.", "service")


def _evaluation_section(page: _Page, evaluation: dict | None) -> None:
    words = figures.evaluation_headline(evaluation)["words"] if evaluation is not None else []
    page.glance.append(("Whether the program works is not yet measured: no evaluation has been run." if evaluation is None
                        else " ".join(words[:2]) if words else "The evaluation file has no headline estimate.", "evaluation"))
    if evaluation is None:
        body = f'<p class="needs">{esc(NEEDS_EVALUATION)}</p>'
    else:
        head = figures.evaluation_headline(evaluation)
        if head["available"]:
            body = "".join(f"<p>{esc(w)}</p>" for w in head["words"])
        else:
            body = f'<p class="needs">The evaluation file has no headline estimate. {esc(NEEDS_EVALUATION)}</p>'
    page.add("evaluation", "Is it working?", body, "Compared with what would have happened anyway?")


def _methods(min_cell: int) -> str:
    items = [
        ("Calls", "Calls for service in the city's dispatch data, counted by the local date they were received."),
        ("Recommended response", "What the program's published rules (the program file) say should answer a call: "
         "its call type, place and time decide. It is a recommendation, not what was sent."),
        ("Call type", "The city's call codes mapped to standard national call types (APCO/NENA); "
         "types the program cannot take are grouped as 'other call types'."),
        ("What was sent", "From the care service's own records of each call its rules made eligible for a care "
         "response: who went, and when no team did, why. The service counts by week (Monday to Sunday); a week is "
         "counted in the month that holds its Thursday, so a month's figure can include a few days either side."),
        ("No police backup", "Of care-team responses with a record, the share where the team did not call police."),
        ("Follow-ups", "Care Navigation contacts after a response; 'within 48 hours' counts from the response."),
        ("Hidden counts", f"Any count from 1 to {min_cell - 1} is hidden, because a small count can point to a person. "
         "Where a hidden count could be worked out from totals (a row's total minus the rest), further counts are hidden "
         "too, so that no hidden number can be recovered from this page or its CSV files. Shares and times resting on "
         f"fewer than {min_cell} calls, or that would reveal fewer than {min_cell}, are hidden as well."),
        ("What is never published", "No address, no point finer than a police beat, no name, no free text, no call or "
         "case number, and no time of a single call."),
    ]
    return "<dl>" + "".join(f"<dt><strong>{esc(t)}</strong></dt><dd>{esc(d)}</dd>" for t, d in items) + "</dl>"
