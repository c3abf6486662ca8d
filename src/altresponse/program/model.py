"""The program model: :class:`Program`, the validated whole, and the API planners and classifiers use."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, field_validator, model_validator

from ..config import error_loc, location, pydantic_message, quote_hint
from ..errors import ProgramError
from .hours import hours_to_yaml, parse_hours
from .parts import (
    DEFAULT_KEYWORDS,
    DefaultResponders,
    PublishedFigure,
    Response,
    RiskRule,
    WordFlag,
    StrictModel,
)
from .validate import semantic_problems
from .write import program_to_dict, write_yaml


class Program(StrictModel):
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
        return program_to_dict(self)

    def to_yaml(self, path: str | Path) -> Path:
        """Write the program as YAML that :func:`load_program` reads back to an equal program."""
        return write_yaml(self, path)

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
        problems.extend(semantic_problems(data, known_types, known_beats, known_categories))
        problems = list(dict.fromkeys(problems))
        if problems:
            raise ProgramError("\n".join(f"{location(source, lines or {}, loc)}: {msg}" for loc, msg in problems))
        return prog

