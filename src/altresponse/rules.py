"""The compiled rule tree: one program definition, two evaluators that always agree.

:func:`compile_program` turns a :class:`~altresponse.program.Program` into a :class:`RuleTree`
of small nodes (conditions, per-response eligibility, period choice, routing). Each node
renders itself twice:

* as an **Ibis expression** over a table of *facts* (``RuleTree.apply``), for whole tables on
  the engine; and
* as **Python source**, compiled once into a single function (``RuleTree.evaluate``) that
  decides one call in a few microseconds — for the triage service.

``tests/test_rules.py`` checks with ``hypothesis`` that both give identical outputs.

Facts (the inputs; what a call-taker knows)
-------------------------------------------
``canonical_type``, ``category``, ``priority`` (1 = most urgent), ``type_desc``, ``narrative``,
``premise_violence`` (prior calls with violence or weapons at the same location in the last 12
months), ``premise_force`` (prior use-of-force incidents there), ``beat``, ``received_date``
and ``received_local`` (local wall clock). Missing values are null / None.

Outputs
-------
Per response ``<r>``: ``eligible_<r>``, ``eligible_rule_<r>``, ``in_area_<r>``, ``in_hours_<r>``;
then ``eligible``, ``recommended_response``, ``recommended_rule``, ``risk_level``, ``risk_rule``.
Rule ids are listed at the top of each program file.

Semantics
---------
* Word flags match whole words, ASCII case-insensitively, in ``type_desc + " " + narrative``.
* Risk: the first matching risk rule in order high, then elevated (file order within a
  level); else ``low`` by ``risk.default``.
* Eligibility: the type must be in ``eligible_types`` (else ``<r>.not_type``); the first
  exclusion that matches (file order) makes it ineligible with its id; else ``<r>.types``.
* Period: the response's period in effect on ``received_date`` (or on ``as_of`` for every call
  when given). No period in effect: the response is not operating (``in_area`` and
  ``in_hours`` False, reason ``<r>.not_in_operation``).
* ``in_area``: citywide → True; else beat in the area; null beat → null. ``in_hours``: open
  all week → True; never open → False; else the local weekday and minute within the hours;
  null time → null.
* Routing: the first response in ``route_order`` whose ``eligible_<r>`` is True is offered the
  call. If it is available (``in_area`` and ``in_hours`` both True) it is recommended with rule
  ``<r>.<period id>``; otherwise the call goes to its fallback: a default responder (rule
  ``<r>.<reason>``), or another response, offered the call the same way if eligible (an
  ineligible fallback response passes the call on to its own fallback). A call eligible for no
  routed response goes to the default responder of its category (``defaults.<category>``) or
  ``defaults.otherwise``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import ibis
import ibis.expr.types as ir

from .program import DEFAULT_RESPONDERS, RISK_LEVELS, Condition, Period, Program

FACT_COLUMNS: dict[str, str] = {
    "canonical_type": "string",
    "category": "string",
    "priority": "int64",
    "type_desc": "string",
    "narrative": "string",
    "premise_violence": "int64",
    "premise_force": "int64",
    "beat": "string",
    "received_date": "date",
    "received_local": "timestamp",
}


def word_pattern(words: list[str]) -> str:
    """A regex (same meaning in Python ``re`` with ASCII and in RE2) matching any whole word."""
    alts = []
    for w in sorted(words, key=len, reverse=True):
        parts = []
        for ch in w:
            if ch.isalpha():
                parts.append(f"[{ch.upper()}{ch.lower()}]")
            elif ch.isdigit() or ch == " ":
                parts.append(ch)
            else:
                parts.append("\\" + ch)
        alts.append("".join(parts))
    return r"\b(?:" + "|".join(alts) + r")\b"


# --- conditions ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Cond:
    """A compiled :class:`~altresponse.program.Condition` (AND of its parts)."""

    types: frozenset[str] | None
    categories: frozenset[str] | None
    priority_at_most: int | None
    words: tuple[str, ...] | None
    premise_violence_at_least: int | None
    premise_force_at_least: int | None
    risk_at_least: str | None

    @classmethod
    def of(cls, c: Condition) -> Cond:
        return cls(
            frozenset(c.types) if c.types else None,
            frozenset(c.categories) if c.categories else None,
            c.priority_at_most,
            tuple(c.words) if c.words else None,
            c.premise_violence_at_least,
            c.premise_force_at_least,
            c.risk_at_least,
        )

    def py(self, consts: _Consts) -> str:
        parts = []
        if self.types is not None:
            parts.append(f"ct in {consts.add(self.types)}")
        if self.categories is not None:
            parts.append(f"cat in {consts.add(self.categories)}")
        if self.priority_at_most is not None:
            parts.append(f"(pr is not None and pr <= {self.priority_at_most})")
        if self.words is not None:
            parts.append("(" + " or ".join(f"w_{w}" for w in self.words) + ")")
        if self.premise_violence_at_least is not None:
            parts.append(f"(pv is not None and pv >= {self.premise_violence_at_least})")
        if self.premise_force_at_least is not None:
            parts.append(f"(pf is not None and pf >= {self.premise_force_at_least})")
        if self.risk_at_least is not None:
            parts.append(f"risk in {consts.add(frozenset(RISK_LEVELS[RISK_LEVELS.index(self.risk_at_least):]))}")
        return " and ".join(parts)

    def ibis(self, f: dict[str, ir.Value]) -> ir.BooleanValue:
        parts: list[ir.BooleanValue] = []
        if self.types is not None:
            parts.append(f["canonical_type"].isin(sorted(self.types)).fill_null(False))
        if self.categories is not None:
            parts.append(f["category"].isin(sorted(self.categories)).fill_null(False))
        if self.priority_at_most is not None:
            parts.append((f["priority"] <= self.priority_at_most).fill_null(False))
        if self.words is not None:
            parts.append(_any([f[f"w_{w}"] for w in self.words]))
        if self.premise_violence_at_least is not None:
            parts.append((f["premise_violence"] >= self.premise_violence_at_least).fill_null(False))
        if self.premise_force_at_least is not None:
            parts.append((f["premise_force"] >= self.premise_force_at_least).fill_null(False))
        if self.risk_at_least is not None:
            parts.append(f["risk_level"].isin(list(RISK_LEVELS[RISK_LEVELS.index(self.risk_at_least):])))
        return _all(parts)


def _any(parts):
    out = parts[0]
    for p in parts[1:]:
        out = out | p
    return out


def _all(parts):
    out = parts[0]
    for p in parts[1:]:
        out = out & p
    return out


class _Consts:
    """Constants referenced by the generated Python (sets, hour bitmaps, regexes)."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    def add(self, value: Any) -> str:
        for name, v in self.values.items():
            if v == value and type(v) is type(value):
                return name
        name = f"_k{len(self.values)}"
        self.values[name] = value
        return name


# --- responses -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CPeriod:
    id: str
    start: dt.date | None
    end: dt.date | None
    area: frozenset[str] | None
    hours: dict[int, list[tuple[int, int]]]

    @property
    def always_open(self) -> bool:
        return all(self.hours.get(d) == [(0, 1440)] for d in range(7))

    @property
    def never_open(self) -> bool:
        return not any(self.hours.get(d) for d in range(7))

    def bitmap(self) -> bytes:
        bits = bytearray(7 * 1440)
        for d, ranges in self.hours.items():
            for s, e in ranges:
                bits[d * 1440 + s : d * 1440 + e] = b"\x01" * (e - s)
        return bytes(bits)


@dataclass(frozen=True)
class CResponse:
    id: str
    types: frozenset[str]
    exclusions: tuple[tuple[str, Cond], ...]
    fallback: str
    periods: tuple[CPeriod, ...]


@dataclass
class RuleTree:
    """A program compiled for evaluation. Build with :func:`compile_program`."""

    program_id: str
    program_version: str
    keywords: dict[str, str]  # flag -> regex
    risk: tuple[tuple[str, str, Cond], ...]  # (rule id, level, condition), in decision order
    responses: tuple[CResponse, ...]
    route_order: tuple[str, ...]
    default_by_category: dict[str, str]
    default_otherwise: str
    as_of: dt.date | None = None
    _fn: Any = field(default=None, repr=False)
    source: str = field(default="", repr=False)

    # --- outputs -------------------------------------------------------------------------

    @property
    def output_columns(self) -> list[str]:
        cols = []
        for r in self.responses:
            cols += [f"eligible_{r.id}", f"eligible_rule_{r.id}", f"in_area_{r.id}", f"in_hours_{r.id}"]
        return [*cols, "eligible", "recommended_response", "recommended_rule", "risk_level", "risk_rule"]

    def response(self, rid: str) -> CResponse:
        return next(r for r in self.responses if r.id == rid)

    # --- the routing tree (shared by both renderings) --------------------------------------

    def routing_tree(self) -> tuple:
        """Nested tuples: ('elig', r, then, else) | ('avail', r, then, else) | ('pick', r) | ('fail', r, target) | ('default',)."""

        def offer(rid: str, reason_from: str | None, seen: tuple[str, ...]) -> tuple:
            if rid in DEFAULT_RESPONDERS:
                return ("fail", reason_from, rid)
            if rid in seen:  # validation rejects cycles; guard anyway
                return ("fail", reason_from, self.default_otherwise)
            r = self.response(rid)
            passed = offer(r.fallback, reason_from, (*seen, rid)) if reason_from else ("default",)
            return ("elig", rid, walk(rid, (*seen, rid)), passed)

        def walk(rid: str, seen: tuple[str, ...]) -> tuple:
            r = self.response(rid)
            return ("avail", rid, ("pick", rid), offer(r.fallback, rid, seen))

        tree: tuple = ("default",)
        for rid in reversed(self.route_order):
            tree = ("elig", rid, walk(rid, (rid,)), tree)
        return tree

    # --- Python rendering ----------------------------------------------------------------

    def _python_source(self) -> tuple[str, dict[str, Any]]:
        k = _Consts()
        L: list[str] = []
        w = L.append
        w("def evaluate(c):")
        w("    g = c.get")
        w("    ct = g('canonical_type'); cat = g('category'); pr = g('priority')")
        w("    pv = g('premise_violence'); pf = g('premise_force'); beat = g('beat')")
        w("    text = (g('type_desc') or '') + ' ' + (g('narrative') or '')")
        for flag, pattern in self.keywords.items():
            rx = k.add(re.compile(pattern, re.ASCII))
            w(f"    w_{flag} = {rx}.search(text) is not None")
        w("    ts = g('received_local')")
        w("    if ts is None:")
        w("        hm = None")
        w("    else:")
        w("        hm = ts.weekday() * 1440 + ts.hour * 60 + ts.minute")
        if self.as_of is None:
            w("    d = g('received_date')")
        else:
            w(f"    d = {k.add(self.as_of)}")
        # risk
        first = True
        for rule_id, level, cond in self.risk:
            w(f"    {'if' if first else 'elif'} {cond.py(k)}:")
            w(f"        risk = {level!r}; risk_rule = {rule_id!r}")
            first = False
        if first:
            w("    risk = 'low'; risk_rule = 'risk.default'")
        else:
            w("    else:")
            w("        risk = 'low'; risk_rule = 'risk.default'")
        for r in self.responses:
            i = r.id
            w(f"    if ct not in {k.add(r.types)}:")
            w(f"        e_{i} = False; er_{i} = {i + '.not_type'!r}")
            for ex_id, cond in r.exclusions:
                w(f"    elif {cond.py(k)}:")
                w(f"        e_{i} = False; er_{i} = {ex_id!r}")
            w("    else:")
            w(f"        e_{i} = True; er_{i} = {i + '.types'!r}")
            # period, area, hours, availability and reason
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
        w("    eligible = " + " or ".join(f"e_{r.id}" for r in self.responses))
        self._py_route(self.routing_tree(), w, "    ", k)
        out = []
        for r in self.responses:
            i = r.id
            out += [f"'eligible_{i}': e_{i}", f"'eligible_rule_{i}': er_{i}", f"'in_area_{i}': ia_{i}", f"'in_hours_{i}': ih_{i}"]
        out += ["'eligible': eligible", "'recommended_response': rec", "'recommended_rule': rec_rule",
                "'risk_level': risk", "'risk_rule': risk_rule"]
        w("    return {" + ", ".join(out) + "}")
        return "\n".join(L) + "\n", k.values

    def _py_route(self, node: tuple, w, ind: str, k: _Consts) -> None:
        kind = node[0]
        if kind == "elig":
            w(f"{ind}if e_{node[1]}:")
            self._py_route(node[2], w, ind + "    ", k)
            w(f"{ind}else:")
            self._py_route(node[3], w, ind + "    ", k)
        elif kind == "avail":
            i = node[1]
            w(f"{ind}if ia_{i} is True and ih_{i} is True:")
            self._py_route(node[2], w, ind + "    ", k)
            w(f"{ind}else:")
            self._py_route(node[3], w, ind + "    ", k)
        elif kind == "pick":
            w(f"{ind}rec = {node[1]!r}; rec_rule = ok_{node[1]}")
        elif kind == "fail":
            w(f"{ind}rec = {node[2]!r}; rec_rule = rs_{node[1]}")
        else:  # default by category
            w(f"{ind}rec = {k.add(self.default_by_category)}.get(cat, {self.default_otherwise!r})")
            w(f"{ind}rec_rule = 'defaults.' + cat if cat in {k.add(self.default_by_category)} else 'defaults.otherwise'")

    def evaluate(self, call: dict[str, Any]) -> dict[str, Any]:
        """Decide one call (a mapping of fact names to values) in pure Python.

        Examples
        --------
        >>> import datetime as dt
        >>> from altresponse.program import load_program
        >>> tree = compile_program(load_program("programs/durham-heart.yaml"))  # doctest: +SKIP
        >>> tree.evaluate({"canonical_type": "WELFARE", "category": "welfare", "beat": "111",
        ...                "received_date": dt.date(2022, 7, 4),
        ...                "received_local": dt.datetime(2022, 7, 4, 10, 30)})["recommended_response"]  # doctest: +SKIP
        'crt'
        """
        if self._fn is None:
            self._build()
        return self._fn(call)

    @property
    def evaluator(self):
        """The compiled one-call function (fastest: call it directly in hot loops)."""
        if self._fn is None:
            self._build()
        return self._fn

    def _build(self) -> None:
        src, consts = self._python_source()
        namespace: dict[str, Any] = dict(consts)
        exec(compile(src, f"<rules {self.program_id} {self.program_version}>", "exec"), namespace)  # noqa: S102
        self._fn = namespace["evaluate"]
        self.source = src

    # --- Ibis rendering ------------------------------------------------------------------

    def apply(self, facts: ir.Table) -> ir.Table:
        """Add the output columns to a table holding the fact columns (an engine expression)."""
        t = facts
        text = t.type_desc.cast("string").fill_null("").concat(" ", t.narrative.cast("string").fill_null(""))
        t = t.mutate(**{f"_w_{flag}": text.re_search(p) for flag, p in self.keywords.items()})
        ts = t.received_local
        t = t.mutate(_hm=ts.day_of_week.index().cast("int32") * 1440 + ts.hour().cast("int32") * 60 + ts.minute().cast("int32"))
        d = ibis.literal(self.as_of) if self.as_of is not None else t.received_date

        def facts_env(tab) -> dict[str, ir.Value]:
            env = {name: tab[name] for name in FACT_COLUMNS}
            env.update({f"w_{flag}": tab[f"_w_{flag}"] for flag in self.keywords})
            if "risk_level" in tab.columns:
                env["risk_level"] = tab["risk_level"]
            return env

        f = facts_env(t)
        if self.risk:
            branches = [(cond.ibis(f), ibis.literal(level)) for _, level, cond in self.risk]
            rule_branches = [(cond.ibis(f), ibis.literal(rid)) for rid, _, cond in self.risk]
            t = t.mutate(
                risk_level=ibis.cases(*branches, else_=ibis.literal("low")),
                risk_rule=ibis.cases(*rule_branches, else_=ibis.literal("risk.default")),
            )
        else:
            t = t.mutate(risk_level=ibis.literal("low"), risk_rule=ibis.literal("risk.default"))
        f = facts_env(t)
        null_bool = ibis.null().cast("boolean")
        cols: dict[str, ir.Value] = {}
        for r in self.responses:
            i = r.id
            not_type = ~f["canonical_type"].isin(sorted(r.types)).fill_null(False)
            e_br = [(not_type, ibis.literal(False))] + [(c.ibis(f), ibis.literal(False)) for _, c in r.exclusions]
            er_br = [(not_type, ibis.literal(f"{i}.not_type"))] + [(c.ibis(f), ibis.literal(ex)) for ex, c in r.exclusions]
            cols[f"eligible_{i}"] = ibis.cases(*e_br, else_=ibis.literal(True))
            cols[f"eligible_rule_{i}"] = ibis.cases(*er_br, else_=ibis.literal(f"{i}.types"))
            area_br, hours_br, ok_br = [], [], []
            for p in r.periods:
                covers = [d.notnull()]
                if p.start is not None:
                    covers.append(d >= ibis.literal(p.start))
                if p.end is not None:
                    covers.append(d <= ibis.literal(p.end))
                covers_p = _all(covers)
                if p.area is None:
                    area = ibis.literal(True)
                else:
                    area = ibis.ifelse(t.beat.isnull(), null_bool, t.beat.isin(sorted(p.area)))
                if p.always_open:
                    hours = ibis.literal(True)
                elif p.never_open:
                    hours = ibis.literal(False)
                else:
                    spans = [
                        (t._hm >= day * 1440 + s) & (t._hm < day * 1440 + e)
                        for day, ranges in p.hours.items()
                        for s, e in ranges
                    ]
                    hours = ibis.ifelse(t._hm.isnull(), null_bool, _any(spans))
                area_br.append((covers_p, area))
                hours_br.append((covers_p, hours))
                ok_br.append((covers_p, ibis.literal(f"{i}.{p.id}")))
            cols[f"in_area_{i}"] = ibis.cases(*area_br, else_=ibis.literal(False))
            cols[f"in_hours_{i}"] = ibis.cases(*hours_br, else_=ibis.literal(False))
            cols[f"_ok_{i}"] = ibis.cases(*ok_br, else_=ibis.null().cast("string"))
        t = t.mutate(**cols)
        rs = {}
        for r in self.responses:
            i = r.id
            ia, ih = t[f"in_area_{i}"], t[f"in_hours_{i}"]
            rs[f"_rs_{i}"] = ibis.cases(
                (t[f"_ok_{i}"].isnull(), ibis.literal(f"{i}.not_in_operation")),
                (ia.isnull(), ibis.literal(f"{i}.unknown_beat")),
                (~ia, ibis.literal(f"{i}.out_of_area")),
                (ih.isnull(), ibis.literal(f"{i}.unknown_time")),
                (~ih, ibis.literal(f"{i}.out_of_hours")),
                else_=ibis.null().cast("string"),
            )
            rs[f"_av_{i}"] = (ia.fill_null(False) & ih.fill_null(False))
        t = t.mutate(**rs)
        eligible = _any([t[f"eligible_{r.id}"] for r in self.responses])
        default_resp = ibis.literal(self.default_otherwise)
        default_rule = ibis.literal("defaults.otherwise")
        if self.default_by_category:
            cat = t.category
            default_resp = ibis.cases(
                *[(cat == ibis.literal(c), ibis.literal(v)) for c, v in self.default_by_category.items()],
                else_=default_resp,
            )
            default_rule = ibis.cases(
                *[(cat == ibis.literal(c), ibis.literal(f"defaults.{c}")) for c in self.default_by_category],
                else_=default_rule,
            )
        rec, rec_rule = self._ibis_route(self.routing_tree(), t, default_resp, default_rule)
        t = t.mutate(eligible=eligible, recommended_response=rec, recommended_rule=rec_rule)
        helpers = [c for c in t.columns if c.startswith("_")]
        return t.drop(*helpers)

    def _ibis_route(self, node: tuple, t, default_resp, default_rule):
        kind = node[0]
        if kind in ("elig", "avail"):
            test = t[f"eligible_{node[1]}"] if kind == "elig" else t[f"_av_{node[1]}"]
            a_resp, a_rule = self._ibis_route(node[2], t, default_resp, default_rule)
            b_resp, b_rule = self._ibis_route(node[3], t, default_resp, default_rule)
            return ibis.ifelse(test, a_resp, b_resp), ibis.ifelse(test, a_rule, b_rule)
        if kind == "pick":
            return ibis.literal(node[1]), t[f"_ok_{node[1]}"]
        if kind == "fail":
            return ibis.literal(node[2]), t[f"_rs_{node[1]}"]
        return default_resp, default_rule

    # --- explanation ---------------------------------------------------------------------

    def trace(self, call: dict[str, Any]) -> list[dict[str, Any]]:
        """Every rule the call touched, in decision order: (stage, rule, fired, detail)."""
        out = self.evaluate(call)
        k = _Consts()
        env = dict(_python_facts(call, self))
        steps: list[dict[str, Any]] = []

        def test(cond: Cond) -> bool:
            src = cond.py(k)
            return bool(eval(src, dict(k.values), env))  # noqa: S307 — our own generated source

        for rid, level, cond in self.risk:
            fired = test(cond)
            steps.append({"stage": "risk", "rule": rid, "fired": fired, "detail": f"raises risk to {level}"})
        steps.append({"stage": "risk", "rule": out["risk_rule"], "fired": True, "detail": f"risk_level = {out['risk_level']}"})
        env["risk"] = out["risk_level"]
        for r in self.responses:
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


def _python_facts(call: dict[str, Any], tree: RuleTree) -> dict[str, Any]:
    g = call.get
    text = (g("type_desc") or "") + " " + (g("narrative") or "")
    env = {"ct": g("canonical_type"), "cat": g("category"), "pr": g("priority"), "pv": g("premise_violence"),
           "pf": g("premise_force"), "beat": g("beat")}
    for flag, pattern in tree.keywords.items():
        env[f"w_{flag}"] = re.search(pattern, text, re.ASCII) is not None
    return env


def compile_program(program: Program, *, as_of: dt.date | None = None) -> RuleTree:
    """Compile a program into a :class:`RuleTree`.

    Parameters
    ----------
    program
        A loaded program.
    as_of
        Judge every call by the periods in effect on this date (historical what-ifs, e.g. 2021
        calls under the 2022 pilot). None: each call by its own ``received_date``.

    Returns
    -------
    RuleTree
    """
    order = {"high": 0, "elevated": 1}
    risk = tuple(
        (r.id, r.level, Cond.of(r))
        for r in sorted(program.risk_rules, key=lambda r: order[r.level])  # stable: file order within a level
    )
    responses = tuple(
        CResponse(
            id=r.id,
            types=frozenset(r.eligible_types),
            exclusions=tuple((e.id, Cond.of(e)) for e in r.exclusions),
            fallback=r.fallback or program.default_responders.otherwise,
            periods=tuple(_cperiod(p) for p in r.periods),
        )
        for r in program.responses
    )
    return RuleTree(
        program_id=program.id,
        program_version=program.version,
        keywords={flag: word_pattern(words) for flag, words in program.keywords.items()},
        risk=risk,
        responses=responses,
        route_order=tuple(program.route_order),
        default_by_category=dict(program.default_responders.by_category),
        default_otherwise=program.default_responders.otherwise,
        as_of=as_of,
    )


def _cperiod(p: Period) -> CPeriod:
    return CPeriod(p.id, p.start, p.end, frozenset(p.service_area) if p.service_area is not None else None, dict(p.hours))
