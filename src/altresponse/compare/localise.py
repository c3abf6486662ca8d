"""A program as applied to another city's calls: its area there, and the date it is judged by.

A program's eligible types are canonical types, so they mean the same in every city. Its area
does not: beat lists name the beats of the program's own city (``city:``), and a local area
(``service_area: {local: NAME}``) names none until the city applying the program does. So
:func:`localise` returns the program with

- beat lists kept where the calls are the program's own city's, and emptied elsewhere (no
  beat is in area: another city's beat "111" is not Durham's 111);
- local areas filled from ``areas`` (``{NAME: [beats]}``, or ``None`` for citywide) where given;

and :func:`area_status` says, per response, whether an in-area figure means anything.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Literal

from ..program import Period, Program

AreaStatus = Literal["citywide", "beats", "other_city", "unnamed", "not_operating"]


def default_as_of(program: Program) -> dt.date:
    """The date a program is judged by when none is given: its latest period start (the
    program as it works now), or today when no period has a start."""
    starts = [p.start for r in program.responses for p in r.periods if p.start is not None]
    return max(starts) if starts else dt.date.today()


def is_home(program: Program, sources: Iterable[str]) -> bool:
    """Whether the calls are the program's own city's (its ``city`` is their only source).

    A program without ``city`` is taken at its word everywhere (files written before ``city``).
    """
    found = set(sources)
    return program.city is None or found == {program.city}


def localise(
    program: Program, *, sources: Iterable[str], areas: Mapping[str, list[str] | None] | None = None
) -> Program:
    """The program as applied to calls of ``sources`` (see the module docstring).

    Examples
    --------
    >>> from altresponse.program import Program
    >>> prog = Program.from_dict({"id": "x", "version": "1", "timezone": "UTC", "planned_response": "t",
    ...     "city": "durham", "responses": [{"id": "t", "name": "T", "kind": "field_team",
    ...     "eligible_types": ["MNTL"], "fallback": "police", "periods": [
    ...     {"id": "p", "service_area": ["111"], "hours": "always", "teams_per_shift": 1}]}]})
    >>> localise(prog, sources={"portland"}).responses[0].periods[0].service_area
    []
    >>> localise(prog, sources={"durham"}).responses[0].periods[0].service_area
    ['111']
    """
    areas = dict(areas or {})
    home = is_home(program, sources)
    data = program.to_dict()
    changed = False
    for r in data["responses"]:
        for p in r["periods"]:
            area = p["service_area"]
            if isinstance(area, Mapping) and area.get("local") in areas:
                beats = areas[area["local"]]
                p["service_area"] = "citywide" if beats is None else [str(b) for b in beats]
                changed = True
            elif isinstance(area, list) and not home:
                # another city's beat ids: no beat here is in the area (and none may collide)
                p["service_area"] = {"local": "other_city"}
                changed = True
    if not changed:
        return program
    return Program.from_dict(data, source=f"{program.id} (applied to {', '.join(sorted(set(sources))) or 'no calls'})")


def area_status(
    program: Program, response_id: str, on: dt.date, *, sources: Iterable[str], areas: Mapping[str, object] | None = None
) -> tuple[AreaStatus, Period | None]:
    """What the response's area is on ``on`` for calls of ``sources``, and the period in effect."""
    period = program.response(response_id).period_at(on, strict=False)
    if period is None:
        return "not_operating", None
    areas = areas or {}
    if period.local_area is not None:
        if period.local_area not in areas:
            return "unnamed", period
        return ("citywide" if areas[period.local_area] is None else "beats"), period
    if period.service_area is None:
        return "citywide", period
    return ("beats" if is_home(program, sources) else "other_city"), period
