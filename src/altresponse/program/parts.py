"""The parts of a program: conditions, exclusions, risk rules, periods, responses, published figures.

Pydantic models that forbid unknown keys; :class:`altresponse.program.Program` (``model.py``)
puts them together. Cross-key checks over the whole file live in ``validate.py``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..errors import ProgramError
from .hours import parse_hours

ResponseKind = Literal["phone", "field_team", "co_response", "follow_up"]
DefaultResponder = Literal["police", "ems", "fire"]
DEFAULT_RESPONDERS: tuple[str, ...] = ("police", "ems", "fire")
RiskLevel = Literal["low", "elevated", "high"]
RISK_LEVELS: tuple[str, ...] = ("low", "elevated", "high")
WordFlag = Literal["weapon", "violence", "injury"]
WORD_FLAGS: tuple[str, ...] = ("weapon", "violence", "injury")


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


class StrictModel(BaseModel):
    """A program part: unknown keys are errors, and a loaded program does not change."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Condition(StrictModel):
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


class Period(StrictModel):
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


class PublishedFigure(StrictModel):
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


class Response(StrictModel):
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


class DefaultResponders(StrictModel):
    """Which default responder gets a call no program response takes."""

    otherwise: DefaultResponder = "police"
    by_category: dict[str, DefaultResponder] = {}

