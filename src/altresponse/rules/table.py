"""The Ibis rendering of a rule tree: the output columns over a whole table of facts.

Same decisions as :mod:`.single` (``tests/test_rules.py`` checks it), as one engine
expression; conditions come from the shared table in :mod:`.conditions`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import ibis
import ibis.expr.types as ir

from .conditions import FACT_COLUMNS, all_of, any_of

if TYPE_CHECKING:
    from .tree import CResponse, RuleTree


def apply(tree: RuleTree, facts: ir.Table) -> ir.Table:
    """Add the output columns to a table holding the fact columns."""
    t = facts
    text = t.type_desc.cast("string").fill_null("").concat(" ", t.narrative.cast("string").fill_null(""))
    t = t.mutate(**{f"_w_{flag}": text.re_search(p) for flag, p in tree.keywords.items()})
    ts = t.received_local
    t = t.mutate(_hm=ts.day_of_week.index().cast("int32") * 1440 + ts.hour().cast("int32") * 60 + ts.minute().cast("int32"))
    d = ibis.literal(tree.as_of) if tree.as_of is not None else t.received_date
    t = _risk(tree, t)
    f = _env(tree, t)
    cols: dict[str, ir.Value] = {}
    for r in tree.responses:
        cols.update(_response(r, t, f, d))
    t = t.mutate(**cols)
    t = t.mutate(**{k: v for r in tree.responses for k, v in _unavailable(r.id, t).items()})
    rec, rec_rule = _route(tree.routing_tree(), t, *_defaults(tree, t))
    t = t.mutate(eligible=any_of([t[f"eligible_{r.id}"] for r in tree.responses]),
                 recommended_response=rec, recommended_rule=rec_rule)
    return t.drop(*[c for c in t.columns if c.startswith("_")])


def _env(tree: RuleTree, tab: ir.Table) -> dict[str, ir.Value]:
    env = {name: tab[name] for name in FACT_COLUMNS}
    env.update({f"w_{flag}": tab[f"_w_{flag}"] for flag in tree.keywords})
    if "risk_level" in tab.columns:
        env["risk_level"] = tab["risk_level"]
    return env


def _risk(tree: RuleTree, t: ir.Table) -> ir.Table:
    if not tree.risk:
        return t.mutate(risk_level=ibis.literal("low"), risk_rule=ibis.literal("risk.default"))
    f = _env(tree, t)
    tests = [cond.ibis(f) for _, _, cond in tree.risk]
    return t.mutate(
        risk_level=ibis.cases(*[(c, ibis.literal(level)) for c, (_, level, _) in zip(tests, tree.risk)], else_=ibis.literal("low")),
        risk_rule=ibis.cases(*[(c, ibis.literal(rid)) for c, (rid, _, _) in zip(tests, tree.risk)], else_=ibis.literal("risk.default")),
    )


def _response(r: CResponse, t: ir.Table, f: dict[str, ir.Value], d) -> dict[str, ir.Value]:
    """eligible/eligible_rule/in_area/in_hours for one response, and its period id (``_ok_``)."""
    i = r.id
    null_bool = ibis.null().cast("boolean")
    not_type = ~f["canonical_type"].isin(sorted(r.types)).fill_null(False)
    e_br = [(not_type, ibis.literal(False))] + [(c.ibis(f), ibis.literal(False)) for _, c in r.exclusions]
    er_br = [(not_type, ibis.literal(f"{i}.not_type"))] + [(c.ibis(f), ibis.literal(ex)) for ex, c in r.exclusions]
    area_br, hours_br, ok_br = [], [], []
    for p in r.periods:
        covers = [d.notnull()]
        if p.start is not None:
            covers.append(d >= ibis.literal(p.start))
        if p.end is not None:
            covers.append(d <= ibis.literal(p.end))
        covers_p = all_of(covers)
        area = ibis.literal(True) if p.area is None else ibis.ifelse(t.beat.isnull(), null_bool, t.beat.isin(sorted(p.area)))
        if p.always_open:
            hours = ibis.literal(True)
        elif p.never_open:
            hours = ibis.literal(False)
        else:
            spans = [(t._hm >= day * 1440 + s) & (t._hm < day * 1440 + e) for day, ranges in p.hours.items() for s, e in ranges]
            hours = ibis.ifelse(t._hm.isnull(), null_bool, any_of(spans))
        area_br.append((covers_p, area))
        hours_br.append((covers_p, hours))
        ok_br.append((covers_p, ibis.literal(f"{i}.{p.id}")))
    return {
        f"eligible_{i}": ibis.cases(*e_br, else_=ibis.literal(True)),
        f"eligible_rule_{i}": ibis.cases(*er_br, else_=ibis.literal(f"{i}.types")),
        f"in_area_{i}": ibis.cases(*area_br, else_=ibis.literal(False)),
        f"in_hours_{i}": ibis.cases(*hours_br, else_=ibis.literal(False)),
        f"_ok_{i}": ibis.cases(*ok_br, else_=ibis.null().cast("string")),
    }


def _unavailable(i: str, t: ir.Table) -> dict[str, ir.Value]:
    """Why response ``i`` cannot take the call (``_rs_``), and whether it can (``_av_``)."""
    ia, ih = t[f"in_area_{i}"], t[f"in_hours_{i}"]
    return {
        f"_rs_{i}": ibis.cases(
            (t[f"_ok_{i}"].isnull(), ibis.literal(f"{i}.not_in_operation")),
            (ia.isnull(), ibis.literal(f"{i}.unknown_beat")),
            (~ia, ibis.literal(f"{i}.out_of_area")),
            (ih.isnull(), ibis.literal(f"{i}.unknown_time")),
            (~ih, ibis.literal(f"{i}.out_of_hours")),
            else_=ibis.null().cast("string"),
        ),
        f"_av_{i}": ia.fill_null(False) & ih.fill_null(False),
    }


def _defaults(tree: RuleTree, t: ir.Table):
    resp, rule = ibis.literal(tree.default_otherwise), ibis.literal("defaults.otherwise")
    if tree.default_by_category:
        cat = t.category
        resp = ibis.cases(*[(cat == ibis.literal(c), ibis.literal(v)) for c, v in tree.default_by_category.items()], else_=resp)
        rule = ibis.cases(*[(cat == ibis.literal(c), ibis.literal(f"defaults.{c}")) for c in tree.default_by_category], else_=rule)
    return resp, rule


def _route(node: tuple, t, default_resp, default_rule):
    kind = node[0]
    if kind in ("elig", "avail"):
        test = t[f"eligible_{node[1]}"] if kind == "elig" else t[f"_av_{node[1]}"]
        a_resp, a_rule = _route(node[2], t, default_resp, default_rule)
        b_resp, b_rule = _route(node[3], t, default_resp, default_rule)
        return ibis.ifelse(test, a_resp, b_resp), ibis.ifelse(test, a_rule, b_rule)
    if kind == "pick":
        return ibis.literal(node[1]), t[f"_ok_{node[1]}"]
    if kind == "fail":
        return ibis.literal(node[2]), t[f"_rs_{node[1]}"]
    return default_resp, default_rule
