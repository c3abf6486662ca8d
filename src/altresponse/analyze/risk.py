"""Risk: the distribution of risk levels, by type, and the eligible calls that carry risk."""

from __future__ import annotations

from typing import Any

import ibis.expr.types as ir

from ._common import count_if, pct, scalar, section, share, unavailable, with_eligible

LEVELS = ("low", "elevated", "high")


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
        elevated or high risk, by the rule that set the level).
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
    return section(headline, findings=findings, numbers=numbers, tables=tables)
