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
    """One row per force incident (force data can hold a row per officer or subject).

    Rows sharing ``incident_id`` within a source are one incident (New Orleans: 5,750 rows,
    2,231 incidents); a row without one is its own incident (``force_id``).
    """
    keys = [force[c].cast("string") for c in ("incident_id", "force_id", "cfs_number") if c in force.columns]
    key = ibis.coalesce(*keys) if len(keys) > 1 else keys[0]
    cols = [c for c in ("source", "occurred_at", "occurred_date", "cfs_number", "service_type", "from_call", "district", "beat", "latitude", "longitude") if c in force.columns]
    f = force.mutate(incident=force.source.cast("string") + ":" + key.cast("string"))
    # an incident began as a call when any of its rows says so (one New Orleans incident lists
    # both "Call for Service" and "Arresting"); null only when no row says
    return f.group_by("incident").aggregate(**{c: f[c].any() if c == "from_call" else f[c].arbitrary() for c in cols})


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
    inc = inc.mutate(from_call=inc.from_call if "from_call" in inc.columns else ibis.null("boolean"))
    numbers, tables, findings = _force_alone(inc, n_inc)
    t = with_eligible(classified)
    tables["joinability"] = _joinability(t, inc)
    pairs, method = link_force(t, force)
    numbers["join_method"] = method
    if method == "none":
        return _unlinked(t, numbers, tables, findings)
    return _linked(t, pairs, method, n_inc, numbers, tables, findings)


def _force_alone(inc: ir.Table, n_inc: int) -> tuple[dict, dict, list]:
    """What the force data say without any call: incidents and the share from calls, per source and district."""

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
        + (
            "the source does not record whether the force arose from a call for service."
            if int(r.incidents) == int(r.activity_unknown)
            else f"{pct(r.share_from_calls)} arose from calls for service."
        )
        for r in by_source.itertuples()
    ]
    return numbers, tables, findings


def _unlinked(t: ir.Table, numbers: dict, tables: dict, findings: list) -> dict[str, Any]:
    """The section when no incident links to a call: say why, and what the force data alone support."""
    by_source = tables["force_by_source"]
    known = int((by_source["incidents"] - by_source["activity_unknown"]).sum())
    numbers["force_incidents_linked"] = 0
    calls_desc = "; ".join(f"{r.source} {_span(r.first_date, r.last_date)}" for r in _call_sources(t).itertuples())
    force_desc = "; ".join(f"{r.source} {_span(r.first_date, r.last_date)}" for r in by_source.itertuples())
    headline = (
        f"No force incident could be linked to a call: the calls are from {calls_desc or 'no source'}, the force data "
        f"from {force_desc}. Linking needs calls and force from the same city and period (by CAD event number, or "
        f"by beat and time). What the force data alone say: {pct(share(numbers['force_from_calls_for_service'], known))} of {known:,} incidents "
        f"with a known activity arose from calls for service."
    )
    findings.insert(0, "Force rates per call type and the share of force that began as eligible calls need calls and force from the same city and period; the joinability table says, per force source, what it would take.")
    return section(headline, findings=findings, numbers=numbers, tables=tables)


def _linked(t: ir.Table, pairs: ir.Table, method: str, n_inc: int, numbers: dict, tables: dict, findings: list) -> dict[str, Any]:
    """The section when incidents link to calls: force per 1,000 dispatched calls by category, type, eligibility."""
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


def _span(first, last) -> str:
    a, b = str(first)[:10], str(last)[:10]
    return a[:4] if a[:4] == b[:4] else f"{a} to {b}" if a[5:] != "01-01" or b[5:] != "12-31" else f"{a[:4]}–{b[:4]}"


def _call_sources(calls: ir.Table):
    return calls.group_by("source").aggregate(calls=calls.count(), first_date=calls.received_date.min(), last_date=calls.received_date.max()).order_by("source").to_pandas()


def _joinability(calls: ir.Table, inc: ir.Table):
    """Per force source: what a join to these calls could use, and why it can or cannot."""
    import pandas as pd

    srcs = _call_sources(calls)
    c_first, c_last = srcs["first_date"].min(), srcs["last_date"].max()
    calls_cad = non_null(calls, "source_call_id") > 0
    calls_beat_time = non_null(calls, "received_at") > 0 and non_null(calls, "beat") > 0

    def filled(col):
        return count_if(inc[col].notnull()) if col in inc.columns else ibis.literal(0)

    g = inc.group_by("source").aggregate(
        incidents=inc.count(), first_date=inc.occurred_date.min(), last_date=inc.occurred_date.max(),
        with_cad_number=filled("cfs_number"), with_time=filled("occurred_at"), with_beat=filled("beat"), with_district=filled("district"),
    ).order_by("source").to_pandas()
    rows = []
    for r in g.itertuples():
        overlap = bool(len(srcs)) and pd.notna(c_first) and not (r.last_date < c_first or r.first_date > c_last)
        reasons = []
        city = str(r.source).removesuffix("_force")
        if city not in set(srcs["source"]):
            reasons.append(f"no {city} calls in this store (calls from {', '.join(srcs['source']) or 'nowhere'})")
        if not overlap:
            reasons.append(f"force {_span(r.first_date, r.last_date)} does not overlap the calls ({_span(c_first, c_last)})")
        by = []
        if r.with_cad_number:
            by.append("CAD event number")
            if not calls_cad:
                reasons.append("the calls carry no CAD event number")
        if r.with_time and r.with_beat:
            by.append("beat and time")
            if not calls_beat_time:
                reasons.append("the calls lack a beat or a received time")
        if not by:
            reasons.append("the force data have no CAD number and no beat with a time" + (" (district and date only)" if r.with_district else ""))
        rows.append({
            "source": r.source, "incidents": int(r.incidents), "first_date": r.first_date, "last_date": r.last_date,
            "with_cad_number": int(r.with_cad_number), "with_time": int(r.with_time), "with_beat": int(r.with_beat),
            "could_join_by": ", ".join(by) or "nothing finer than district and date",
            "joinable_here": not reasons, "why_not": "; ".join(reasons),
        })
    return pd.DataFrame(rows)
