"""The coverage optimum by exhaustive search: beat areas × daily windows × number of days.

The model (docs/planning.md) needs no solver: coverage in a cell, ``min(Σ calls over the chosen
beats, capacity)``, never falls when a beat is added, and nothing but the distance limit and
contiguity constrains beats, so the best area is a whole connected component of the allowed beats
(all allowed beats without contiguity). For one area and one daily window the best ``k`` days are
the ``k`` with the most calls in that window. What is left — areas × windows × day counts — is a
few thousand candidates, scored at once with numpy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..errors import UsageError


@dataclass
class CoverageSolution:
    """The optimum :func:`solve_coverage` found (indices into the calls array)."""

    beats: list[int]
    hours: list[int]
    days: list[int]
    covered: float
    team_hours_per_week: float
    optimal: bool = True  # the search is exhaustive; kept as the Pareto table's and report's column


def solve_coverage(
    calls: np.ndarray,
    *,
    teams: int,
    team_hours_per_week: float,
    capacity: np.ndarray | float = math.inf,
    adjacency: list[tuple[int, int]] | None = None,
    allowed: np.ndarray | None = None,
) -> CoverageSolution:
    """Beats, one daily window and working days that cover the most calls within the budget.

    Ties go, in order, to fewer team-hours, the larger area, the area with the lowest beat
    index, the earliest window start, the shorter window; equal days go to the lower weekday.

    Parameters
    ----------
    calls
        Calls per beat × day × hour-of-day cell (any number of days and hours: tests use
        tiny ones).
    teams
        Teams on duty in every worked hour.
    team_hours_per_week
        Budget: ``teams × hours per day × days`` may not exceed it.
    capacity
        Most calls the teams can take in one day × hour cell (scalar or ``(days, hours)``);
        ``inf`` for no limit.
    adjacency
        Pairs of beat indices that touch. Given, the chosen beats must form one connected
        set.
    allowed
        Boolean per beat; False beats are never chosen (e.g. too far from the base).

    Returns
    -------
    CoverageSolution
        Empty (no beats, hours or days) when no plan within the budget covers a call.

    Raises
    ------
    UsageError
        Fewer than one team, or a negative budget.

    Examples
    --------
    One beat, one day; calls around midnight, so the best 4-hour window wraps (22:00-02:00):

    >>> calls = np.zeros((1, 1, 24))
    >>> calls[0, 0, [22, 23, 0, 1]] = [3, 5, 4, 2]
    >>> sol = solve_coverage(calls, teams=1, team_hours_per_week=4)
    >>> sol.hours, sol.covered
    ([0, 1, 22, 23], 14.0)
    """
    if teams < 1:
        msg = f"teams must be at least 1, got {teams}"
        raise UsageError(msg)
    check_budget(team_hours_per_week)
    B, D, H = calls.shape
    cap = np.broadcast_to(np.asarray(capacity, dtype=float), (D, H))
    areas = _areas(B, adjacency, allowed)
    empty = CoverageSolution(beats=[], hours=[], days=[], covered=0.0, team_hours_per_week=0.0)
    if not areas:
        return empty
    cells = np.minimum(np.stack([calls[a].sum(axis=0) for a in areas]), cap)  # (areas, D, H)
    start, length = _windows(H)
    per_day = cells @ _window_masks(start, length, H).T  # (areas, D, windows): calls in each window on each day
    order = np.argsort(-per_day, axis=1, kind="stable")  # busiest days first, ties to the lower weekday
    covered = np.cumsum(np.take_along_axis(per_day, order, axis=1), axis=1)  # [:, k-1, :]: the best k days
    used = teams * np.arange(1, D + 1)[:, None] * length[None, :]  # (D, windows) team-hours of k days
    covered = np.where(used <= team_hours_per_week, covered, -np.inf)
    best = covered.max()
    if not best > 0:
        return empty
    a, k, w = _pick(covered, best, used, np.array([len(x) for x in areas]), start, length)
    beats = areas[a]
    hours = sorted(int(start[w] + j) % H for j in range(int(length[w])))
    days = sorted(int(d) for d in order[a, : k + 1, w])
    return CoverageSolution(
        beats=beats,
        hours=hours,
        days=days,
        covered=float(cells[a][np.ix_(days, hours)].sum()),
        team_hours_per_week=float(used[k, w]),
    )


def check_budget(value) -> None:
    """A budget is a finite number of team-hours, at least 0 (plan, its curve and the search check it)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)) or not math.isfinite(value) or value < 0:
        msg = f"--team-hours-per-week must be a non-negative number, got {value!r}"
        raise UsageError(msg)


def _areas(B: int, adjacency: list[tuple[int, int]] | None, allowed: np.ndarray | None) -> list[list[int]]:
    """Candidate beat sets: all allowed beats, or with adjacency each connected component of them."""
    ok = np.ones(B, dtype=bool) if allowed is None else np.asarray(allowed, dtype=bool)
    beats = [b for b in range(B) if ok[b]]
    if adjacency is None:
        return [beats] if beats else []
    near: dict[int, list[int]] = {b: [] for b in beats}
    for i, j in adjacency:
        if ok[i] and ok[j]:
            near[i].append(j)
            near[j].append(i)
    areas, seen = [], set()
    for root in beats:  # ascending, so areas come in order of their lowest beat
        if root in seen:
            continue
        seen.add(root)
        todo, area = [root], []
        while todo:
            b = todo.pop()
            area.append(b)
            for n in near[b]:
                if n not in seen:
                    seen.add(n)
                    todo.append(n)
        areas.append(sorted(area))
    return areas


def _windows(H: int) -> tuple[np.ndarray, np.ndarray]:
    """Start and length of every non-empty cyclic daily window: H starts × 1..H-1 hours, and all H."""
    start = np.concatenate([np.tile(np.arange(H), H - 1), [0]])
    length = np.concatenate([np.repeat(np.arange(1, H), H), [H]])
    return start, length


def _window_masks(start: np.ndarray, length: np.ndarray, H: int) -> np.ndarray:
    """(windows, H) 0/1: hour h is in window w (past midnight wraps to the day's first hours)."""
    offset = (np.arange(H)[None, :] - start[:, None]) % H
    return (offset < length[:, None]).astype(float)


def _pick(covered, best, used, size, start, length) -> tuple[int, int, int]:
    """(area, days - 1, window) of the tie-broken optimum; coverage within rounding of ``best`` ties."""
    a, k, w = np.nonzero(covered >= best - 1e-9 * max(1.0, best))
    first = np.lexsort((length[w], start[w], a, -size[a], used[k, w]))[0]
    return int(a[first]), int(k[first]), int(w[first])
