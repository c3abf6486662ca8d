"""Who is treated from when: read off the program file's periods (no second source of truth).

A unit (beat, precinct) is *treated* from the first day a period of the evaluated response
serves it: a period with a list of beats treats those beats from its start; a ``citywide``
period treats every unit from its start. So a pilot in twelve beats followed by citywide
service is a **staggered** roll-out (pilot beats adopt first, the rest later), and a response
citywide from its first period has **no comparison group** at all.

Treatment is absorbing: once served, a unit counts as treated (a later gap in service is a
different question, and the programs we model never have one).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..errors import UsageError
from ..program import Program


@dataclass(frozen=True)
class Design:
    """The treatment design of one response over a set of units.

    Attributes
    ----------
    adoption : dict[str, date | None]
        Unit -> first day it is served (None: never, within the program file).
    citywide_from : date | None
        First day of a citywide period, if any (every unit is treated from then).
    response_id : str
    warnings : list[str]
        Plain sentences about what the design can and cannot show.
    """

    response_id: str
    adoption: dict[str, dt.date | None]
    citywide_from: dt.date | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def treated_units(self) -> list[str]:
        """Units served before any citywide period (the pilot units)."""
        return sorted(u for u, d in self.adoption.items() if d is not None and (self.citywide_from is None or d < self.citywide_from))

    @property
    def comparison_units(self) -> list[str]:
        """Units not served until citywide service (or never)."""
        return sorted(u for u in self.adoption if u not in set(self.treated_units))

    @property
    def first_start(self) -> dt.date | None:
        """The earliest adoption date."""
        dates = [d for d in self.adoption.values() if d is not None]
        return min(dates) if dates else None

    @property
    def cohorts(self) -> list[dt.date]:
        """Distinct adoption dates, earliest first."""
        return sorted({d for d in self.adoption.values() if d is not None})

    @property
    def staggered(self) -> bool:
        """More than one adoption date among the units."""
        return len(self.cohorts) > 1

    @property
    def has_comparison(self) -> bool:
        """Some unit is untreated while others are treated."""
        return bool(self.treated_units) and bool(self.comparison_units)

    def to_dict(self) -> dict:
        """JSON-ready summary."""
        return {
            "response": self.response_id,
            "treated_units": self.treated_units,
            "comparison_units": self.comparison_units,
            "cohorts": [d.isoformat() for d in self.cohorts],
            "citywide_from": self.citywide_from.isoformat() if self.citywide_from else None,
            "staggered": self.staggered,
            "has_comparison": self.has_comparison,
            "warnings": list(self.warnings),
        }


def response_for(program: Program, response_id: str | None) -> str:
    """The response to evaluate: the one named, else the program's planned response."""
    rid = response_id or program.planned_response
    program.response(rid)  # ProgramError when unknown
    return rid


def design(program: Program, units: list[str], *, response_id: str | None = None,
           service_area: list[str] | None = None, start: dt.date | None = None,
           beat_to_unit: dict[str, str] | None = None) -> Design:
    """Treatment design of one response of ``program`` over ``units``.

    Parameters
    ----------
    program
        The program file (periods carry areas and start dates).
    units
        Every unit in the panel (beats or precincts), as strings.
    response_id
        Response to evaluate; default the program's ``planned_response``.
    service_area, start
        Override the first period's area and start (sensitivity checks over the pilot area).
    beat_to_unit
        When units are larger than beats (districts): beat -> its unit. A unit is treated from the
        first day any of its beats is served.

    Returns
    -------
    Design

    Examples
    --------
    >>> from altresponse.program import Program
    >>> p = Program.from_dict({"id": "x", "version": "1", "timezone": "UTC", "planned_response": "t",
    ...     "responses": [{"id": "t", "name": "T", "kind": "field_team", "eligible_types": ["WELFARE"],
    ...     "fallback": "police", "periods": [
    ...       {"id": "a", "start": "2021-03-01", "end": "2021-05-31", "service_area": ["1"], "hours": "always", "teams_per_shift": 1},
    ...       {"id": "b", "start": "2021-06-01", "service_area": "citywide", "hours": "always", "teams_per_shift": 1}]}]})
    >>> d = design(p, ["1", "2"])
    >>> d.adoption["1"].isoformat(), d.adoption["2"].isoformat(), d.staggered
    ('2021-03-01', '2021-06-01', True)
    """
    rid = response_for(program, response_id)
    periods = sorted(program.response(rid).periods, key=lambda p: p.start or dt.date.min)
    adoption: dict[str, dt.date | None] = {str(u): None for u in units}
    citywide_from = None
    for k, period in enumerate(periods):
        begin = period.start or dt.date.min
        area = period.service_area
        if k == 0:
            begin = start or begin
            area = service_area if service_area is not None else area
        if area is None:
            citywide_from = begin if citywide_from is None else min(citywide_from, begin)
            served = list(adoption)
        else:
            served = [str(b) for b in area]
            if beat_to_unit is not None:
                served = sorted({beat_to_unit[b] for b in served if b in beat_to_unit})
        for u in served:
            if u in adoption and (adoption[u] is None or begin < adoption[u]):
                adoption[u] = begin
    out = Design(rid, adoption, citywide_from)
    _warn(out, units, periods, service_area, check_missing=beat_to_unit is None)
    return out


def _warn(d: Design, units: list[str], periods, service_area, check_missing: bool = True) -> None:
    first_area = service_area if service_area is not None else periods[0].service_area
    if first_area is None:
        d.warnings.append(
            f"Response {d.response_id!r} served every unit from its first day ({d.first_start}): there is no "
            "comparison group, so no difference-in-differences estimate is possible. An interrupted time series "
            "(before vs after in the same places) is shown only as a description: it cannot separate the program "
            "from anything else that changed at the same time."
        )
    missing = sorted(set(map(str, first_area or [])) - set(map(str, units)))
    if missing and check_missing:
        d.warnings.append(f"Service-area units with no rows in the data (left out): {', '.join(missing)}.")
    if d.first_start is None:
        msg = f"response {d.response_id!r} serves none of the panel's units"
        raise UsageError(msg)
