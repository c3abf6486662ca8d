"""The compiled rule tree: periods, responses, the routing tree, and :func:`compile_program`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import ibis.expr.types as ir

from ..program import DEFAULT_RESPONDERS, Period, Program
from . import single, table
from .conditions import Cond, word_pattern


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

    @property
    def output_columns(self) -> list[str]:
        cols = []
        for r in self.responses:
            cols += [f"eligible_{r.id}", f"eligible_rule_{r.id}", f"in_area_{r.id}", f"in_hours_{r.id}"]
        return [*cols, "eligible", "recommended_response", "recommended_rule", "risk_level", "risk_rule"]

    def response(self, rid: str) -> CResponse:
        return next(r for r in self.responses if r.id == rid)

    def routing_tree(self) -> tuple:
        """Nested tuples: ('elig', r, then, else) | ('avail', r, then, else) | ('pick', r) | ('fail', r, target) | ('default',).

        Shared by both renderings, so they route the same way.
        """

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
        return self.evaluator(call)

    @property
    def evaluator(self):
        """The compiled one-call function (fastest: call it directly in hot loops)."""
        if self._fn is None:
            self._fn, self.source = single.build(self)
        return self._fn

    def apply(self, facts: ir.Table) -> ir.Table:
        """Add the output columns to a table holding the fact columns (an engine expression)."""
        return table.apply(self, facts)

    def trace(self, call: dict[str, Any]) -> list[dict[str, Any]]:
        """Every rule the call touched, in decision order: (stage, rule, fired, detail)."""
        return single.trace(self, call)


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
