"""Side-by-side Vega-Lite charts for the compare page (Altair; widths follow the page).

Each function returns ``(caption, spec)`` pairs; none draws an empty chart.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

HEIGHT_PER_BAR = 9
LABEL_LIMIT = 110  # px: long names are cut with an ellipsis so a chart fits a 375 px phone
LEGEND = alt.Legend(orient="bottom", columns=2, labelLimit=LABEL_LIMIT)
WEEK = alt.Scale(domain=[0, 168], nice=False, zero=True)


def _colors(order: list[str]) -> alt.Scale:
    """One colour per store, the same in every chart (a store missing from a chart keeps its colour)."""
    return alt.Scale(domain=order, scheme="tableau10")


def share_chart(rows: pd.DataFrame, column: str, title: str) -> list[tuple[str, dict]]:
    """Grouped bars: one bar per store, grouped by program (planned response)."""
    df = rows[rows["planned"] & rows[column].notna()][["program_id", "program", "store", column]]
    if df.empty:
        return []
    order = list(dict.fromkeys(rows["store"]))  # the stores in the order given, in every chart
    n = df["program_id"].nunique() * df["store"].nunique()
    chart = alt.Chart(df).mark_bar().encode(
        y=alt.Y("program_id:N", title=None, sort=None, axis=alt.Axis(labelLimit=LABEL_LIMIT)),
        yOffset=alt.YOffset("store:N", sort=order),
        x=alt.X(f"{column}:Q", title=title, axis=alt.Axis(format="%")),
        color=alt.Color("store:N", title="calls of", legend=LEGEND, scale=_colors(order)),
        tooltip=["program", "store", alt.Tooltip(f"{column}:Q", format=".1%")],
    ).properties(width="container", height=max(120, n * HEIGHT_PER_BAR))
    return [(title, chart.to_dict())]


def category_charts(by_cat: pd.DataFrame, stores: pd.DataFrame, programs: list[dict]) -> list[tuple[str, dict]]:
    """Per program (planned response): eligible calls per 1,000 calls, by category, one bar per store."""
    if by_cat.empty:
        return []
    calls = dict(zip(stores["store"], stores["calls"]))
    order = list(stores["store"])
    out = []
    for prog in programs:
        df = by_cat[(by_cat["program_id"] == prog["id"]) & (by_cat["response"] == prog["planned_response"]) & (by_cat["eligible_calls"] > 0)].copy()
        if df.empty:
            continue
        df["per_1000"] = df["eligible_calls"] / df["store"].map(calls) * 1000
        n = df["category"].nunique() * df["store"].nunique()
        chart = alt.Chart(df).mark_bar().encode(
            y=alt.Y("category:N", title=None, sort="-x", axis=alt.Axis(labelLimit=LABEL_LIMIT)),
            yOffset=alt.YOffset("store:N", sort=order),
            x=alt.X("per_1000:Q", title="eligible calls per 1,000 calls"),
            color=alt.Color("store:N", title="calls of", legend=LEGEND, scale=_colors(order)),
            tooltip=["store", "category", alt.Tooltip("eligible_calls:Q", format=","), alt.Tooltip("per_1000:Q", format=".1f")],
        ).properties(width="container", height=max(60, n * HEIGHT_PER_BAR))
        out.append((f"{prog['name']} ({prog['planned_response']}): eligible calls by category", chart.to_dict()))
    return out


def hour_charts(by_hour: pd.DataFrame, programs: list[dict], stores_order: list[str] | None = None) -> list[tuple[str, dict]]:
    """Per program (planned response): share of each store's eligible calls in each hour of the week."""
    if by_hour.empty:
        return []
    out = []
    order = stores_order or list(dict.fromkeys(by_hour["store"]))
    for prog in programs:
        df = by_hour[(by_hour["program_id"] == prog["id"]) & (by_hour["response"] == prog["planned_response"])].copy()
        totals = df.groupby("store")["eligible_calls"].transform("sum")
        df = df[totals > 0]
        if df.empty:
            continue
        df["share"] = df["eligible_calls"] / totals[totals > 0]
        lines = alt.Chart(df).mark_line(interpolate="step-after", strokeWidth=1.4).encode(
            x=alt.X("hour_of_week:Q", title="hour of the week (Mon 00:00 = 0)", scale=WEEK,
                    axis=alt.Axis(values=list(range(0, 169, 24)))),
            y=alt.Y("share:Q", title="share of eligible calls", axis=alt.Axis(format="%")),
            color=alt.Color("store:N", title="calls of", legend=LEGEND, scale=_colors(order)),
            tooltip=["store", "weekday_name", "hour", alt.Tooltip("eligible_calls:Q", format=","), alt.Tooltip("share:Q", format=".1%")],
        )
        caption = f"{prog['name']} ({prog['planned_response']}): when eligible calls come, by hour of the week"
        hours = prog.get("hours_of_week") or []
        if hours and hours != [[d * 24, d * 24 + 24] for d in range(7)]:  # shade the hours unless always open
            band = alt.Chart(pd.DataFrame(hours, columns=["start", "end"])).mark_rect(color="#1b7837", opacity=0.12).encode(
                x=alt.X("start:Q", scale=WEEK), x2="end:Q")
            chart = alt.layer(band, lines)
            caption += " (shaded: the program's hours)"
        else:
            chart = lines
        out.append((caption, chart.properties(width="container", height=140).to_dict()))
    return out
