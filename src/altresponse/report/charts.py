"""One or more Altair charts per section, drawn from the section's tables.

Each builder takes a section dict and returns a list of ``(caption, chart)``; a builder
draws nothing for a table that is missing or empty, so the report never shows an empty
chart.
"""

from __future__ import annotations

from typing import Any, Callable

import altair as alt
import pandas as pd

from ._maps import beat_map

WIDTH = 640
EL_COLORS = alt.Scale(domain=["eligible", "other"], range=["#1b7837", "#bdbdbd"])
RISK_COLORS = alt.Scale(domain=["low", "elevated", "high", "unknown"], range=["#a6dba0", "#fdb863", "#d7301f", "#d9d9d9"])
INTERVAL_LABELS = {
    "processing": "Call processing",
    "travel": "Travel",
    "response": "Total response",
    "on_scene": "Time on scene",
}


def _table(sec: dict, name: str) -> pd.DataFrame | None:
    df = sec.get("tables", {}).get(name)
    if df is None or len(df) == 0:
        return None
    df = df.copy()
    for col in df.columns:  # dates and other objects → ISO strings for Vega-Lite
        if df[col].dtype == object or str(df[col].dtype).startswith("date"):
            df[col] = df[col].map(lambda v: v.isoformat()[:10] if hasattr(v, "isoformat") else v)
    return df


def _long_eligible(df: pd.DataFrame, key: str) -> pd.DataFrame:
    out = df[[key, "calls", "eligible_calls"]].copy()
    out["other"] = out["calls"] - out["eligible_calls"]
    out = out.rename(columns={"eligible_calls": "eligible"}).melt(id_vars=[key, "calls"], value_vars=["eligible", "other"], var_name="group", value_name="n")
    return out


def _eligible_bars(df: pd.DataFrame, key: str, title: str, *, vertical: bool = False) -> alt.Chart:
    """Stacked bars of eligible and other calls per ``key`` (category, channel, beat...)."""
    long = _long_eligible(df, key)
    if vertical:  # in the table's own order (e.g. busiest beats first)
        cat, size = alt.X(f"{key}:N", sort=list(df[key]), title=title), alt.Y("n:Q", title="Calls")
    else:
        cat = alt.Y(f"{key}:N", sort=alt.EncodingSortField("calls", order="descending"), title=title)
        size = alt.X("n:Q", title="Calls")
    chart = alt.Chart(long).mark_bar().encode(
        cat, size,
        color=alt.Color("group:N", scale=EL_COLORS, title=""),
        tooltip=[key, "group", alt.Tooltip("n:Q", format=",")],
    )
    return chart.properties(width=WIDTH, height=220) if vertical else chart.properties(width=WIDTH)


def volume_charts(sec: dict) -> list[tuple[str, alt.Chart]]:
    charts = []
    cat = _table(sec, "by_category")
    if cat is not None:
        charts.append(("Calls by category, eligible and not", _eligible_bars(cat, "category", "Category")))
    month = _table(sec, "by_month")
    if month is not None and len(month) > 1:
        # calls a day, so a month the data cover only in part is not read as a dip
        per_day = "calls_per_day" in month.columns
        long = month[["month", "days"]].copy() if per_day else month[["month"]].copy()
        long["eligible"] = month["eligible_per_day"] if per_day else month["eligible_calls"]
        long["all calls"] = month["calls_per_day"] if per_day else month["calls"]
        long = long.melt(id_vars=[c for c in ("month", "days") if c in long.columns], var_name="group", value_name="n")
        partial = month[month["days"] < month["days_in_month"]] if per_day else month.iloc[:0]
        caption = "Calls a day, by month" if per_day else "Calls per month"
        if len(partial):
            caption += " (" + ", ".join(f"{str(m)[:7]}: {d} days of data" for m, d in zip(partial["month"], partial["days"])) + ")"
        tooltip = [alt.Tooltip("yearmonth(month):T", title="month"), "group", alt.Tooltip("n:Q", format=",.1f", title="calls a day" if per_day else "calls")]
        if per_day:
            tooltip.append(alt.Tooltip("days:Q", title="days of data"))
        charts.append((
            caption,
            alt.Chart(long).mark_line(point=True).encode(
                x=alt.X("yearmonth(month):T", title="Month"),
                y=alt.Y("n:Q", title="Calls a day" if per_day else "Calls"),
                color=alt.Color("group:N", scale=alt.Scale(domain=["eligible", "all calls"], range=["#1b7837", "#969696"]), title=""),
                # dashes as well as colour: the two lines coincide when all calls are eligible
                strokeDash=alt.StrokeDash("group:N", scale=alt.Scale(domain=["eligible", "all calls"], range=[[1, 0], [6, 4]]), title=""),
                tooltip=tooltip,
            ).properties(width=WIDTH, height=220),
        ))
    hw = _table(sec, "by_hour_weekday")
    if hw is not None:
        charts.append((
            "Eligible calls by hour of day (local) and weekday",
            alt.Chart(hw).mark_rect().encode(
                x=alt.X("hour:O", title="Hour of day (local, 0 = midnight)"),
                y=alt.Y("weekday_name:N", sort=["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"], title=""),
                color=alt.Color("eligible_calls:Q", title="Eligible calls", scale=alt.Scale(scheme="greens")),
                tooltip=["weekday_name", "hour", "eligible_calls", "calls"],
            ).properties(width=WIDTH, height=200),
        ))
    ch = _table(sec, "by_channel")
    if ch is not None and ch["channel"].notna().any():
        ch["channel"] = ch["channel"].fillna("unknown")
        charts.append(("Calls by how they came in", _eligible_bars(ch, "channel", "Channel")))
    return charts


def frequency_charts(sec: dict) -> list[tuple[str, alt.Chart]]:
    charts = []
    rate = _table(sec, "repeat_rate")
    if rate is not None:
        charts.append((
            "Share of calls at a place with another call in the previous 30 days",
            alt.Chart(rate).mark_bar().encode(
                y=alt.Y("group:N", title=""),
                x=alt.X("repeat_rate:Q", title="Repeat-call rate", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
                color=alt.Color("group:N", scale=EL_COLORS, legend=None),
                tooltip=["group", alt.Tooltip("repeat_rate:Q", format=".1%"), "repeat_calls", "calls"],
            ).properties(width=WIDTH, height=80),
        ))
    fu = _table(sec, "follow_up")
    if fu is not None:
        charts.append((
            "Places with the most eligible calls (Care Navigation follow-up; confidential)",
            alt.Chart(fu.head(15)).mark_bar(color="#1b7837").encode(
                y=alt.Y("place:N", sort="-x", title="Place (block or ~100 m point)"),
                x=alt.X("eligible_calls:Q", title="Eligible calls"),
                tooltip=["place", "eligible_calls", "calls", "repeat_calls", "first_date", "last_date"],
            ).properties(width=WIDTH - 160),
        ))
    return charts


def location_charts(sec: dict, features: list[dict] | None = None) -> list[tuple[str, alt.Chart]]:
    charts = []
    by_beat = _table(sec, "by_beat")
    area = "beat" if by_beat is not None else "district"
    mapped = by_beat if by_beat is not None else _table(sec, "by_district")
    if mapped is not None and features:
        values = {str(b): float(v) for b, v in zip(mapped[area], mapped["eligible_calls"])}
        charts.append((
            f"Eligible calls per {area} (map): each {area} is labelled with its count; white with a dashed edge means no calls in the data",
            beat_map(features, values, area=area, width=WIDTH),
        ))
    for name, key in (("by_beat", "beat"), ("by_district", "district")):
        df = _table(sec, name)
        if df is None or (name == "by_district" and by_beat is not None and len(df) <= 1):
            continue
        df = df.head(40)
        charts.append((
            f"Calls per {key}" + (" (40 with the most eligible calls)" if len(sec["tables"][name]) > 40 else ""),
            _eligible_bars(df, key, key.capitalize(), vertical=True),
        ))
    return charts


def risk_charts(sec: dict) -> list[tuple[str, alt.Chart]]:
    cat = _table(sec, "by_category")
    if cat is None:
        return []
    order = ["low", "elevated", "high", "unknown"]
    cat["order"] = cat["risk_level"].map({k: i for i, k in enumerate(order)})
    return [(
        "Risk level by category (share of each category's calls)",
        alt.Chart(cat).mark_bar().encode(
            y=alt.Y("category:N", title="Category"),
            x=alt.X("calls:Q", stack="normalize", title="Share of calls", axis=alt.Axis(format="%")),
            color=alt.Color("risk_level:N", scale=RISK_COLORS, title="Risk", sort=order),
            order=alt.Order("order:Q"),
            tooltip=["category", "risk_level", alt.Tooltip("calls:Q", format=",")],
        ).properties(width=WIDTH),
    )]


def response_time_charts(sec: dict) -> list[tuple[str, alt.Chart]]:
    charts = []
    evo = _table(sec, "eligible_vs_other")
    if evo is not None:
        evo["interval_label"] = evo["interval"].map(INTERVAL_LABELS)
        long = evo.melt(id_vars=["interval_label", "group", "calls"], value_vars=["median_minutes", "p90_minutes"], var_name="statistic", value_name="minutes")
        long["statistic"] = long["statistic"].map({"median_minutes": "median", "p90_minutes": "90th percentile"})
        # one x scale per interval and statistic: time on scene's 90th percentile (hours) would
        # otherwise flatten call processing and travel (minutes) to slivers
        base = alt.Chart().encode(
            y=alt.Y("group:N", title=""),
            x=alt.X("minutes:Q", title="Minutes"),
            tooltip=["interval_label", "group", "statistic", alt.Tooltip("minutes:Q", format=".1f"), "calls"],
        )
        bars = base.mark_bar().encode(color=alt.Color("group:N", scale=EL_COLORS, legend=None))
        labels = base.mark_text(align="left", dx=3, fontSize=11).encode(text=alt.Text("minutes:Q", format=".1f"))
        charts.append((
            "Response intervals, eligible calls against other calls (minutes; each panel has its own scale)",
            alt.layer(bars, labels, data=long).properties(width=WIDTH // 2 - 60, height=50).facet(
                row=alt.Row("interval_label:N", title="", sort=list(INTERVAL_LABELS.values())),
                column=alt.Column("statistic:N", title="", sort=["median", "90th percentile"]),
            ).resolve_scale(x="independent"),
        ))
    hour = _table(sec, "by_hour")
    if hour is not None:
        hour = hour[hour["interval"].isin(["processing", "response"])].copy()
        hour["interval_label"] = hour["interval"].map(INTERVAL_LABELS)
        if len(hour):
            charts.append((
                "Median call processing and total response by hour received (minutes)",
                alt.Chart(hour).mark_line(point=True).encode(
                    x=alt.X("hour:O", title="Hour received (local)"),
                    y=alt.Y("median_minutes:Q", title="Median minutes"),
                    color=alt.Color("interval_label:N", title=""),
                    tooltip=["interval_label", "hour", alt.Tooltip("median_minutes:Q", format=".1f"), "calls"],
                ).properties(width=WIDTH, height=220),
            ))
    return charts


def workload_charts(sec: dict) -> list[tuple[str, alt.Chart]]:
    cat = _table(sec, "by_category")
    if cat is None:
        return []
    return [(
        "Police unit-hours on scene at eligible calls, by category",
        alt.Chart(cat).mark_bar(color="#1b7837").encode(
            y=alt.Y("category:N", sort="-x", title="Category"),
            x=alt.X("unit_hours:Q", title="Unit-hours on scene"),
            tooltip=["category", alt.Tooltip("unit_hours:Q", format=",.0f"), alt.Tooltip("unit_hours_per_year:Q", format=",.0f"), "calls"],
        ).properties(width=WIDTH),
    )]


def use_of_force_charts(sec: dict) -> list[tuple[str, alt.Chart]]:
    charts = []
    cat = _table(sec, "by_category")
    if cat is not None:
        charts.append((
            "Force incidents per 1,000 calls, by category",
            alt.Chart(cat).mark_bar(color="#b2182b").encode(
                y=alt.Y("category:N", sort="-x", title="Category"),
                x=alt.X("force_per_1000:Q", title="Force incidents per 1,000 calls"),
                tooltip=["category", alt.Tooltip("force_per_1000:Q", format=".2f"), "force_incidents", "dispatched_calls"],
            ).properties(width=WIDTH),
        ))
    dist = _table(sec, "force_by_district")
    if dist is not None:
        dist = dist[dist["share_from_calls"].notna()].copy()
        dist["district"] = dist["district"].fillna("unknown")
        if len(dist):
            charts.append((
                "Share of force incidents that arose from calls for service, by district",
                alt.Chart(dist).mark_bar(color="#b2182b").encode(
                    y=alt.Y("district:N", sort="-x", title="District"),
                    x=alt.X("share_from_calls:Q", title="Share from calls for service", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
                    row=alt.Row("source:N", title=""),
                    tooltip=["source", "district", alt.Tooltip("share_from_calls:Q", format=".0%"), "incidents"],
                ).properties(width=WIDTH - 120).resolve_scale(y="independent"),
            ))
    return charts


def coverage_charts(sec: dict) -> list[tuple[str, alt.Chart]]:
    charts = []
    beats = _table(sec, "by_beats")
    if beats is not None:
        charts.append((
            f"Share of eligible calls in the top k {sec['numbers'].get('area_unit', 'beat')}s",
            alt.Chart(beats).mark_line(point=alt.OverlayMarkDef(color="#1b7837"), color="#1b7837").encode(
                x=alt.X("k:Q", title=f"Number of {sec['numbers'].get('area_unit', 'beat')}s (busiest first)", axis=alt.Axis(tickMinStep=1)),
                y=alt.Y("cumulative_share:Q", title="Share of eligible calls covered", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
                tooltip=["k", sec["numbers"].get("area_unit", "beat"), alt.Tooltip("cumulative_share:Q", format=".1%")],
            ).properties(width=WIDTH, height=240),
        ))
    hours = _table(sec, "by_hours")
    if hours is not None:
        charts.append((
            "Share of eligible calls in the best window of h hours a day",
            alt.Chart(hours).mark_line(point=alt.OverlayMarkDef(color="#1b7837"), color="#1b7837").encode(
                x=alt.X("hours:Q", title="Hours a day the team works (best contiguous window)", scale=alt.Scale(domain=[4, 24])),
                y=alt.Y("share:Q", title="Share of eligible calls covered", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
                tooltip=["hours", "window", alt.Tooltip("share:Q", format=".1%")],
            ).properties(width=WIDTH, height=240),
        ))
    return charts


def planning_charts(sec: dict) -> list[tuple[str, alt.Chart]]:
    charts = []
    pareto = _table(sec, "pareto")
    if pareto is not None:
        line = alt.Chart(pareto).mark_line(point=alt.OverlayMarkDef(color="#1b7837"), color="#1b7837").encode(
            x=alt.X("team_hours_per_week:Q", title="Team-hours a week (budget)"),
            y=alt.Y("covered_share:Q", title="Share of eligible calls the best plan reaches", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
            tooltip=[alt.Tooltip("team_hours_per_week:Q", format=",.0f"), "hours_per_day", "days", "beats", alt.Tooltip("covered_share:Q", format=".1%"), alt.Tooltip("covered_calls:Q", format=",.0f")],
        )
        mark = alt.Chart(pareto[pareto["this_budget"]]).mark_point(shape="diamond", size=160, filled=True, color="#8b0000").encode(
            x="team_hours_per_week:Q", y="covered_share:Q",
            tooltip=[alt.Tooltip("team_hours_per_week:Q", title="this budget", format=",.0f"), alt.Tooltip("covered_share:Q", format=".1%")],
        )
        charts.append(("Budget against coverage: the best plan for each team-hour budget (diamond: this budget)", (line + mark).properties(width=WIDTH, height=240)))
    ifs = _table(sec, "what_ifs")
    if ifs is not None and ifs["answered_share"].notna().any():
        ifs = ifs[ifs["answered_share"].notna()]
        order = list(ifs["scenario"])
        bars = alt.Chart(ifs).mark_bar(color="#1b7837").encode(
            y=alt.Y("scenario:N", sort=order, title=""),
            x=alt.X("answered_share:Q", title="Share answered by a team (simulated)", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
            tooltip=["scenario", "teams", "area", "hours", alt.Tooltip("answered_share:Q", format=".1%"), alt.Tooltip("answered_share_ci_low:Q", format=".1%"), alt.Tooltip("answered_share_ci_high:Q", format=".1%"), alt.Tooltip("utilization:Q", format=".0%")],
        )
        whiskers = alt.Chart(ifs[ifs["answered_share_ci_low"].notna()]).mark_rule(color="black").encode(
            y=alt.Y("scenario:N", sort=order), x="answered_share_ci_low:Q", x2="answered_share_ci_high:Q",
        )
        charts.append(("What-ifs: share of eligible calls a team answers, with 95% intervals", (bars + whiskers).properties(width=WIDTH - 160)))
    staff = _table(sec, "staffing_curve")
    if staff is not None and len(staff) > 1:
        target = sec.get("numbers", {}).get("staffing_target") or 0.9
        line = alt.Chart(staff).mark_line(point=True, color="#1b7837").encode(
            x=alt.X("teams:O", title="Teams on duty, 24/7, citywide", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("answered_share:Q", title="Share answered (simulated)", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
            tooltip=["teams", alt.Tooltip("answered_share:Q", format=".1%"), alt.Tooltip("utilization:Q", format=".0%")],
        )
        rule = alt.Chart(pd.DataFrame({"target": [target]})).mark_rule(strokeDash=[4, 3], color="#8b0000").encode(y="target:Q")
        charts.append((f"Staffing curve: teams needed to answer {target:.0%} of eligible calls around the clock, citywide", (line + rule).properties(width=WIDTH, height=220)))
    return charts


BUILDERS: dict[str, Callable[..., list[tuple[str, Any]]]] = {
    "volume": volume_charts,
    "frequency": frequency_charts,
    "location": location_charts,
    "risk": risk_charts,
    "response_time": response_time_charts,
    "workload": workload_charts,
    "use_of_force": use_of_force_charts,
    "coverage": coverage_charts,
    "planning": planning_charts,
}
