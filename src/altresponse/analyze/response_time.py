"""Response time: the standard intervals, their median and 90th percentile, and what is missing.

Intervals (USFA NERIS names in brackets):

- ``processing``: received → dispatched (call processing)
- ``travel``: dispatched → on scene (turnout + travel)
- ``response``: received → on scene (total response)
- ``on_scene``: on scene → cleared (time on scene)

An interval is *valid* when both timestamps exist, the end is not before the start, and it
is not a zero-length interval on a self-initiated call (an officer who "dispatches" himself
on arrival). Every other call is counted under its reason, never silently dropped.
"""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir

from ._common import minutes, non_null, section, unavailable, with_eligible

INTERVALS: dict[str, tuple[str, str, str]] = {
    "processing": ("received_at", "dispatched_at", "call processing (received → dispatched)"),
    "travel": ("dispatched_at", "onscene_at", "travel (dispatched → on scene)"),
    "response": ("received_at", "onscene_at", "total response (received → on scene)"),
    "on_scene": ("onscene_at", "cleared_at", "time on scene (on scene → cleared)"),
}
REASONS = ("valid", "missing_timestamp", "backwards", "zero_length_self_initiated")


def interval_table(classified: ir.Table) -> ir.Table:
    """Long table of intervals: one row per call and interval, with seconds and status.

    Columns: every classified column used downstream plus ``interval``, ``seconds``
    (float, null unless valid) and ``status`` (one of ``REASONS``).
    """
    t = with_eligible(classified)
    self_init = (t.channel == "self_initiated").fill_null(False)
    keep = [c for c in ("call_id", "priority", "canonical_type", "category", "beat", "received_local", "units", "recommended_response") if c in t.columns]
    parts = []
    for name, (start, end, _label) in INTERVALS.items():
        raw = t[end].delta(t[start], unit="millisecond") / 1000.0
        status = ibis.cases(
            (t[start].isnull() | t[end].isnull(), "missing_timestamp"),
            (raw < 0, "backwards"),
            ((raw == 0) & self_init, "zero_length_self_initiated"),
            else_="valid",
        )
        parts.append(
            t.select(
                *keep,
                "is_eligible",
                interval=ibis.literal(name),
                status=status,
                seconds=ibis.ifelse(status == "valid", raw, ibis.null("float64")),
            )
        )
    return ibis.union(*parts)


def _stats(table: ir.Table, by: list[str]) -> ir.Table:
    valid = table.filter(table.status == "valid")
    g = valid.group_by(["interval", *by]).aggregate(
        calls=valid.count(),
        median_seconds=valid.seconds.quantile(0.5),
        p90_seconds=valid.seconds.quantile(0.9),
    )
    return g.mutate(median_minutes=g.median_seconds / 60.0, p90_minutes=g.p90_seconds / 60.0)


def response_time(classified: ir.Table, *, min_calls: int = 5) -> dict[str, Any]:
    """Median and 90th-percentile intervals by priority, type, beat, hour and eligibility.

    Parameters
    ----------
    classified
        The classified calls table.
    min_calls
        Groups with fewer valid intervals are still shown but not used in headline comparisons.

    Returns
    -------
    dict
        A section with tables ``overall``, ``by_priority``, ``by_type``, ``by_beat``,
        ``by_hour``, ``eligible_vs_other``, ``eligible_vs_other_by_priority`` (seconds) and
        ``not_computed`` (calls per interval and reason), or unavailable when the source has
        no dispatch, on-scene or clear times.
    """
    have = {c: non_null(classified, c) for c in ("received_at", "dispatched_at", "onscene_at", "cleared_at")}
    missing = [c for c in ("dispatched_at", "onscene_at", "cleared_at") if not have[c]]
    if len(missing) == 3 or not have["received_at"]:
        return unavailable(
            "The source has no dispatch, on-scene or clear times"
            + ("" if have["received_at"] else " (and no time of day for received)")
            + ", so no response interval can be computed."
        )
    iv = interval_table(classified)
    # Every table below reads the same four-intervals-per-call table: build it once on the
    # engine (a temporary table) instead of once per query (10M calls: 264 s -> see benchmarks).
    iv = iv.mutate(group=ibis.ifelse(iv.is_eligible, "eligible", "other")).cache()
    status = iv.group_by(["interval", "status"]).aggregate(calls=iv.count()).to_pandas()
    not_computed = (
        status.pivot_table(index="interval", columns="status", values="calls", fill_value=0)
        .reindex(index=list(INTERVALS), columns=list(REASONS), fill_value=0)
        .astype("int64")
        .reset_index()
    )
    not_computed.columns.name = None
    not_computed.insert(1, "label", not_computed["interval"].map({k: v[2] for k, v in INTERVALS.items()}))

    tables: dict[str, Any] = {"overall": _stats(iv, []).order_by("interval").to_pandas()}
    tables["overall"] = _order(tables["overall"])
    tables["not_computed"] = not_computed
    if "priority" in iv.columns:
        tables["by_priority"] = _order(_stats(iv, ["priority"]).order_by(["interval", "priority"]).to_pandas())
    tables["by_type"] = _order(_stats(iv, ["canonical_type", "category"]).order_by(["interval", ibis.desc("calls"), "canonical_type"]).to_pandas())
    if non_null(classified, "beat"):
        tables["by_beat"] = _order(_stats(iv, ["beat"]).order_by(["interval", "beat"]).to_pandas())
    if non_null(classified, "received_local"):
        hv = iv.mutate(hour=iv.received_local.hour())
        tables["by_hour"] = _order(_stats(hv, ["hour"]).order_by(["interval", "hour"]).to_pandas())
    tables["eligible_vs_other"] = _order(_stats(iv, ["group"]).order_by(["interval", "group"]).to_pandas())
    if "priority" in iv.columns:
        tables["eligible_vs_other_by_priority"] = _order(
            _stats(iv, ["priority", "group"]).order_by(["interval", "priority", "group"]).to_pandas()
        )

    overall = tables["overall"].set_index("interval")
    numbers: dict[str, Any] = {
        f"{name}_{stat}": (float(overall.loc[name, stat]) if name in overall.index else None)
        for name in INTERVALS
        for stat in ("median_seconds", "p90_seconds")
    }
    findings = []
    for name, (_s, _e, label) in INTERVALS.items():
        if name in overall.index:
            row = overall.loc[name]
            findings.append(
                f"{label.capitalize()}: median {minutes(row['median_seconds'])}, 90th percentile "
                f"{minutes(row['p90_seconds'])} ({int(row['calls']):,} calls)."
            )
    nc = not_computed.set_index("interval")
    for name in INTERVALS:
        bad = int(nc.loc[name, ["missing_timestamp", "backwards", "zero_length_self_initiated"]].sum())
        if bad:
            parts = [f"{int(nc.loc[name, r]):,} {r.replace('_', ' ')}" for r in REASONS[1:] if nc.loc[name, r]]
            findings.append(f"{name.replace('_', ' ').capitalize()} could not be computed for {bad:,} calls: {', '.join(parts)}.")

    headline = _eligible_headline(tables, numbers, min_calls)
    if missing:
        findings.append("The source lacks " + ", ".join(missing) + ", so intervals that need them are empty.")
    return section(headline, findings=findings, numbers=numbers, tables=tables)


def _order(df):
    order = {name: i for i, name in enumerate(INTERVALS)}
    return df.sort_values("interval", key=lambda s: s.map(order), kind="stable").reset_index(drop=True)


def _eligible_headline(tables, numbers, min_calls) -> str:
    evo = tables["eligible_vs_other"]
    for name in ("response", "processing", "travel"):
        rows = evo[(evo["interval"] == name) & (evo["calls"] >= min_calls)].set_index("group")
        if {"eligible", "other"} <= set(rows.index):
            e, o = rows.loc["eligible", "median_seconds"], rows.loc["other", "median_seconds"]
            numbers[f"{name}_median_eligible_seconds"] = float(e)
            numbers[f"{name}_median_other_seconds"] = float(o)
            numbers[f"{name}_eligible_to_other_ratio"] = float(e / o) if o else None
            label = INTERVALS[name][2].split(" (")[0]
            if e > o:
                return (
                    f"Eligible calls wait longer: median {label} {minutes(e)} against {minutes(o)} for other calls "
                    f"({e / o:.1f}×)." if o else f"Eligible calls wait longer: median {label} {minutes(e)}."
                )
            return f"Eligible calls do not wait longer: median {label} {minutes(e)} against {minutes(o)} for other calls."
    med = numbers.get("response_median_seconds") or numbers.get("processing_median_seconds")
    return f"Median response interval {minutes(med)}; too few eligible or other calls to compare them."
