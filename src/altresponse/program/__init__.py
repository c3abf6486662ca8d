"""Program definitions: a versioned YAML file describing one care-first program over time.

A program has **responses** (phone diversion, a field team, a co-response, a follow-up),
each with the canonical call types it may take, **exclusions** (rules that take a call away
from it), a **fallback** (another response or a default responder), and **effective-dated
periods**, each with a service area (police beats or citywide), hours by weekday in the
program's time zone and teams per shift. **Risk rules** grade every call low / elevated / high.
``docs/programs.md`` documents every key; ``docs/program.schema.json`` is the JSON Schema.

Every rule has an id a reader can find in the file: exclusion and risk-rule ids are written
out, period ids are ``<response id>.<period id>``, and the type-list rule of a response is
``<response id>.types``.

One job per file: ``hours.py`` (the hours grammar), ``parts.py`` (conditions, rules, periods,
responses), ``model.py`` (:class:`Program`), ``validate.py`` (cross-key checks), ``load.py``
(reading a file), ``write.py`` (the YAML form), ``schema.py`` (the JSON Schema). Import from
``altresponse.program``.

Examples
--------
>>> from altresponse.program import load_program  # doctest: +SKIP
>>> prog = load_program("programs/durham-heart.yaml")  # doctest: +SKIP
>>> prog.response("crt").period_at(date(2022, 7, 1)).service_area[:3]  # doctest: +SKIP
['111', '112', '113']
"""

from .hours import WEEKDAYS, hours_to_yaml, parse_hours
from .load import known_beats_from_geojson, load_program, program_from_yaml
from .model import Program
from .parts import (
    DEFAULT_KEYWORDS,
    DEFAULT_RESPONDERS,
    RISK_LEVELS,
    WORD_FLAGS,
    Condition,
    DefaultResponder,
    DefaultResponders,
    Denominator,
    Exclusion,
    Period,
    PublishedFigure,
    Response,
    ResponseKind,
    RiskLevel,
    RiskRule,
    WordFlag,
)
from .schema import json_schema
from .validate import parse_date

__all__ = [
    "DEFAULT_KEYWORDS",
    "DEFAULT_RESPONDERS",
    "RISK_LEVELS",
    "WEEKDAYS",
    "WORD_FLAGS",
    "Condition",
    "DefaultResponder",
    "DefaultResponders",
    "Denominator",
    "Exclusion",
    "Period",
    "Program",
    "PublishedFigure",
    "Response",
    "ResponseKind",
    "RiskLevel",
    "RiskRule",
    "WordFlag",
    "hours_to_yaml",
    "json_schema",
    "known_beats_from_geojson",
    "load_program",
    "parse_date",
    "parse_hours",
    "program_from_yaml",
]
