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
import pandas as pd

from ._common import count_if, minutes, non_nulls, section, unavailable, with_eligible

INTERVALS: dict[str, tuple[str, str, str]] = {
    "processing": ("received_at", "dispatched_at", "call processing (received → dispatched)"),
    "travel": ("dispatched_at", "onscene_at", "travel (dispatched → on scene)"),
    "response": ("received_at", "onscene_at", "total response (received → on scene)"),
    "on_scene": ("onscene_at", "cleared_at", "time on scene (on scene → cleared)"),
}
REASONS = ("valid", "missing_timestamp", "backwards", "zero_length_self_initiated")


def interval_columns(classified: ir.Table) -> ir.Table:
    """Wide table of intervals: one row per call, ``<interval>_status`` and ``<interval>_seconds`` per interval.

    Columns: every classified column used downstream, ``is_eligible``, then for each name in
    ``INTERVALS`` its status (one of ``REASONS``) and its seconds (float, null unless valid).
    """
    t = with_eligible(classified)
    keep = [c for c in ("call_id", "priority", "canonical_type", "category", "beat", "received_local", "units", "recommended_response") if c in t.columns]
    # each difference computed once, in an inner projection: the status and the seconds below read it
    # three times, and on time-zone-aware timestamps it is the dear part (DuckDB: 3x the CPU inline)
    t = t.select(
        *keep, "is_eligible",
        _self_init=(t.channel == "self_initiated").fill_null(False),
        **{f"_null_{name}": t[start].isnull() | t[end].isnull() for name, (start, end, _l) in INTERVALS.items()},
        **{f"_raw_{name}": _utc(t[end]).delta(_utc(t[start]), unit="millisecond") / 1000.0 for name, (start, end, _l) in INTERVALS.items()},
    )
    cols = {}
    for name in INTERVALS:
        raw = t[f"_raw_{name}"]
        status = ibis.cases(
            (t[f"_null_{name}"], "missing_timestamp"),
            (raw < 0, "backwards"),
            ((raw == 0) & t._self_init, "zero_length_self_initiated"),
            else_="valid",
        )
        cols[f"{name}_status"] = status
        cols[f"{name}_seconds"] = ibis.ifelse(status == "valid", raw, ibis.null("float64"))
    return t.select(*keep, "is_eligible", **cols)


def _utc(ts: ir.TimestampValue) -> ir.TimestampValue:
    """``ts`` as naive UTC: the difference of two instants without the time-zone calendar.

    Every engine's session runs in UTC (Ibis sets DuckDB's; ``engine.py`` sets Spark's), so the
    cast keeps the instant; DuckDB's difference of zone-aware timestamps goes through ICU and cost
    ~0.3 s of CPU per interval per 1M calls against ~0.15 s with the cast (issue 14).
    """
    return ts.cast("timestamp") if ts.type().timezone is not None else ts


def interval_table(classified: ir.Table) -> ir.Table:
    """Long table of intervals: one row per call and interval, with seconds and status.

    Columns: every classified column used downstream plus ``interval``, ``seconds``
    (float, null unless valid) and ``status`` (one of ``REASONS``). The sections read the
    wide :func:`interval_columns` (four times fewer rows); this is its long form.
    """
    wide = interval_columns(classified)
    keep = [c for c in wide.columns if not c.endswith(("_status", "_seconds"))]
    return ibis.union(*[
        wide.select(*keep, interval=ibis.literal(name), status=wide[f"{name}_status"], seconds=wide[f"{name}_seconds"])
        for name in INTERVALS
    ])


def _stats(wide: ir.Table, by: list[str], order: list[tuple[str, bool]] | None = None):
    """Valid intervals per group: calls, median and 90th percentile, one row per interval and group.

    One query over the wide table (every interval's aggregates side by side), reshaped to the
    long form here: ``interval``, ``*by``, ``calls``, ``median_seconds``, ``p90_seconds`` and
    minutes. Groups with no valid interval of a kind have no row for it. Rows come interval by
    interval (``INTERVALS`` order), each sorted by ``order`` (column, ascending) pairs, default
    ``by`` ascending, nulls last (what ``order_by`` on the engine gave).
    """
    aggs = {}
    for name in INTERVALS:
        sec = wide[f"{name}_seconds"]  # null unless valid
        # both quantiles from one sort of the values (two quantile calls sorted twice: ~40% more CPU)
        aggs.update({f"{name}__calls": sec.count(), f"{name}__q": sec.quantile([0.5, 0.9])})
    agg = wide.group_by(by).aggregate(**aggs) if by else wide.aggregate(**aggs)
    # groups with no valid interval at all have no row (as the long form, filtered to valid, had none)
    agg = agg.filter(ibis.or_(*[agg[f"{name}__calls"] > 0 for name in INTERVALS])).to_pandas()
    order = order or [(c, True) for c in by]
    parts = []
    for name in INTERVALS:
        q = agg[f"{name}__q"]
        agg[f"{name}__median"] = [None if v is None else v[0] for v in q]
        agg[f"{name}__p90"] = [None if v is None else v[1] for v in q]
        part = agg[[*by, f"{name}__calls", f"{name}__median", f"{name}__p90"]]
        part = part.set_axis([*by, "calls", "median_seconds", "p90_seconds"], axis=1)
        part = part[part["calls"] > 0]
        if order:
            part = part.sort_values([c for c, _ in order], ascending=[a for _, a in order], na_position="last", kind="stable")
        parts.append(part.assign(median_minutes=part["median_seconds"] / 60.0, p90_minutes=part["p90_seconds"] / 60.0))
    df = pd.concat(parts, keys=list(INTERVALS), names=["interval", None]).reset_index(level=0).reset_index(drop=True)
    return df


def _not_computed(wide: ir.Table) -> pd.DataFrame:
    """Calls per interval and reason (one query): ``interval``, ``label`` and one column per reason."""
    counts = wide.aggregate(**{
        f"{name}__{reason}": count_if(wide[f"{name}_status"] == reason) for name in INTERVALS for reason in REASONS
    }).to_pandas().iloc[0]
    rows = [[name, INTERVALS[name][2], *(int(counts[f"{name}__{r}"]) for r in REASONS)] for name in INTERVALS]
    frame = pd.DataFrame(rows, columns=["interval", "label", *REASONS])
    return frame.astype({r: "int64" for r in REASONS})


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
    have = non_nulls(classified, ["received_at", "dispatched_at", "onscene_at", "cleared_at", "beat", "received_local"])
    missing = [c for c in ("dispatched_at", "onscene_at", "cleared_at") if not have[c]]
    if len(missing) == 3 or not have["received_at"]:
        return unavailable(
            "The source has no dispatch, on-scene or clear times"
            + ("" if have["received_at"] else " (and no time of day for received)")
            + ", so no response interval can be computed."
        )
    iv = interval_columns(classified)
    iv = iv.mutate(group=ibis.ifelse(iv.is_eligible, "eligible", "other"))
    if have["received_local"]:
        iv = iv.mutate(hour=iv.received_local.hour())
    # Every table below reads the same one-row-per-call table: build it once on the engine (a
    # temporary table, only the columns the tables group by) instead of once per query.
    cols = [c for c in ("priority", "canonical_type", "category", "beat", "hour", "group") if c in iv.columns]
    with iv.select(*cols, *[c for c in iv.columns if c.endswith(("_status", "_seconds"))]).cache() as iv:
        tables: dict[str, Any] = {"overall": _stats(iv, []), "not_computed": _not_computed(iv)}
        if "priority" in iv.columns:
            tables["by_priority"] = _stats(iv, ["priority"])
        tables["by_type"] = _stats(iv, ["canonical_type", "category"], [("calls", False), ("canonical_type", True)])
        if have["beat"]:
            tables["by_beat"] = _stats(iv, ["beat"])
        if have["received_local"]:
            tables["by_hour"] = _stats(iv, ["hour"])
        tables["eligible_vs_other"] = _stats(iv, ["group"])
        if "priority" in iv.columns:
            tables["eligible_vs_other_by_priority"] = _stats(iv, ["priority", "group"])

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
    nc = tables["not_computed"].set_index("interval")
    for name in INTERVALS:
        bad = int(nc.loc[name, ["missing_timestamp", "backwards", "zero_length_self_initiated"]].sum())
        if bad:
            parts = [f"{int(nc.loc[name, r]):,} {r.replace('_', ' ')}" for r in REASONS[1:] if nc.loc[name, r]]
            findings.append(f"{name.replace('_', ' ').capitalize()} could not be computed for {bad:,} calls: {', '.join(parts)}.")

    headline = _eligible_headline(tables, numbers, min_calls)
    if missing:
        findings.append("The source lacks " + ", ".join(missing) + ", so intervals that need them are empty.")
    return section(headline, findings=findings, numbers=numbers, tables=tables)


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
