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

Examples
--------
>>> from altresponse.program import load_program  # doctest: +SKIP
>>> prog = load_program("programs/durham-heart.yaml")  # doctest: +SKIP
>>> prog.response("crt").period_at(date(2022, 7, 1)).service_area[:3]  # doctest: +SKIP
['111', '112', '113']
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .config import error_loc, location, pydantic_message, quote_hint, read_yaml
from .errors import ConfigError, ProgramError

ResponseKind = Literal["phone", "field_team", "co_response", "follow_up"]
DefaultResponder = Literal["police", "ems", "fire"]
DEFAULT_RESPONDERS: tuple[str, ...] = ("police", "ems", "fire")
RiskLevel = Literal["low", "elevated", "high"]
RISK_LEVELS: tuple[str, ...] = ("low", "elevated", "high")
WordFlag = Literal["weapon", "violence", "injury"]
WORD_FLAGS: tuple[str, ...] = ("weapon", "violence", "injury")

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_GROUPS = {
    "weekdays": WEEKDAYS[:5],
    "weekends": WEEKDAYS[5:],
    "daily": WEEKDAYS,
    **{d: (d,) for d in WEEKDAYS},
}
_HHMM = re.compile(r"^([01]\d|2[0-4]):([0-5]\d)$")

# Words a call-taker hears that change the picture. Plain ASCII words; matched as whole
# words, case-insensitively (ASCII only), in the type description and the narrative.
DEFAULT_KEYWORDS: dict[str, list[str]] = {
    "weapon": ["weapon", "weapons", "gun", "guns", "firearm", "firearms", "pistol", "rifle", "shotgun",
               "knife", "knives", "armed", "shot", "shots", "shooting", "stabbing", "stabbed", "machete"],
    "violence": ["assault", "assaulted", "fight", "fighting", "violent", "violence", "attack", "attacking",
                 "hitting", "punching", "threatening others", "domestic violence", "robbery", "combative"],
    "injury": ["injury", "injured", "injuries", "bleeding", "unconscious", "unresponsive", "overdose",
               "not breathing", "hurt"],
}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _parse_hhmm(text: str) -> int:
    m = _HHMM.match(text.strip())
    if not m or (m.group(1) == "24" and m.group(2) != "00"):
        msg = f'"{text.strip()}" is not HH:MM'
        raise ValueError(msg)
    return int(m.group(1)) * 60 + int(m.group(2))


def _fmt_hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def parse_hours(raw: Any) -> dict[int, list[tuple[int, int]]]:
    """Parse the YAML ``hours`` form into weekday (0=Mon) -> sorted half-open minute ranges.

    Accepted: ``always``; ``closed``; or a mapping whose keys are ``mon``..``sun``,
    ``weekdays``, ``weekends`` or ``daily`` and whose values are ``"HH:MM-HH:MM"``, a list of
    those, or ``closed``. A range ending before it starts runs past midnight into the next
    day. ``24:00`` ends a day.

    Raises
    ------
    ValueError
        Malformed times, unknown day keys and overlapping ranges (one message per problem,
        joined by ``"; "``).
    """
    if isinstance(raw, Mapping) and raw and all(isinstance(k, int) for k in raw):
        return _normalise_minute_hours(raw)
    if raw == "always":
        return {d: [(0, 1440)] for d in range(7)}
    if raw == "closed" or raw is None:
        return {d: [] for d in range(7)}
    if not isinstance(raw, Mapping):
        msg = f"{raw!r} is not 'always', 'closed' or a mapping of weekday -> \"HH:MM-HH:MM\""
        raise ValueError(msg)
    out: dict[int, list[tuple[int, int, str]]] = {d: [] for d in range(7)}
    problems: list[str] = []
    for key, value in raw.items():
        if key not in _DAY_GROUPS:
            problems.append(f"{key!r} is not a day; use one of {', '.join(_DAY_GROUPS)}")
            continue
        values = [value] if isinstance(value, str) or value is None else value
        if not isinstance(values, list):
            problems.append(f'{key}: {value!r} is not "HH:MM-HH:MM" or a list of those')
            continue
        for item in values:
            if item is None or item == "closed":
                continue
            if not isinstance(item, str) or item.count("-") != 1:
                problems.append(f'{key}: {item!r} is not "HH:MM-HH:MM"')
                continue
            a, b = item.split("-")
            try:
                start, end = _parse_hhmm(a), _parse_hhmm(b)
            except ValueError as exc:
                problems.append(f"{key}: {exc}")
                continue
            if start == end or start == 1440:
                problems.append(f'{key}: "{item}" is an empty range')
                continue
            for day_name in _DAY_GROUPS[key]:
                d = WEEKDAYS.index(day_name)
                label = f'{key} "{item}"'
                if end > start:
                    out[d].append((start, end, label))
                else:  # runs past midnight
                    out[d].append((start, 1440, label))
                    if end > 0:
                        out[(d + 1) % 7].append((0, end, label))
    clashes: dict[tuple[str, str], list[str]] = {}
    for d, ranges in out.items():
        ranges.sort()
        for (s1, e1, l1), (s2, e2, l2) in zip(ranges, ranges[1:]):
            if s2 < e1:
                clashes.setdefault((l1, l2), []).append(WEEKDAYS[d])
    for (l1, l2), days in clashes.items():
        problems.append(f"{l1} overlaps {l2} on {', '.join(days)}")
    if problems:
        raise ValueError("; ".join(dict.fromkeys(problems)))
    return {d: _merge([(s, e) for s, e, _ in r]) for d, r in out.items()}


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for s, e in sorted(ranges):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def _normalise_minute_hours(raw: Mapping) -> dict[int, list[tuple[int, int]]]:
    out: dict[int, list[tuple[int, int]]] = {d: [] for d in range(7)}
    for d, ranges in raw.items():
        if d not in range(7):
            msg = f"weekday {d!r} is not 0 (Mon) .. 6 (Sun)"
            raise ValueError(msg)
        for s, e in ranges:
            if not (0 <= s < e <= 1440):
                msg = f"{WEEKDAYS[d]}: ({s}, {e}) is not a range of minutes 0..1440 with start < end"
                raise ValueError(msg)
        merged = _merge(list(ranges))
        if sum(e - s for s, e in merged) != sum(e - s for s, e in ranges):
            msg = f"{WEEKDAYS[d]}: ranges {list(ranges)} overlap"
            raise ValueError(msg)
        out[d] = merged
    return out


def hours_to_yaml(hours: Mapping[int, list[tuple[int, int]]]) -> dict[str, Any] | str:
    """The YAML form of parsed hours (inverse of :func:`parse_hours`)."""
    if all(hours.get(d) == [(0, 1440)] for d in range(7)):
        return "always"
    if not any(hours.get(d) for d in range(7)):
        return "closed"
    return {
        WEEKDAYS[d]: [f"{_fmt_hhmm(s)}-{_fmt_hhmm(e)}" for s, e in hours[d]] if hours.get(d) else "closed"
        for d in range(7)
    }


class Condition(_Model):
    """A test on what a call-taker knows. Every key given must hold (AND); list keys match any item.

    ``types``/``categories``: canonical type or category is one of these. ``priority_at_most``:
    normalised priority is known and at most this (1 = most urgent). ``words``: any of these
    word flags (weapon, violence, injury) is heard in the type description or narrative.
    ``premise_violence_at_least``: at least this many prior calls with violence or weapons at the
    same location in the last 12 months. ``premise_force_at_least``: at least this many prior
    use-of-force incidents there. ``risk_at_least``: the call's risk level (exclusions only).
    """

    types: list[str] | None = None
    categories: list[str] | None = None
    priority_at_most: int | None = Field(default=None, ge=1, le=5)
    words: list[WordFlag] | None = None
    premise_violence_at_least: int | None = Field(default=None, ge=1)
    premise_force_at_least: int | None = Field(default=None, ge=1)
    risk_at_least: RiskLevel | None = None

    @model_validator(mode="after")
    def _not_empty(self):
        if all(getattr(self, k) is None for k in Condition.model_fields):
            msg = "a condition needs at least one key: " + ", ".join(Condition.model_fields)
            raise ValueError(msg)
        return self


class Exclusion(Condition):
    """A rule that takes a call away from a response (``id`` appears in ``eligible_rule_<response>``)."""

    id: str
    note: str | None = None


class RiskRule(Condition):
    """A rule that raises a call's risk to ``level`` (``id`` appears in ``risk_rule``)."""

    id: str
    level: Literal["elevated", "high"]
    note: str | None = None

    @field_validator("risk_at_least")
    @classmethod
    def _no_self_reference(cls, v):
        if v is not None:
            msg = "risk rules cannot test risk_at_least (it is what they decide)"
            raise ValueError(msg)
        return v


class Period(_Model):
    """When and where a response works: effective dates, area, hours, staffing.

    Attributes
    ----------
    id : str
        Short id, unique within the response (rule ids are ``<response id>.<period id>``).
    start, end : date
        First and last day in effect (both inclusive); ``start`` None only for the first period
        (in effect since always), ``end`` None = open-ended.
    service_area : list[str] or None
        Police beats, or None for citywide (YAML ``citywide``). For a local area (below) the
        beats the applying city named, else ``[]`` (no beats: every call is out of area).
    local_area : str or None
        Name of an area that is "the beats of the city the program is applied to" (YAML
        ``service_area: {local: NAME}``): the program file names no beats, the city applying it
        does (``compare --area NAME=BEATS``, :func:`altresponse.compare.localise`).
    hours : dict[int, list[tuple[int, int]]]
        Weekday (0 = Monday) -> half-open ranges of minutes of the day, program time zone.
    teams_per_shift : int
    """

    id: str
    start: dt.date | None = None
    end: dt.date | None = None
    service_area: list[str] | None
    hours: dict[int, list[tuple[int, int]]]
    teams_per_shift: int = Field(ge=0)
    note: str | None = None
    local_area: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _local(cls, data):
        # YAML form `service_area: {local: NAME}`; `local_area` itself is not a YAML key
        if not isinstance(data, Mapping):
            return data
        if "local_area" in data:
            msg = 'write a local area as service_area: {local: NAME}, not local_area'
            raise ValueError(msg)
        area = data.get("service_area")
        if not isinstance(area, Mapping):
            return data
        name = area.get("local")
        if set(area) - {"local", "note"} or not isinstance(name, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", name):
            msg = f'service_area {dict(area)!r} is not "citywide", a list of beats or {{local: NAME}} (NAME lower-case letters, digits, _)'
            raise ValueError(msg)
        return {**data, "service_area": [], "local_area": name}

    @field_validator("service_area", mode="before")
    @classmethod
    def _area(cls, v):
        if v == "citywide" or v is None:
            return None
        if isinstance(v, str):
            msg = f'{v!r} is not "citywide" or a list of beats'
            raise ValueError(msg)
        if isinstance(v, list):
            return [str(b) for b in v]
        return v

    @field_validator("hours", mode="before")
    @classmethod
    def _hours(cls, v):
        return parse_hours(v)

    @model_validator(mode="after")
    def _dates(self):
        if self.start and self.end and self.end < self.start:
            msg = f"end {self.end} is before start {self.start}"
            raise ValueError(msg)
        return self

    def covers(self, on: dt.date) -> bool:
        """Whether the period is in effect on ``on``."""
        return (self.start is None or self.start <= on) and (self.end is None or on <= self.end)

    def is_open(self, weekday: int, minute: int) -> bool:
        """Whether ``minute`` of the day (0..1439) on ``weekday`` (0 = Monday) is within hours."""
        return any(s <= minute < e for s, e in self.hours.get(weekday, ()))


Denominator = Literal["all_calls", "police_calls", "public_initiated", "behavioral_health_calls"]


class PublishedFigure(_Model):
    """A figure the program published about its eligible calls, kept to print beside ours.

    Data, not a target: altresponse never tunes a program to reach it. ``eligible_share`` or
    ``eligible_calls`` (with ``calls``, the denominator's size) as published; ``per`` says
    whether counts are a year's, a month's or the whole ``period``'s (``years`` long);
    ``denominator`` what they counted: ``all_calls`` (every 911 call), ``police_calls`` (police
    calls for service), ``public_initiated`` (calls from the public, not officer-initiated),
    ``behavioral_health_calls`` (mental-health calls only), or nothing (a volume only).
    """

    id: str
    what: str
    response: str | None = None
    eligible_share: float | None = Field(default=None, gt=0, le=1)
    eligible_calls: int | None = Field(default=None, ge=0)
    calls: int | None = Field(default=None, gt=0)
    per: Literal["year", "month", "period"] = "period"
    period: str | None = None
    years: float | None = Field(default=None, gt=0)
    denominator: Denominator | None = None
    source: str
    note: str | None = None

    @model_validator(mode="after")
    def _has_figure(self):
        if self.eligible_share is None and self.eligible_calls is None:
            msg = "a published figure needs eligible_share or eligible_calls"
            raise ValueError(msg)
        return self

    @property
    def share(self) -> float | None:
        """The published share, or eligible_calls / calls when only counts were published."""
        if self.eligible_share is not None:
            return self.eligible_share
        if self.eligible_calls is not None and self.calls:
            return self.eligible_calls / self.calls
        return None

    @property
    def per_year(self) -> float | None:
        """Published eligible calls scaled to a year (None without a count or a period length)."""
        if self.eligible_calls is None:
            return None
        if self.per == "year":
            return float(self.eligible_calls)
        if self.per == "month":
            return self.eligible_calls * 12.0
        return self.eligible_calls / self.years if self.years else None


class Response(_Model):
    """One program response: what it may take, where and when it works, and where calls go otherwise."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    kind: ResponseKind
    eligible_types: list[str] = Field(min_length=1)
    exclusions: list[Exclusion] = []
    fallback: str | None = None
    periods: list[Period] = Field(min_length=1)
    note: str | None = None

    def period_at(self, on: dt.date, *, strict: bool = True) -> Period | None:
        """The period in effect on ``on``.

        Raises
        ------
        ProgramError
            If no period is in effect that day (unless ``strict=False``, which returns None).
        """
        for p in self.periods:
            if p.covers(on):
                return p
        if not strict:
            return None
        spans = ", ".join(f"{p.id} {p.start or '…'}..{p.end or '…'}" for p in self.periods)
        msg = f"response {self.id!r} has no period in effect on {on} (periods: {spans})"
        raise ProgramError(msg)


class DefaultResponders(_Model):
    """Which default responder gets a call no program response takes."""

    otherwise: DefaultResponder = "police"
    by_category: dict[str, DefaultResponder] = {}


class Program(_Model):
    """A validated program definition. Build with :func:`load_program` or :meth:`from_dict`."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    version: str
    name: str | None = None
    timezone: str
    planned_response: str
    default_responders: DefaultResponders = DefaultResponders()
    routing: list[str] | None = None
    keywords: dict[WordFlag, list[str]] = Field(default_factory=lambda: {k: list(v) for k, v in DEFAULT_KEYWORDS.items()})
    risk_rules: list[RiskRule] = []
    responses: list[Response] = Field(min_length=1)
    sources: list[str] = []
    assumptions: list[str] = []
    city: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_]*$")
    published: list[PublishedFigure] = []

    @model_validator(mode="after")
    def _published_responses(self):
        ids = [r.id for r in self.responses]
        for f in self.published:
            if f.response is not None and f.response not in ids:
                msg = f'published figure "{f.id}": "{f.response}" is not a response id; use one of {", ".join(ids)}'
                raise ValueError(msg)
        return self

    @field_validator("version", mode="before")
    @classmethod
    def _version_str(cls, v):
        return str(v) if isinstance(v, (int, float)) else v

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v):
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            msg = f'"{v}" is not an IANA time zone (e.g. "America/New_York")'
            raise ValueError(msg) from None
        return v

    @field_validator("keywords")
    @classmethod
    def _keywords(cls, v):
        merged = {k: list(w) for k, w in DEFAULT_KEYWORDS.items()}
        merged.update(v)
        for flag, words in merged.items():
            for w in words:
                if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 '\-]*", w):
                    msg = f"{flag}: {w!r} must be plain ASCII letters, digits, spaces, ' or -"
                    raise ValueError(msg)
        return merged

    # --- the API the planner and classifier use -------------------------------------------

    def response(self, response_id: str) -> Response:
        """The response with this id.

        Raises
        ------
        ProgramError
            If the program has no such response.
        """
        for r in self.responses:
            if r.id == response_id:
                return r
        msg = f"program {self.id!r} has no response {response_id!r}; it has {', '.join(r.id for r in self.responses)}"
        raise ProgramError(msg)

    @property
    def route_order(self) -> list[str]:
        """Response ids in the order a call is offered to them (``routing``, else file order minus follow-ups)."""
        if self.routing is not None:
            return list(self.routing)
        return [r.id for r in self.responses if r.kind != "follow_up"]

    def default_for(self, category: str | None) -> str:
        """Default responder for a call of ``category`` that no program response takes."""
        return self.default_responders.by_category.get(category or "", self.default_responders.otherwise)

    def with_area_and_hours(
        self,
        response_id: str,
        beats: Iterable[str] | None | str,
        hours: Any,
        teams_per_shift: int,
        *,
        effective: dt.date | None = None,
    ) -> Program:
        """A copy with one response's area, hours and staffing replaced (plans and what-ifs).

        Parameters
        ----------
        response_id
            The response to change.
        beats
            Beats, or None / ``"citywide"``.
        hours
            Weekday (0 = Mon) -> list of (start_min, end_min), or the YAML form (``"always"``, a
            mapping of day keys to ``"HH:MM-HH:MM"``).
        teams_per_shift
            Teams per shift.
        effective
            First day of the new period. Earlier periods end the day before; later ones are
            dropped. None replaces every period with one in effect at all dates.

        Returns
        -------
        Program
            Validated like a loaded file (``ProgramError`` on mistakes).
        """
        self.response(response_id)
        area = None if beats is None or beats == "citywide" else [str(b) for b in beats]
        new = {
            "id": "plan" if effective is None else f"from_{effective.isoformat()}",
            "start": effective,
            "end": None,
            "service_area": "citywide" if area is None else area,
            "hours": hours_to_yaml(parse_hours(hours)),
            "teams_per_shift": int(teams_per_shift),
        }
        data = self.to_dict()
        for r in data["responses"]:
            if r["id"] != response_id:
                continue
            if effective is None:
                r["periods"] = [new]
            else:
                kept = []
                for p in r["periods"]:
                    start = p.get("start")
                    if start is not None and start >= effective:
                        continue
                    if p.get("end") is None or p["end"] >= effective:
                        p["end"] = effective - dt.timedelta(days=1)
                    kept.append(p)
                taken = {p["id"] for p in kept}
                while new["id"] in taken:
                    new["id"] += "_"
                r["periods"] = [*kept, new]
        return Program.from_dict(data, source=f"{self.id} (modified)")

    def renamed(self, new_id: str) -> Program:
        """A copy under another id (a plan or what-if kept beside the program it came from)."""
        data = self.to_dict()
        data["id"] = new_id
        return Program.from_dict(data, source=f"{self.id} (renamed {new_id})")

    def to_dict(self) -> dict[str, Any]:
        """The YAML form as plain data (what :meth:`to_yaml` writes)."""
        data = self.model_dump(mode="python", exclude_none=True)
        if data.get("keywords") == DEFAULT_KEYWORDS:
            del data["keywords"]
        for key in ("sources", "assumptions", "risk_rules", "published"):
            if not data.get(key):
                data.pop(key, None)
        for r, resp in zip(data["responses"], self.responses):
            for p, period in zip(r["periods"], resp.periods):
                p["service_area"] = "citywide" if period.service_area is None else list(period.service_area)
                if period.local_area is not None:  # the beats a city named stay out of the file
                    p["service_area"] = {"local": p.pop("local_area")}
                p["hours"] = hours_to_yaml(period.hours)
                if period.start is None:
                    p.pop("start", None)
            if not r.get("exclusions"):
                r.pop("exclusions", None)
        return data

    def to_yaml(self, path: str | Path) -> Path:
        """Write the program as YAML that :func:`load_program` reads back to an equal program."""
        path = Path(path)
        path.write_text(yaml.safe_dump(self.to_dict(), sort_keys=False, allow_unicode=True), encoding="utf-8")
        return path

    @classmethod
    def from_dict(
        cls,
        data: Any,
        *,
        source: str = "<program>",
        known_types: Iterable[str] | None = None,
        known_beats: Iterable[str] | None = None,
        known_categories: Iterable[str] | None = None,
        lines: Mapping[tuple, int] | None = None,
    ) -> Program:
        """Validate plain data as a program (see :func:`load_program` for the checks)."""
        problems: list[tuple[tuple, str]] = []
        prog = None
        try:
            prog = cls.model_validate(data)
        except ValidationError as exc:
            for err in exc.errors():
                loc = error_loc(err)
                problems.append((loc, quote_hint(err, loc, lines or {}) or pydantic_message(err)))
        problems.extend(_semantic_problems(data, known_types, known_beats, known_categories))
        problems = list(dict.fromkeys(problems))
        if problems:
            raise ProgramError("\n".join(f"{location(source, lines or {}, loc)}: {msg}" for loc, msg in problems))
        return prog


# --- validation helpers --------------------------------------------------------------------


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


def _items(value: Any) -> list:
    return value if isinstance(value, list) else []


def _semantic_problems(data: Any, known_types, known_beats, known_categories) -> list[tuple[tuple, str]]:
    """Cross-key checks, run on the raw data so they are reported with structural problems."""
    problems: list[tuple[tuple, str]] = []
    if not isinstance(data, Mapping):
        return problems
    types = set(known_types) if known_types is not None else None
    beats = {str(b) for b in known_beats} if known_beats is not None else None
    cats = set(known_categories) if known_categories is not None else None
    responses = [r if isinstance(r, Mapping) else {} for r in _items(data.get("responses"))]
    ids = [str(r.get("id")) for r in responses]
    kinds = {str(r.get("id")): r.get("kind") for r in responses}
    targets = set(ids) | set(DEFAULT_RESPONDERS)
    rule_ids: set[str] = set()

    def check_rule_id(rid: Any, loc: tuple) -> None:
        if not isinstance(rid, str):  # missing or not text: pydantic says so
            return
        if rid in rule_ids or rid in ids:
            problems.append((loc, f'rule id "{rid}" is used twice (ids must be unique in the file)'))
        rule_ids.add(rid)

    def check_condition(cond: Any, loc: tuple) -> None:
        if not isinstance(cond, Mapping):
            return
        for j, t in enumerate(_items(cond.get("types"))):
            if types is not None and isinstance(t, str) and t not in types:
                problems.append(((*loc, "types", j), f'"{t}" is not a canonical type'))
        for j, c in enumerate(_items(cond.get("categories"))):
            if cats is not None and isinstance(c, str) and c not in cats:
                problems.append(((*loc, "categories", j), f'"{c}" is not a category; use one of {", ".join(sorted(cats))}'))

    for i, rid in enumerate(ids):
        if ids.index(rid) != i:
            problems.append((("responses", i, "id"), f'response id "{rid}" is used twice'))
        if rid in DEFAULT_RESPONDERS:
            problems.append((("responses", i, "id"), f'"{rid}" is a default responder and cannot be a response id'))
    planned = data.get("planned_response")
    if planned is not None and planned not in ids:
        problems.append((("planned_response",), f'"{planned}" is not a response id; use one of {", ".join(ids)}'))
    routing = data.get("routing")
    if isinstance(routing, list):
        for j, rid in enumerate(routing):
            if not isinstance(rid, str):
                continue
            if rid not in ids:
                problems.append((("routing", j), f'"{rid}" is not a response id; use one of {", ".join(ids)}'))
            elif kinds.get(rid) == "follow_up":
                problems.append((("routing", j), f'"{rid}" is a follow_up response; follow-ups are not routed to'))
        if len(set(map(str, routing))) != len(routing):
            problems.append((("routing",), "a response appears twice"))
    defaults = data.get("default_responders")
    by_cat = defaults.get("by_category") if isinstance(defaults, Mapping) else None
    if isinstance(by_cat, Mapping) and cats is not None:
        for cat in by_cat:
            if cat not in cats:
                problems.append((("default_responders", "by_category", cat), f'"{cat}" is not a category'))
    for k, rule in enumerate(_items(data.get("risk_rules"))):
        if isinstance(rule, Mapping):
            check_rule_id(rule.get("id"), ("risk_rules", k, "id"))
            check_condition(rule, ("risk_rules", k))

    for i, r in enumerate(responses):
        loc = ("responses", i)
        rid = r.get("id")
        for j, t in enumerate(_items(r.get("eligible_types"))):
            if types is not None and isinstance(t, str) and t not in types:
                problems.append(((*loc, "eligible_types", j), f'"{t}" is not a canonical type'))
        for k, ex in enumerate(_items(r.get("exclusions"))):
            if isinstance(ex, Mapping):
                check_rule_id(ex.get("id"), (*loc, "exclusions", k, "id"))
                check_condition(ex, (*loc, "exclusions", k))
        fallback = r.get("fallback")
        if fallback is None:
            problems.append(((*loc,), f'response "{rid}" has no fallback; name a response or one of {", ".join(DEFAULT_RESPONDERS)}'))
        elif not isinstance(fallback, str):
            pass  # pydantic says what it should be
        elif fallback not in targets:
            problems.append(((*loc, "fallback"), f'"{fallback}" is not a response id or one of {", ".join(DEFAULT_RESPONDERS)}'))
        elif fallback == rid:
            problems.append(((*loc, "fallback"), f'response "{rid}" falls back to itself'))
        periods = [p if isinstance(p, Mapping) else {} for p in _items(r.get("periods"))]
        pids = [p.get("id") for p in periods]
        spans = []
        for k, p in enumerate(periods):
            ploc = (*loc, "periods", k)
            if pids.index(p.get("id")) != k:
                problems.append(((*ploc, "id"), f'period id "{p.get("id")}" is used twice in response "{rid}"'))
            if p.get("start") is None and k > 0:
                problems.append(((*ploc,), "only the first period may omit start"))
            area = p.get("service_area")
            if isinstance(area, list):
                area = [str(b) for b in area]
                if not area:
                    problems.append(((*ploc, "service_area"), 'empty list of beats (use "citywide" or name beats)'))
                if len(set(area)) != len(area):
                    problems.append(((*ploc, "service_area"), "a beat is listed twice"))
                if beats is not None:
                    for j, b in enumerate(area):
                        if b not in beats:
                            problems.append(((*ploc, "service_area", j), f'beat "{b}" does not exist in the known beats ({len(beats)} beats)'))
            start, end = parse_date(p.get("start")), parse_date(p.get("end"))
            if (p.get("start") is None or start) and (p.get("end") is None or end):
                spans.append((start or dt.date.min, end or dt.date.max, k, p.get("id")))
        spans.sort()
        for (s1, e1, _k1, id1), (s2, _e2, k2, id2) in zip(spans, spans[1:]):
            if s2 <= e1:
                until = "open-ended" if e1 == dt.date.max else str(e1)
                problems.append(((*loc, "periods", k2, "start"), f'period "{id2}" (from {s2}) overlaps period "{id1}" (until {until})'))
    # fallback cycles
    fb = {str(r.get("id")): r.get("fallback") for r in responses}
    reported: set[frozenset] = set()
    for i, rid in enumerate(ids):
        seen = [rid]
        cur = fb.get(rid)
        while isinstance(cur, str) and cur in fb and cur != seen[-1]:
            if cur in seen:
                cycle = [*seen[seen.index(cur):], cur]
                if frozenset(cycle) not in reported:
                    reported.add(frozenset(cycle))
                    problems.append((("responses", i, "fallback"), "fallback cycle: " + " -> ".join(cycle)))
                break
            seen.append(cur)
            cur = fb.get(cur)
    return problems


def _known_types() -> tuple[set[str] | None, set[str] | None]:
    """Canonical type codes and categories from the taxonomy, when that module is installed."""
    try:
        from . import taxonomy  # noqa: PLC0415
    except ImportError:
        return None, None
    tax = taxonomy.load_taxonomy()
    codes = set(tax.codes) | {taxonomy.UNKNOWN}
    return codes, set(taxonomy.CATEGORIES)


def load_program(
    path: str | Path,
    *,
    known_beats: Iterable[str] | None = None,
    known_types: Iterable[str] | None = None,
    known_categories: Iterable[str] | None = None,
) -> Program:
    """Load and validate a program YAML file.

    Parameters
    ----------
    path
        The YAML file.
    known_beats
        Beats that exist (e.g. ``LAWBEAT`` values from the beats GeoJSON); service areas naming
        any other beat are rejected. None skips the check.
    known_types, known_categories
        Canonical type codes and categories; default: the taxonomy shipped with altresponse.

    Returns
    -------
    Program

    Raises
    ------
    ProgramError
        Every problem found, one per line: ``FILE line N, key.path: message``. Checks: unknown
        keys, types and values; HH:MM times; overlapping hours or periods; unknown canonical
        types or categories; beats that do not exist; a response without a fallback; fallbacks
        to unknown responses; fallback cycles; duplicate ids.
    """
    path = Path(path)
    data, lines = read_yaml(path, error=ProgramError, what="program")
    return program_from_yaml(
        data, lines, str(path), known_beats=known_beats, known_types=known_types, known_categories=known_categories
    )


def program_from_yaml(
    data: Any,
    lines: Mapping[tuple, int],
    shown: str,
    *,
    known_beats: Iterable[str] | None = None,
    known_types: Iterable[str] | None = None,
    known_categories: Iterable[str] | None = None,
) -> Program:
    """Validate a program file already read by :func:`altresponse.config.read_yaml` (see :func:`load_program`).

    A version or service-area beat YAML reads as a number is kept as written (``version: 1.10``
    is ``"1.10"``, not ``1.1``).
    """
    if not isinstance(data, dict):
        msg = f"{shown} line 1: a program file must be a mapping of keys (id, version, responses, ...)"
        raise ProgramError(msg)
    data = _numbers_as_written(data, getattr(lines, "written", {}))
    if known_types is None or known_categories is None:
        tax_types, tax_cats = _known_types()
        known_types = tax_types if known_types is None else known_types
        known_categories = tax_cats if known_categories is None else known_categories
    return Program.from_dict(
        data,
        source=shown,
        known_types=known_types,
        known_beats=known_beats,
        known_categories=known_categories,
        lines=lines,
    )


def _numbers_as_written(data: dict, written: Mapping[tuple, str]) -> dict:
    """Numbers YAML read where a program means text, kept as written: ``version: 1.10`` is
    ``"1.10"`` (not ``1.1``), a beat ``011`` is ``"011"`` (not ``"11"``)."""

    def text(value: Any, path: tuple) -> Any:
        is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
        return written.get(path, value) if is_number else value

    data = {**data, "version": text(data.get("version"), ("version",))} if "version" in data else data
    for i, r in enumerate(_items(data.get("responses"))):
        for k, p in enumerate(_items(r.get("periods") if isinstance(r, Mapping) else None)):
            area = p.get("service_area") if isinstance(p, dict) else None
            if isinstance(area, list):  # our parser's own lists: replacing items in place is safe
                area[:] = [text(b, ("responses", i, "periods", k, "service_area", j)) for j, b in enumerate(area)]
    return data


def known_beats_from_geojson(path: str | Path, *, prop: str | None = None) -> set[str]:
    """Beat ids of a beats GeoJSON (for ``load_program(known_beats=...)``).

    ``prop`` names the beat property; None detects it (``LAWBEAT``, ``BEAT``, ...; see
    :func:`altresponse.geo.load_beats`).

    Raises
    ------
    ConfigError
        ``prop`` is not a property of the file, or no feature has a beat id (an empty list
        would report every beat of a program as unknown).
    """
    from .geo import load_beats

    beats = {b for b in load_beats(path, beat_property=prop).beat if b is not None}
    if not beats:
        msg = f"{path}: no feature has a beat id (property {prop or 'LAWBEAT, BEAT, ...'}); cannot check service areas"
        raise ConfigError(msg)
    return beats


def json_schema() -> dict[str, Any]:
    """JSON Schema of the YAML form of a program file (``docs/program.schema.json``)."""
    schema = Program.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "altresponse program"
    range_re = r"^([01]\d|2[0-4]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$"
    ranges = {
        "anyOf": [
            {"type": "string", "pattern": range_re},
            {"const": "closed"},
            {"type": "array", "items": {"type": "string", "pattern": range_re}},
        ]
    }
    period = schema["$defs"]["Period"]["properties"]
    period["hours"] = {
        "description": 'Hours in the program time zone: "always", "closed", or day key -> "HH:MM-HH:MM" (or a list).',
        "anyOf": [
            {"enum": ["always", "closed"]},
            {
                "type": "object",
                "propertyNames": {"enum": list(_DAY_GROUPS)},
                "additionalProperties": ranges,
            },
        ],
    }
    period["service_area"] = {
        "description": 'Police beats, "citywide", or {local: NAME}: the beats of the city the program is applied to.',
        "anyOf": [
            {"const": "citywide"},
            {"type": "array", "items": {"type": "string"}, "minItems": 1},
            {"type": "object", "properties": {"local": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"}, "note": {"type": "string"}},
             "required": ["local"], "additionalProperties": False},
        ],
    }
    period.pop("local_area", None)  # internal: the YAML form is service_area: {local: NAME}
    schema["properties"]["version"] = {"anyOf": [{"type": "string"}, {"type": "number"}], "title": "Version"}
    return schema
