"""The plan: chosen area and hours with their coverage, as a dict and as a program file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .counts import DAYS


@dataclass
class Plan:
    """A chosen service area and hours, with its coverage and the budget → coverage curve."""

    response_id: str
    teams: int
    team_hours_per_week: float
    beats: list[str]
    hours: dict[int, list[tuple[int, int]]]
    covered_calls: float
    covered_share: float
    eligible_calls: int
    pareto: list[dict[str, Any]]
    settings: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict (hours keyed by weekday number as a string)."""
        return {
            "response_id": self.response_id,
            "teams": self.teams,
            "team_hours_per_week": self.team_hours_per_week,
            "team_hours_used_per_week": self.settings["team_hours_used_per_week"],
            "beats": self.beats,
            "hours": {str(d): [list(w) for w in ws] for d, ws in sorted(self.hours.items())},
            "covered_calls": self.covered_calls,
            "covered_share": self.covered_share,
            "eligible_calls": self.eligible_calls,
            "pareto": self.pareto,
            "settings": {k: v for k, v in self.settings.items() if k != "team_hours_used_per_week"},
        }


def write_plan(result: Plan, program, path: str | Path) -> Path:
    """Write the plan as a program YAML: the program with the planned response's area and hours.

    The plan gets its own id (``<program id>-plan``) so classifying with it writes
    ``classified/<id>-plan.parquet`` beside the program's own labels instead of over them.
    """
    new = program.with_area_and_hours(result.response_id, result.beats, result.hours, result.teams)
    new.renamed(f"{program.id}-plan").to_yaml(path)
    return Path(path)


def hours_dict(hours: list[int], days: list[int]) -> dict[int, list[tuple[int, int]]]:
    """Weekday -> merged (start_min, end_min) ranges for the chosen hours on chosen days."""
    ranges: list[tuple[int, int]] = []
    for h in sorted(hours):
        if ranges and ranges[-1][1] == h * 60:
            ranges[-1] = (ranges[-1][0], (h + 1) * 60)
        else:
            ranges.append((h * 60, (h + 1) * 60))
    return {d: (list(ranges) if d in days else []) for d in range(DAYS)}
