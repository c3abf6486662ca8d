"""Conditions, table-driven: one row per condition key gives both its Python and its Ibis form.

A program's :class:`~altresponse.program.Condition` has a handful of keys (``types``,
``priority_at_most``, ``words``...). Each key is one row of :data:`CONDITION_KEYS`: the fact
it reads, how the YAML value is prepared, and a :class:`Test` (membership, at-most, at-least,
any word flag) that renders itself as Python source (for the compiled one-call evaluator) and
as an Ibis expression (for whole tables). A new key whose test already exists is one new row;
``tests/test_rules.py`` checks every ``Condition`` field has a row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import ibis.expr.types as ir

from ..program import RISK_LEVELS, Condition

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

# The local name each fact has inside the generated Python (short names keep the source readable).
PY_NAMES: dict[str, str] = {
    "canonical_type": "ct",
    "category": "cat",
    "priority": "pr",
    "premise_violence": "pv",
    "premise_force": "pf",
    "beat": "beat",
    "risk_level": "risk",  # computed first, then read by exclusions
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


class Consts:
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


def any_of(parts):
    out = parts[0]
    for p in parts[1:]:
        out = out | p
    return out


def all_of(parts):
    out = parts[0]
    for p in parts[1:]:
        out = out & p
    return out


# --- the tests a condition key can make -----------------------------------------------------
# Each renders (fact, value) twice. A null fact never matches, in both forms.


@dataclass(frozen=True)
class Test:
    py: Callable[[str, Any, Consts], str]  # (python local name, value, constants) -> source
    ibis: Callable[[ir.Value, Any], ir.BooleanValue]  # (fact column, value) -> expression


IS_IN = Test(
    py=lambda var, value, k: f"{var} in {k.add(value)}",
    ibis=lambda col, value: col.isin(sorted(value)).fill_null(False),
)
AT_MOST = Test(
    py=lambda var, value, k: f"({var} is not None and {var} <= {value!r})",
    ibis=lambda col, value: (col <= value).fill_null(False),
)
AT_LEAST = Test(
    py=lambda var, value, k: f"({var} is not None and {var} >= {value!r})",
    ibis=lambda col, value: (col >= value).fill_null(False),
)


@dataclass(frozen=True)
class Key:
    """One condition key: the fact it reads, how its YAML value is prepared, and its test.

    ``fact`` None means the key reads the word flags (``w_<flag>``) named in its value.
    """

    fact: str | None
    test: Test | None
    prepare: Callable[[Any], Any]


def _risk_levels_from(level: str) -> frozenset[str]:
    return frozenset(RISK_LEVELS[RISK_LEVELS.index(level):])


CONDITION_KEYS: dict[str, Key] = {
    "types": Key("canonical_type", IS_IN, frozenset),
    "categories": Key("category", IS_IN, frozenset),
    "priority_at_most": Key("priority", AT_MOST, int),
    "words": Key(None, None, tuple),  # any of the word flags heard
    "premise_violence_at_least": Key("premise_violence", AT_LEAST, int),
    "premise_force_at_least": Key("premise_force", AT_LEAST, int),
    "risk_at_least": Key("risk_level", IS_IN, _risk_levels_from),
}


@dataclass(frozen=True)
class Cond:
    """A compiled :class:`~altresponse.program.Condition`: an AND of (key, prepared value) parts."""

    parts: tuple[tuple[str, Any], ...]

    @classmethod
    def of(cls, c: Condition) -> Cond:
        parts = []
        for key, spec in CONDITION_KEYS.items():
            value = getattr(c, key)
            if value is not None and (value or not isinstance(value, list)):  # an empty list tests nothing
                parts.append((key, spec.prepare(value)))
        return cls(tuple(parts))

    def py(self, consts: Consts) -> str:
        out = []
        for key, value in self.parts:
            spec = CONDITION_KEYS[key]
            if spec.fact is None:
                out.append("(" + " or ".join(f"w_{w}" for w in value) + ")")
            else:
                out.append(spec.test.py(PY_NAMES[spec.fact], value, consts))
        return " and ".join(out)

    def ibis(self, f: dict[str, ir.Value]) -> ir.BooleanValue:
        out = []
        for key, value in self.parts:
            spec = CONDITION_KEYS[key]
            if spec.fact is None:
                out.append(any_of([f[f"w_{w}"] for w in value]))
            else:
                out.append(spec.test.ibis(f[spec.fact], value))
        return all_of(out)
