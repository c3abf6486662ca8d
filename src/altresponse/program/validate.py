"""Cross-key checks of a program file, run on the raw data so they are reported with the structural ones.

Pydantic checks each key on its own; these checks look across keys (ids unique in the file, a
fallback that names a response, periods that do not overlap, types and beats that exist). Each is
a small generator of ``(key path, message)`` problems; :func:`semantic_problems` runs the file
checks, then the response checks on each response in turn, then the fallback cycles, so the
problems come out in file order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from .parts import DEFAULT_RESPONDERS

Problem = tuple[tuple, str]


def parse_date(value: Any) -> dt.date | None:
    """A date from a date, datetime or ``YYYY-MM-DD`` string; None for anything else."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def items(value: Any) -> list:
    """``value`` if it is a list, else ``[]`` (pydantic reports the wrong type)."""
    return value if isinstance(value, list) else []


def _mappings(value: Any) -> list[Mapping]:
    return [v if isinstance(v, Mapping) else {} for v in items(value)]


@dataclass
class _File:
    """What the checks share: the raw file, what is known to exist, and the rule ids seen so far."""

    data: Mapping
    types: set[str] | None
    beats: set[str] | None
    cats: set[str] | None
    responses: list[Mapping]
    ids: list[str]
    rule_ids: set[str] = field(default_factory=set)


def semantic_problems(data: Any, known_types, known_beats, known_categories) -> list[Problem]:
    """Every cross-key problem of a raw program file, in file order (none if it is not a mapping)."""
    if not isinstance(data, Mapping):
        return []
    responses = _mappings(data.get("responses"))
    f = _File(
        data=data,
        types=set(known_types) if known_types is not None else None,
        beats={str(b) for b in known_beats} if known_beats is not None else None,
        cats=set(known_categories) if known_categories is not None else None,
        responses=responses,
        ids=[str(r.get("id")) for r in responses],
    )
    problems: list[Problem] = []
    for check in _FILE_CHECKS:
        problems.extend(check(f))
    for i, response in enumerate(responses):
        for response_check in _RESPONSE_CHECKS:
            problems.extend(response_check(f, ("responses", i), response))
    problems.extend(_fallback_cycles(f))
    return problems


# --- shared pieces ------------------------------------------------------------------------


def _unknown(values: Any, known: set[str] | None, loc: tuple, message: Callable[[str], str]) -> Iterator[Problem]:
    """Items of a list that are not in ``known`` (nothing when ``known`` is None: not checked)."""
    if known is None:
        return
    for j, v in enumerate(items(values)):
        if isinstance(v, str) and v not in known:
            yield (*loc, j), message(v)


def _rule_id(f: _File, rid: Any, loc: tuple) -> Iterator[Problem]:
    if not isinstance(rid, str):  # missing or not text: pydantic says so
        return
    if rid in f.rule_ids or rid in f.ids:
        yield loc, f'rule id "{rid}" is used twice (ids must be unique in the file)'
    f.rule_ids.add(rid)


def _condition(f: _File, cond: Mapping, loc: tuple) -> Iterator[Problem]:
    yield from _unknown(cond.get("types"), f.types, (*loc, "types"), lambda t: f'"{t}" is not a canonical type')
    cats = f.cats or set()
    yield from _unknown(
        cond.get("categories"), f.cats, (*loc, "categories"),
        lambda c: f'"{c}" is not a category; use one of {", ".join(sorted(cats))}',
    )


def _rules(f: _File, rules: Any, loc: tuple) -> Iterator[Problem]:
    """Exclusions or risk rules: each id unique in the file, each condition's types and categories known."""
    for k, rule in enumerate(items(rules)):
        if isinstance(rule, Mapping):
            yield from _rule_id(f, rule.get("id"), (*loc, k, "id"))
            yield from _condition(f, rule, (*loc, k))


# --- whole-file checks ----------------------------------------------------------------------


def _response_ids(f: _File) -> Iterator[Problem]:
    for i, rid in enumerate(f.ids):
        if f.ids.index(rid) != i:
            yield ("responses", i, "id"), f'response id "{rid}" is used twice'
        if rid in DEFAULT_RESPONDERS:
            yield ("responses", i, "id"), f'"{rid}" is a default responder and cannot be a response id'


def _planned_response(f: _File) -> Iterator[Problem]:
    planned = f.data.get("planned_response")
    if planned is not None and planned not in f.ids:
        yield ("planned_response",), f'"{planned}" is not a response id; use one of {", ".join(f.ids)}'


def _routing(f: _File) -> Iterator[Problem]:
    routing = f.data.get("routing")
    if not isinstance(routing, list):
        return
    kinds = {str(r.get("id")): r.get("kind") for r in f.responses}
    for j, rid in enumerate(routing):
        if not isinstance(rid, str):
            continue
        if rid not in f.ids:
            yield ("routing", j), f'"{rid}" is not a response id; use one of {", ".join(f.ids)}'
        elif kinds.get(rid) == "follow_up":
            yield ("routing", j), f'"{rid}" is a follow_up response; follow-ups are not routed to'
    if len(set(map(str, routing))) != len(routing):
        yield ("routing",), "a response appears twice"


def _default_categories(f: _File) -> Iterator[Problem]:
    defaults = f.data.get("default_responders")
    by_cat = defaults.get("by_category") if isinstance(defaults, Mapping) else None
    if isinstance(by_cat, Mapping) and f.cats is not None:
        for cat in by_cat:
            if cat not in f.cats:
                yield ("default_responders", "by_category", cat), f'"{cat}" is not a category'


def _risk_rules(f: _File) -> Iterator[Problem]:
    yield from _rules(f, f.data.get("risk_rules"), ("risk_rules",))


def _fallback_cycles(f: _File) -> Iterator[Problem]:
    fb = {str(r.get("id")): r.get("fallback") for r in f.responses}
    reported: set[frozenset] = set()
    for i, rid in enumerate(f.ids):
        seen = [rid]
        cur = fb.get(rid)
        while isinstance(cur, str) and cur in fb and cur != seen[-1]:
            if cur in seen:
                cycle = [*seen[seen.index(cur):], cur]
                if frozenset(cycle) not in reported:
                    reported.add(frozenset(cycle))
                    yield ("responses", i, "fallback"), "fallback cycle: " + " -> ".join(cycle)
                break
            seen.append(cur)
            cur = fb.get(cur)


# --- checks of one response -----------------------------------------------------------------


def _eligible_types(f: _File, loc: tuple, r: Mapping) -> Iterator[Problem]:
    yield from _unknown(r.get("eligible_types"), f.types, (*loc, "eligible_types"), lambda t: f'"{t}" is not a canonical type')


def _exclusions(f: _File, loc: tuple, r: Mapping) -> Iterator[Problem]:
    yield from _rules(f, r.get("exclusions"), (*loc, "exclusions"))


def _fallback(f: _File, loc: tuple, r: Mapping) -> Iterator[Problem]:
    rid, fallback = r.get("id"), r.get("fallback")
    defaults = ", ".join(DEFAULT_RESPONDERS)
    if fallback is None:
        yield loc, f'response "{rid}" has no fallback; name a response or one of {defaults}'
    elif not isinstance(fallback, str):
        return  # pydantic says what it should be
    elif fallback not in set(f.ids) | set(DEFAULT_RESPONDERS):
        yield (*loc, "fallback"), f'"{fallback}" is not a response id or one of {defaults}'
    elif fallback == rid:
        yield (*loc, "fallback"), f'response "{rid}" falls back to itself'


def _service_area(f: _File, area: Any, loc: tuple) -> Iterator[Problem]:
    if not isinstance(area, list):
        return
    area = [str(b) for b in area]
    if not area:
        yield (*loc, "service_area"), 'empty list of beats (use "citywide" or name beats)'
    if len(set(area)) != len(area):
        yield (*loc, "service_area"), "a beat is listed twice"
    if f.beats is not None:
        for j, b in enumerate(area):
            if b not in f.beats:
                yield (*loc, "service_area", j), f'beat "{b}" does not exist in the known beats ({len(f.beats)} beats)'


def _periods(f: _File, loc: tuple, r: Mapping) -> Iterator[Problem]:
    periods = _mappings(r.get("periods"))
    pids = [p.get("id") for p in periods]
    for k, p in enumerate(periods):
        ploc = (*loc, "periods", k)
        if pids.index(p.get("id")) != k:
            yield (*ploc, "id"), f'period id "{p.get("id")}" is used twice in response "{r.get("id")}"'
        if p.get("start") is None and k > 0:
            yield ploc, "only the first period may omit start"
        yield from _service_area(f, p.get("service_area"), ploc)
    yield from _period_overlaps(periods, loc)


def _period_overlaps(periods: Iterable[Mapping], loc: tuple) -> Iterator[Problem]:
    """Periods in effect on a same day (periods whose dates do not parse are pydantic's to report)."""
    spans = []
    for k, p in enumerate(periods):
        start, end = parse_date(p.get("start")), parse_date(p.get("end"))
        if (p.get("start") is None or start) and (p.get("end") is None or end):
            spans.append((start or dt.date.min, end or dt.date.max, k, p.get("id")))
    spans.sort()
    for (s1, e1, _k1, id1), (s2, _e2, k2, id2) in zip(spans, spans[1:]):
        if s2 <= e1:
            until = "open-ended" if e1 == dt.date.max else str(e1)
            yield (*loc, "periods", k2, "start"), f'period "{id2}" (from {s2}) overlaps period "{id1}" (until {until})'


_FILE_CHECKS: tuple[Callable[[_File], Iterator[Problem]], ...] = (
    _response_ids,
    _planned_response,
    _routing,
    _default_categories,
    _risk_rules,
)
_RESPONSE_CHECKS: tuple[Callable[[_File, tuple, Mapping], Iterator[Problem]], ...] = (
    _eligible_types,
    _exclusions,
    _fallback,
    _periods,
)
