"""Police workload: unit-hours spent on eligible calls — the hours a program could free."""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir

from ._common import count_if, days_covered, non_nulls, pct, scalar, section, share, unavailable
from .response_time import interval_columns


def workload(classified: ir.Table) -> dict[str, Any]:
    """Police unit-hours on scene (time on scene × units), eligible calls against all calls.

    Time on scene is on scene → cleared (see ``response_time``). Where a call's unit count
    is unknown it counts as one unit, so those hours are a lower bound; the section says how
    many calls that affects. Only police calls count when the source names agencies.

    Parameters
    ----------
    classified
        The classified calls table.

    Returns
    -------
    dict
        A section with tables ``by_group`` (eligible vs other), ``by_category``,
        ``by_type`` and ``by_month`` (eligible unit-hours per month).
    """
    have = non_nulls(classified, ["onscene_at", "cleared_at", "agency"])
    if not have["onscene_at"] or not have["cleared_at"]:
        return unavailable("The source has no on-scene and clear times, so time on scene (and police unit-hours) cannot be computed.")
    t = classified
    agency_note = ""
    if have["agency"]:
        police = t.filter(t.agency.upper().isin(["POLICE", "PD", "LAW"]))
        if int(scalar(police.count())):
            t, agency_note = police, " (police incidents only)"
    days = max(days_covered(t), 1)
    iv = interval_columns(t)  # one row per call: time on scene is its on_scene_* columns
    units = iv.units.cast("float64") if "units" in iv.columns else ibis.literal(None, "float64")
    iv = iv.select(
        "is_eligible",
        *[c for c in ("category", "canonical_type") if c in iv.columns],
        status=iv.on_scene_status,
        units_known=units.notnull() & (units > 0),
        unit_hours=ibis.ifelse(iv.on_scene_status == "valid", iv.on_scene_seconds / 3600.0 * ibis.ifelse(units > 0, units, 1.0).fill_null(1.0), ibis.null("float64")),
        group=ibis.ifelse(iv.is_eligible, "eligible", "other"),
        month=iv.received_local.date().truncate("M") if "received_local" in iv.columns else ibis.null("date"),
    )

    def agg(src, cols):
        g = src.group_by(cols).aggregate(
            calls=src.count(),
            calls_with_time_on_scene=count_if(src.status == "valid"),
            calls_units_unknown=count_if(~src.units_known & (src.status == "valid")),
            unit_hours=src.unit_hours.sum().fill_null(0.0),
        )
        return g.mutate(unit_hours_per_year=g.unit_hours / days * 365.0)

    with iv.cache() as iv:  # the four tables read it, instead of each recomputing it from the calls
        by_group = agg(iv, ["group"]).order_by("group").to_pandas()
        el = iv.filter(iv.is_eligible)
        by_category = agg(el, ["category"]).order_by([ibis.desc("unit_hours"), "category"]).to_pandas()
        by_type = agg(el, ["canonical_type", "category"]).order_by([ibis.desc("unit_hours"), "canonical_type"]).to_pandas()
        by_month = agg(el, ["month"]).order_by("month").to_pandas()

    g = by_group.set_index("group")
    e_hours = float(g.loc["eligible", "unit_hours"]) if "eligible" in g.index else 0.0
    all_hours = float(by_group["unit_hours"].sum())
    e_valid = int(g.loc["eligible", "calls_with_time_on_scene"]) if "eligible" in g.index else 0
    e_calls = int(g.loc["eligible", "calls"]) if "eligible" in g.index else 0
    unknown_units = int(g.loc["eligible", "calls_units_unknown"]) if "eligible" in g.index else 0
    numbers = {
        "eligible_unit_hours": e_hours,
        "all_unit_hours": all_hours,
        "share_of_unit_hours_eligible": share(e_hours, all_hours),
        "eligible_unit_hours_per_year": e_hours / days * 365.0,
        "days": days,
        "eligible_calls": e_calls,
        "eligible_calls_with_time_on_scene": e_valid,
        "eligible_calls_units_unknown": unknown_units,
    }
    headline = (
        f"Police units spent {e_hours:,.0f} unit-hours on scene at eligible calls, "
        f"{pct(share(e_hours, all_hours))} of all their on-scene unit-hours{agency_note}: about {e_hours / days * 365:,.0f} a year."
    )
    findings = [
        f"Time on scene was known for {e_valid:,} of {e_calls:,} eligible calls; the rest add no hours, so this is a lower bound."
    ]
    if unknown_units:
        findings.append(f"{unknown_units:,} eligible calls have no unit count and count as one unit (lower bound).")
    if len(by_category):
        top = by_category.iloc[0]
        findings.append(f"Most of those hours go to {top['category']} calls ({top['unit_hours']:,.0f} unit-hours).")
    tables = {"by_group": by_group, "by_category": by_category, "by_type": by_type, "by_month": by_month}
    return section(headline, findings=findings, numbers=numbers, tables=tables)
