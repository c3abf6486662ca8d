"""Who works when and where: a scenario (teams, area, hours), its minutes of the week, and the program's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from ..errors import UsageError
from ..inputs import as_date, period_in_effect
from .kernel import WEEK_MINUTES


@dataclass(frozen=True)
class Scenario:
    """Who works when and where: teams on duty, service area (None = citywide), hours."""

    name: str
    teams: int
    area: frozenset[str] | None
    hours: dict[int, list[tuple[int, int]]] | None  # None = 24/7

    def open_mask(self) -> np.ndarray:
        """Boolean array over the 10,080 minutes of a week (Monday 00:00 first)."""
        return hours_mask(self.hours)


def hours_mask(hours) -> np.ndarray:
    """Minutes of the week (Monday 00:00 = 0) inside ``hours`` (weekday -> [(start, end)]).

    ``None`` means always open. A window whose end is at or before its start runs past
    midnight into the next day.
    """
    mask = np.zeros(WEEK_MINUTES, dtype=bool)
    if hours is None:
        mask[:] = True
        return mask
    for day, windows in dict(hours).items():
        day = int(day)
        if not 0 <= day <= 6:
            msg = f"hours: weekday {day} is not 0 (Monday) to 6 (Sunday)"
            raise UsageError(msg)
        for start, end in windows or []:
            start, end = int(start), int(end)
            if not (0 <= start <= 1440 and 0 <= end <= 1440):
                msg = f"hours: window ({start}, {end}) on weekday {day} is outside 0-24 h (0-1440 min)"
                raise UsageError(msg)
            lo = day * 1440 + start
            hi = day * 1440 + end if end > start else (day + 1) * 1440 + end
            idx = np.arange(lo, hi) % WEEK_MINUTES
            mask[idx] = True
    return mask


def scenario_from_program(program, *, response_id: str | None = None, as_of: date | str, name: str = "current") -> Scenario:
    """The planned (or named) response's teams, area and hours in force on ``as_of``."""
    rid = response_id or program.planned_response
    period = period_in_effect(program, rid, as_date(as_of))
    area = period.service_area
    return Scenario(
        name=name,
        teams=int(period.teams_per_shift),
        area=None if area is None else frozenset(str(b) for b in area),
        hours=_normalise_hours(period.hours),
    )


def _normalise_hours(hours):
    if hours is None:
        return None
    return {int(d): [(int(s), int(e)) for s, e in (w or [])] for d, w in dict(hours).items()}
