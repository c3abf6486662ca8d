"""The Python rendering of a rule tree: source for one function that decides one call.

Generated once per tree and compiled with ``exec`` (our own source, built from a validated
program): a flat function of local variables and set lookups decides a call in a few
microseconds, which the triage service needs (≥ 100,000 calls/s, ``benchmarks/classify_single.py``).
The conditions come from :mod:`.conditions`, so both renderings share one definition per key.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from .conditions import PY_NAMES, Consts

if TYPE_CHECKING:
    from .tree import RuleTree

# The facts read as locals at the top of the generated function (risk_level is computed there).
_FACTS_READ = [f for f in PY_NAMES if f != "risk_level"]


def build(tree: RuleTree):
    """Compile the tree's one-call function; returns (function, its source)."""
    src, consts = python_source(tree)
    namespace: dict[str, Any] = dict(consts)
    exec(compile(src, f"<rules {tree.program_id} {tree.program_version}>", "exec"), namespace)  # noqa: S102
    return namespace["evaluate"], src


def python_source(tree: RuleTree) -> tuple[str, dict[str, Any]]:
    """The source of ``evaluate(call) -> dict`` and the constants it refers to."""
    k = Consts()
    lines: list[str] = []
    w = lines.append
    w("def evaluate(c):")
    w("    g = c.get")
    w("    " + "; ".join(f"{PY_NAMES[f]} = g({f!r})" for f in _FACTS_READ))
    w("    text = (g('type_desc') or '') + ' ' + (g('narrative') or '')")
    for flag, pattern in tree.keywords.items():
        rx = k.add(re.compile(pattern, re.ASCII))
        w(f"    w_{flag} = {rx}.search(text) is not None")
    w("    ts = g('received_local')")
    w("    if ts is None:")
    w("        hm = None")
    w("    else:")
    w("        hm = ts.weekday() * 1440 + ts.hour * 60 + ts.minute")
    w("    d = g('received_date')" if tree.as_of is None else f"    d = {k.add(tree.as_of)}")
    _risk(tree, w, k)
    for r in tree.responses:
        _response(r, w, k)
    w("    eligible = " + " or ".join(f"e_{r.id}" for r in tree.responses))
    _route(tree, tree.routing_tree(), w, "    ", k)
    out = []
    for r in tree.responses:
        i = r.id
        out += [f"'eligible_{i}': e_{i}", f"'eligible_rule_{i}': er_{i}", f"'in_area_{i}': ia_{i}", f"'in_hours_{i}': ih_{i}"]
    out += ["'eligible': eligible", "'recommended_response': rec", "'recommended_rule': rec_rule",
            "'risk_level': risk", "'risk_rule': risk_rule"]
    w("    return {" + ", ".join(out) + "}")
    return "\n".join(lines) + "\n", k.values


def _risk(tree: RuleTree, w, k: Consts) -> None:
    first = True
    for rule_id, level, cond in tree.risk:
        w(f"    {'if' if first else 'elif'} {cond.py(k)}:")
        w(f"        risk = {level!r}; risk_rule = {rule_id!r}")
        first = False
    if first:
        w("    risk = 'low'; risk_rule = 'risk.default'")
    else:
        w("    else:")
        w("        risk = 'low'; risk_rule = 'risk.default'")


def _response(r, w, k: Consts) -> None:
    """Eligibility, then the period in effect, area, hours and the reason it is unavailable."""
    i = r.id
    w(f"    if ct not in {k.add(r.types)}:")
    w(f"        e_{i} = False; er_{i} = {i + '.not_type'!r}")
    for ex_id, cond in r.exclusions:
        w(f"    elif {cond.py(k)}:")
        w(f"        e_{i} = False; er_{i} = {ex_id!r}")
    w("    else:")
    w(f"        e_{i} = True; er_{i} = {i + '.types'!r}")
    w(f"    ia_{i} = False; ih_{i} = False; ok_{i} = None; rs_{i} = {i + '.not_in_operation'!r}")
    w("    if d is None:")
    w("        pass")
    for p in r.periods:
        conds = []
        if p.start is not None:
            conds.append(f"d >= {k.add(p.start)}")
        if p.end is not None:
            conds.append(f"d <= {k.add(p.end)}")
        w(f"    elif {' and '.join(conds) or 'True'}:")
        if p.area is None:
            w(f"        ia_{i} = True")
        else:
            w(f"        ia_{i} = None if beat is None else beat in {k.add(p.area)}")
        if p.always_open:
            w(f"        ih_{i} = True")
        elif p.never_open:
            w(f"        ih_{i} = False")
        else:
            w(f"        ih_{i} = None if hm is None else {k.add(p.bitmap())}[hm] == 1")
        w(f"        ok_{i} = {i + '.' + p.id!r}")
        w(f"        if ia_{i} is None: rs_{i} = {i + '.unknown_beat'!r}")
        w(f"        elif not ia_{i}: rs_{i} = {i + '.out_of_area'!r}")
        w(f"        elif ih_{i} is None: rs_{i} = {i + '.unknown_time'!r}")
        w(f"        elif not ih_{i}: rs_{i} = {i + '.out_of_hours'!r}")


def _route(tree: RuleTree, node: tuple, w, ind: str, k: Consts) -> None:
    kind = node[0]
    if kind in ("elig", "avail"):
        i = node[1]
        w(f"{ind}if e_{i}:" if kind == "elig" else f"{ind}if ia_{i} is True and ih_{i} is True:")
        _route(tree, node[2], w, ind + "    ", k)
        w(f"{ind}else:")
        _route(tree, node[3], w, ind + "    ", k)
    elif kind == "pick":
        w(f"{ind}rec = {node[1]!r}; rec_rule = ok_{node[1]}")
    elif kind == "fail":
        w(f"{ind}rec = {node[2]!r}; rec_rule = rs_{node[1]}")
    else:  # default by category
        w(f"{ind}rec = {k.add(tree.default_by_category)}.get(cat, {tree.default_otherwise!r})")
        w(f"{ind}rec_rule = 'defaults.' + cat if cat in {k.add(tree.default_by_category)} else 'defaults.otherwise'")


def python_facts(call: dict[str, Any], tree: RuleTree) -> dict[str, Any]:
    """The generated function's locals for one call (for :meth:`RuleTree.trace`)."""
    g = call.get
    text = (g("type_desc") or "") + " " + (g("narrative") or "")
    env = {PY_NAMES[f]: g(f) for f in _FACTS_READ}
    for flag, pattern in tree.keywords.items():
        env[f"w_{flag}"] = re.search(pattern, text, re.ASCII) is not None
    return env


def trace(tree: RuleTree, call: dict[str, Any]) -> list[dict[str, Any]]:
    """Every rule the call touched, in decision order: (stage, rule, fired, detail)."""
    out = tree.evaluate(call)
    k = Consts()
    env = python_facts(call, tree)
    steps: list[dict[str, Any]] = []

    def test(cond) -> bool:
        return bool(eval(cond.py(k), dict(k.values), env))  # noqa: S307 — our own generated source

    for rid, level, cond in tree.risk:
        steps.append({"stage": "risk", "rule": rid, "fired": test(cond), "detail": f"raises risk to {level}"})
    steps.append({"stage": "risk", "rule": out["risk_rule"], "fired": True, "detail": f"risk_level = {out['risk_level']}"})
    env["risk"] = out["risk_level"]
    for r in tree.responses:
        i = r.id
        steps.append({"stage": f"eligible {i}", "rule": f"{i}.types", "fired": env["ct"] in r.types,
                      "detail": f"canonical_type {env['ct']!r} {'in' if env['ct'] in r.types else 'not in'} eligible_types"})
        for ex_id, cond in r.exclusions:
            steps.append({"stage": f"eligible {i}", "rule": ex_id, "fired": test(cond), "detail": "exclusion"})
        steps.append({"stage": f"eligible {i}", "rule": out[f"eligible_rule_{i}"], "fired": True,
                      "detail": f"eligible_{i} = {out[f'eligible_{i}']}; in_area = {out[f'in_area_{i}']}; in_hours = {out[f'in_hours_{i}']}"})
    steps.append({"stage": "route", "rule": out["recommended_rule"], "fired": True,
                  "detail": f"recommended_response = {out['recommended_response']}"})
    return steps
