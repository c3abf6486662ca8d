"""Use of force: which calls ended in force, and how often force began as an eligible call.

Force incidents (``STORE/force``) are joined to calls by the CAD event number where the
force data carry one (Cincinnati's ``CFS_NO`` → ``source_call_id``); otherwise by a time
and place window (same beat, force between the call's receipt and its clearance, or two
hours after receipt when no clear time exists). When neither finds a match — our real force
data come from cities whose calls we do not hold — the section says so and reports what the
force data alone support: the share of force incidents that arose from calls for service,
by source and district.
"""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir

from ._common import count_if, non_null, pct, scalar, section, share, unavailable, with_eligible

WINDOW_HOURS_WITHOUT_CLEAR = 2


def _incidents(force: ir.Table) -> ir.Table:
    """One row per force incident (force data can hold a row per officer or subject)."""
    key = force.force_id if "force_id" in force.columns else force.cfs_number
    cols = [c for c in ("source", "occurred_at", "occurred_date", "cfs_number", "service_type", "from_call", "district", "beat", "latitude", "longitude") if c in force.columns]
    f = force.mutate(incident=force.source.cast("string") + ":" + key.cast("string"))
    return f.group_by("incident").aggregate(**{c: f[c].arbitrary() for c in cols})


def link_force(calls: ir.Table, force: ir.Table) -> tuple[ir.Table, str]:
    """Match force incidents to calls; returns (``incident``, ``call_id``) pairs and the method.

    Parameters
    ----------
    calls
        Classified (or canonical) calls.
    force
        Use-of-force incidents (``force.py`` schema).

    Returns
    -------
    (ibis.Table, str)
        The pairs (at most one call per incident) and ``"cad_event_number"``,
        ``"time_and_place"`` or ``"none"``.
    """
    inc = _incidents(force)
    if "cfs_number" in inc.columns and non_null(inc, "cfs_number") and non_null(calls, "source_call_id"):
        c = calls.filter(calls.source_call_id.notnull()).select(call_id="call_id", cad=calls.source_call_id.strip().upper())
        i = inc.filter(inc.cfs_number.notnull()).select("incident", cad=inc.cfs_number.strip().upper())
        pairs = i.inner_join(c, "cad")
        pairs = pairs.mutate(r=ibis.row_number().over(group_by="incident", order_by="call_id"))
        pairs = pairs.filter(pairs.r == 0).select("incident", "call_id")
        if int(scalar(pairs.count())):
            return pairs, "cad_event_number"
    needed_f = ("occurred_at", "beat")
    if all(non_null(inc, c) for c in needed_f) and non_null(calls, "received_at") and non_null(calls, "beat"):
        c = calls.filter(calls.received_at.notnull() & calls.beat.notnull())
        c = c.select(
            "call_id",
            c_beat=c.beat,
            start=c.received_at,
            end=c.cleared_at.coalesce(c.received_at + ibis.interval(hours=WINDOW_HOURS_WITHOUT_CLEAR)),
        )
        i = inc.filter(inc.occurred_at.notnull() & inc.beat.notnull()).select("incident", f_beat=inc.beat, at=inc.occurred_at)
        j = i.inner_join(c, [i.f_beat == c.c_beat, i.at >= c.start, i.at <= c.end])
        j = j.mutate(r=ibis.row_number().over(group_by="incident", order_by=[j.start.desc(), j.call_id]))
        pairs = j.filter(j.r == 0).select("incident", "call_id")
        if int(scalar(pairs.count())):
            return pairs, "time_and_place"
    return ibis.memtable({"incident": [], "call_id": []}, schema={"incident": "string", "call_id": "string"}), "none"


def use_of_force(classified: ir.Table, force: ir.Table | None) -> dict[str, Any]:
    """Force per 1,000 dispatched calls by type and category; share of force from eligible calls.

    Parameters
    ----------
    classified
        The classified calls table.
    force
        Use-of-force table, or None when the store has none.

    Returns
    -------
    dict
        A section. Always (when force data exist): ``force_by_source`` and
        ``force_by_district`` (incidents, from calls for service, share). When a join is
        possible: ``by_type``, ``by_category`` (dispatched calls, force incidents, per 1,000)
        and ``by_eligibility``.
    """
    if force is None:
        return unavailable("The store holds no use-of-force data (ingest a force file into STORE/force).")
    inc = _incidents(force)
    n_inc = int(scalar(inc.count()))
    if n_inc == 0:
        return unavailable("The store's use-of-force table is empty.")
    from_call = inc.from_call if "from_call" in inc.columns else ibis.null("boolean")
    inc = inc.mutate(from_call=from_call)

    def overview(cols):
        g = inc.group_by(cols).aggregate(
            incidents=inc.count(),
            from_calls_for_service=count_if(inc.from_call),
            activity_unknown=count_if(inc.from_call.isnull()),
            first_date=inc.occurred_date.min(),
            last_date=inc.occurred_date.max(),
        )
        return g.mutate(share_from_calls=g.from_calls_for_service / (g.incidents - g.activity_unknown).nullif(0))

    by_source = overview(["source"]).order_by("source").to_pandas()
    by_district = overview(["source", "district"]).order_by(["source", ibis.desc("incidents"), "district"]).to_pandas()
    known = int((by_source["incidents"] - by_source["activity_unknown"]).sum())
    from_calls = int(by_source["from_calls_for_service"].sum())
    numbers: dict[str, Any] = {
        "force_incidents": n_inc,
        "force_from_calls_for_service": from_calls,
        "share_force_from_calls": share(from_calls, known),
    }
    tables: dict[str, Any] = {"force_by_source": by_source, "force_by_district": by_district}
    findings = [
        f"{r.source}: {int(r.incidents):,} force incidents {str(r.first_date)[:10]} to {str(r.last_date)[:10]}; "
        f"{pct(r.share_from_calls)} arose from calls for service." for r in by_source.itertuples()
    ]

    t = with_eligible(classified)
    pairs, method = link_force(t, force)
    numbers["join_method"] = method
    if method == "none":
        numbers["force_incidents_linked"] = 0
        headline = (
            f"No force incident could be linked to a call in this store (no shared CAD event number, and no call in "
            f"the same beat and time). Across the force data, {pct(share(from_calls, known))} of {known:,} incidents "
            f"with a known activity arose from calls for service."
        )
        findings.insert(0, "Force rates per call type and the share of force that began as eligible calls need calls and force from the same city and period.")
        return section(headline, findings=findings, numbers=numbers, tables=tables)

    dispatched = t.filter(t.dispatched_at.notnull()) if non_null(t, "dispatched_at") else t
    denom_note = "dispatched calls" if non_null(t, "dispatched_at") else "calls (the source has no dispatch time)"
    linked = dispatched.left_join(pairs, dispatched.call_id == pairs.call_id)
    linked = linked.mutate(has_force=linked.incident.notnull())

    def rate(cols):
        g = linked.group_by(cols).aggregate(
            dispatched_calls=linked.call_id.nunique(),
            force_incidents=count_if(linked.has_force),
        )
        g = g.mutate(force_per_1000=g.force_incidents * 1000.0 / g.dispatched_calls)
        return g.order_by([ibis.desc("force_incidents"), ibis.desc("dispatched_calls"), *cols]).to_pandas()

    tables["by_category"] = rate(["category"])
    tables["by_type"] = rate(["canonical_type", "category"])
    linked = linked.mutate(group=ibis.ifelse(linked.is_eligible, "eligible", "other"))
    tables["by_eligibility"] = rate(["group"])
    n_linked = int(scalar(pairs.count()))
    e_force = int(tables["by_eligibility"].set_index("group")["force_incidents"].get("eligible", 0))
    total_force = int(tables["by_eligibility"]["force_incidents"].sum())
    all_rate = share(total_force * 1000.0, int(tables["by_eligibility"]["dispatched_calls"].sum()))
    numbers.update(
        force_incidents_linked=n_linked,
        share_linked=share(n_linked, n_inc),
        force_from_eligible_calls=e_force,
        share_force_from_eligible=share(e_force, total_force),
        force_per_1000_dispatched=all_rate,
    )
    how = "by CAD event number" if method == "cad_event_number" else "by beat and time window"
    headline = (
        f"{pct(share(e_force, total_force))} of force incidents linked to calls ({e_force:,} of {total_force:,}) began as "
        f"program-eligible calls; overall {all_rate or 0:.2f} force incidents per 1,000 {denom_note}."
    )
    findings.insert(0, f"{n_linked:,} of {n_inc:,} force incidents ({pct(share(n_linked, n_inc))}) were linked to a call {how}.")
    return section(headline, findings=findings, numbers=numbers, tables=tables)
