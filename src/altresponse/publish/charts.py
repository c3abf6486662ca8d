"""Chart specs (Vega-Lite, through Altair) for the public site, from published counts only.

Each takes a long frame with a ``calls`` column already suppressed (hidden counts are left out,
never drawn as zero) and returns the spec the page script draws.
"""

from __future__ import annotations

import pandas as pd


def line_spec(long: pd.DataFrame, period: str, series: str) -> dict:
    """A line per ``series`` over ``period`` (month or quarter), points marked by shape as well as colour."""
    import altair as alt

    return alt.Chart(long).mark_line(point=alt.OverlayMarkDef(filled=True, size=50)).encode(
        x=alt.X(f"{period}:O", title=period.capitalize(), axis=alt.Axis(labelAngle=-45)),
        y=alt.Y("calls:Q", title="Calls"),
        color=alt.Color(f"{series}:N", title="", legend=alt.Legend(orient="bottom", columns=1, labelLimit=300)),
        shape=alt.Shape(f"{series}:N", title="", legend=None),
        tooltip=[period, f"{series}:N", alt.Tooltip("calls:Q", format=",")],
    ).properties(width=640, height=260).to_dict()


def bar_spec(df: pd.DataFrame, label: str) -> dict:
    """Horizontal bars of published counts, largest first, each labelled with its number (hidden ones left out)."""
    import altair as alt

    shown = df[df["calls"].notna()].astype({"calls": "int64"})
    y = alt.Y(f"{label}:N", title=None, sort="-x", axis=alt.Axis(labelLimit=260))
    bars = alt.Chart(shown).mark_bar(color="#1b7837").encode(x=alt.X("calls:Q", title="Calls"), y=y,
                                                              tooltip=[f"{label}:N", alt.Tooltip("calls:Q", format=",")])
    text = bars.mark_text(align="left", dx=3, color="#222").encode(text=alt.Text("calls:Q", format=","))
    return (bars + text).properties(width=640, height=28 * max(len(shown), 1)).to_dict()
