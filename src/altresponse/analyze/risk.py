"""Risk: the distribution of risk levels, by type, and the eligible calls that carry risk."""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd

from ._common import count_if, non_nulls, pct, scalar, section, share, unavailable, with_eligible

LEVELS = ("low", "elevated", "high")
# The source's own flags (canonical columns, e.g. Burlington police set all four) and their plain names.
SOURCE_FLAGS = {
    "flag_mental_health": "mental health",
    "flag_drug": "drug",
    "flag_alcohol": "alcohol",
    "flag_dv": "domestic violence",
}


def risk(classified: ir.Table, *, top_types: int = 30) -> dict[str, Any]:
    """Risk levels overall, by category and type, and why eligible calls were marked risky.

    Parameters
    ----------
    classified
        The classified calls table.
    top_types
        How many call types (by volume) the by-type table keeps.

    Returns
    -------
    dict
        A section with tables ``by_level``, ``by_category``, ``by_type`` (long form:
        one row per type and level), and ``eligible_risk_rules`` (eligible calls at
        elevated or high risk, by the rule that set the level); plus ``source_flags`` when the
        source sets its own flags (``flag_mental_health`` ...), see :func:`source_flags`.
    """
    if "risk_level" not in classified.columns:
        return unavailable("The table has no risk_level column (classify it with a program first).")
    t = with_eligible(classified)
    total = int(scalar(t.count()))
    if total == 0:
        return unavailable("The table holds no calls.")
    t = t.mutate(risk_level=t.risk_level.fill_null("unknown"))

    lvl = t.group_by("risk_level").aggregate(calls=t.count(), eligible_calls=count_if(t.is_eligible))
    lvl = lvl.mutate(share_of_calls=lvl.calls / total).order_by("risk_level").to_pandas()
    order = {name: i for i, name in enumerate((*LEVELS, "unknown"))}
    lvl = lvl.sort_values("risk_level", key=lambda s: s.map(order)).reset_index(drop=True)

    cat = t.group_by(["category", "risk_level"]).aggregate(calls=t.count())
    cat = cat.order_by(["category", "risk_level"]).to_pandas()

    type_totals = t.group_by("canonical_type").aggregate(type_calls=t.count())
    top = type_totals.order_by([type_totals.type_calls.desc(), "canonical_type"]).limit(top_types)
    typed = t.inner_join(top, "canonical_type")
    by_type = typed.group_by(["canonical_type", "category", "risk_level", "type_calls"]).aggregate(
        calls=typed.count(), eligible_calls=count_if(typed.is_eligible)
    )
    by_type = by_type.mutate(share_of_type=by_type.calls / by_type.type_calls)
    by_type = by_type.order_by([by_type.type_calls.desc(), "canonical_type", "risk_level"]).to_pandas()

    er = t.filter(t.is_eligible & t.risk_level.isin(["elevated", "high"]))
    rules = er.group_by(["risk_level", "risk_rule"]).aggregate(eligible_calls=er.count())
    rules = rules.order_by([rules.eligible_calls.desc(), "risk_level", "risk_rule"]).to_pandas()

    eligible = int(lvl["eligible_calls"].sum())
    risky = int(rules["eligible_calls"].sum())
    high = int(lvl.loc[lvl["risk_level"] == "high", "calls"].sum())
    numbers = {
        "calls": total,
        "eligible_calls": eligible,
        "eligible_elevated_or_high": risky,
        "share_eligible_elevated_or_high": share(risky, eligible),
        "high_risk_calls": high,
    }
    findings = [
        ", ".join(f"{pct(r.share_of_calls)} {r.risk_level}" for r in lvl.itertuples()) + " (all calls).",
    ]
    if risky:
        why = rules.iloc[0]
        findings.append(f"The most common reason is rule {why['risk_rule']} ({int(why['eligible_calls']):,} calls, {why['risk_level']}).")
    headline = (
        f"{risky:,} of {eligible:,} eligible calls ({pct(share(risky, eligible))}) carry elevated or high risk."
        if eligible
        else f"No call is eligible; {pct(share(high, total))} of all calls are high risk."
    )
    tables = {"by_level": lvl, "by_category": cat, "by_type": by_type, "eligible_risk_rules": rules}
    flags = source_flags(t)
    if flags is not None:
        tables["source_flags"] = flags
        findings.append(_flags_finding(flags))
        for r in flags.itertuples():
            key = r.flag.removeprefix("flag_")
            numbers[f"flagged_{key}_calls"] = int(r.flagged_calls)
            numbers[f"flagged_{key}_eligible"] = int(r.flagged_eligible)
            numbers[f"share_flagged_{key}_eligible"] = r.share_flagged_eligible
            numbers[f"share_eligible_flagged_{key}"] = r.share_of_eligible_flagged
    return section(headline, findings=findings, numbers=numbers, tables=tables)


def source_flags(classified: ir.Table) -> pd.DataFrame | None:
    """Program eligibility against the source's own flags: an independent check of the rules.

    Parameters
    ----------
    classified
        The classified calls table (with ``is_eligible`` or ``eligible``).

    Returns
    -------
    pandas.DataFrame or None
        One row per flag column with any non-null value (None when there is none):
        ``flag``, ``label``, ``calls_with_flag`` (flag known), ``flagged_calls``,
        ``flagged_eligible``, ``share_flagged_eligible`` (of flagged calls, the share a
        program could take), ``eligible_with_flag`` (eligible calls whose flag is known),
        ``share_of_eligible_flagged`` (of those, the share flagged) and
        ``flagged_eligible_elevated_or_high`` (flagged eligible calls the risk rules raised).
    """
    t = classified if "is_eligible" in classified.columns else with_eligible(classified)
    present = [c for c in SOURCE_FLAGS if c in t.columns]
    if not present:
        return None
    known = t.aggregate(**{c: t[c].count() for c in present}).to_pandas().iloc[0]
    present = [c for c in present if int(known[c])]
    if not present:
        return None
    risky = t.risk_level.isin(["elevated", "high"]) if "risk_level" in t.columns else ibis.literal(False)
    aggs = {}
    for i, c in enumerate(present):
        flag = t[c].fill_null(False)
        aggs[f"known_{i}"] = t[c].count()
        aggs[f"flagged_{i}"] = count_if(flag)
        aggs[f"flagged_eligible_{i}"] = count_if(flag & t.is_eligible)
        aggs[f"eligible_known_{i}"] = count_if(t[c].notnull() & t.is_eligible)
        aggs[f"flagged_eligible_risky_{i}"] = count_if(flag & t.is_eligible & risky)
    row = t.aggregate(**aggs).to_pandas().iloc[0]
    rows = []
    for i, c in enumerate(present):
        flagged, flagged_eligible = int(row[f"flagged_{i}"]), int(row[f"flagged_eligible_{i}"])
        eligible_known = int(row[f"eligible_known_{i}"])
        rows.append({
            "flag": c,
            "label": SOURCE_FLAGS[c],
            "calls_with_flag": int(row[f"known_{i}"]),
            "flagged_calls": flagged,
            "flagged_eligible": flagged_eligible,
            "share_flagged_eligible": share(flagged_eligible, flagged),
            "eligible_with_flag": eligible_known,
            "share_of_eligible_flagged": share(flagged_eligible, eligible_known),
            "flagged_eligible_elevated_or_high": int(row[f"flagged_eligible_risky_{i}"]),
        })
    return pd.DataFrame(rows)


def _flags_finding(flags: pd.DataFrame) -> str:
    rows = flags.set_index("flag")
    lead = rows.loc["flag_mental_health"] if "flag_mental_health" in rows.index else rows.iloc[0]
    text = (
        f"Of the {int(lead['flagged_calls']):,} calls the source itself flagged {lead['label']}, "
        f"{int(lead['flagged_eligible']):,} ({pct(lead['share_flagged_eligible'])}) are eligible for a program response"
    )
    if "flag_dv" in rows.index and int(rows.loc["flag_dv", "eligible_with_flag"]):
        dv = rows.loc["flag_dv"]
        text += (
            f"; of eligible calls, {pct(dv['share_of_eligible_flagged'], 1)} ({int(dv['flagged_eligible']):,}) carry"
            f" its domestic-violence flag, and the risk rules rate {int(dv['flagged_eligible_elevated_or_high']):,}"
            " of those elevated or high"
        )
    return text + "."


def rules_that_cannot_fire(classified: ir.Table, program) -> list[str]:
    """Which of the program's risk rules this data cannot fire, and why, in plain words.

    A rule whose input is empty (no narrative, no priority, no use-of-force history, no
    violent calls to build a premise history from) marks no call, so "0% at risk" would read
    as reassurance when it is only missing data. The report says these before any share.

    Parameters
    ----------
    classified
        The classified calls table.
    program
        The :class:`altresponse.program.Program` whose ``risk_rules`` are checked.

    Returns
    -------
    list of str
        One sentence per rule that cannot fire (empty when every rule has its inputs).
    """
    t = classified
    if not getattr(program, "risk_rules", None):
        return []
    # what each rule needs, counted in one query (six before: a scan and a compile each)
    zero = ibis.literal(0, "int64")
    head = non_nulls(
        t, ["narrative", "priority", "premise_force"], total=t.count(),
        violent=count_if(t.category == "violent_crime") if "category" in t.columns else zero,
        history=count_if(t.premise_violence > 0) if "premise_violence" in t.columns else zero,
    )
    total = int(head["total"])
    if total == 0:
        return []
    narrative, priority, force = head["narrative"], head["priority"], head["premise_force"]
    violent, history = int(head["violent"]), int(head["history"])
    out = []
    for rule in program.risk_rules:
        why = None
        if rule.words and not narrative:
            why = (f"listens for {', '.join(rule.words)} words, but the narrative is empty in all {total:,} calls, "
                   "so it hears only the call-type description")
        elif rule.premise_force_at_least and not force:
            why = "needs use-of-force history at the place, and the store holds no use-of-force data"
        elif rule.premise_violence_at_least and not history:
            why = ("needs earlier violent calls at the same place, and " +
                   ("the data hold no call of a violent type (a filtered extract?)" if not violent else "no place has one"))
        elif rule.priority_at_most and not priority:
            why = f"needs the call's priority, which is empty in all {total:,} calls"
        if why:
            out.append(f"Rule {rule.id} ({rule.level}) cannot fire: it {why}.")
    return out
