"""Solve the coverage MIP with HiGHS (``scipy.optimize.milp``) and read the chosen beats, hours and days."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..errors import UsageError
from .model import build_model


@dataclass
class MipSolution:
    """Raw optimum of :func:`solve_coverage`."""

    beats: list[int]
    hours: list[int]
    days: list[int]
    covered: float
    team_hours_per_week: float
    optimal: bool = True  # False when the time limit stopped HiGHS first


def solve_coverage(
    calls: np.ndarray,
    *,
    teams: int,
    team_hours_per_week: float,
    capacity: np.ndarray | float = math.inf,
    adjacency: list[tuple[int, int]] | None = None,
    allowed: np.ndarray | None = None,
    time_limit: float = 30.0,
) -> MipSolution:
    """Solve the coverage MIP for a ``(beats, days, hours)`` array of call counts.

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
    MipSolution
    """
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_matrix

    if teams < 1:
        msg = f"teams must be at least 1, got {teams}"
        raise UsageError(msg)
    B, D, H = calls.shape
    cap = np.broadcast_to(np.asarray(capacity, dtype=float), (D, H))
    m = build_model(calls, teams=teams, team_hours_per_week=team_hours_per_week, cap=cap, adjacency=adjacency, allowed=allowed)
    r, v = m.rows, m.layout
    A = coo_matrix((r.vals, (r.rows, r.cols)), shape=(len(r.lo), v.nvar)).tocsr()
    res = milp(
        m.c,
        constraints=LinearConstraint(A, r.lo, r.hi),
        integrality=m.integrality,
        bounds=Bounds(np.zeros(v.nvar), m.upper),
        options={"time_limit": time_limit, "mip_rel_gap": 1e-4},
    )
    if res.x is None:
        msg = f"the planning MIP found no solution ({res.message})"
        raise UsageError(msg)
    x = res.x
    chosen_days = [d for d in range(D) if x[v.Z[d]] > 0.5]
    chosen_hours = [h for h in range(H) if x[v.Y[h]] > 0.5]
    worked = [(d, h) for d in chosen_days for h in chosen_hours]
    chosen_beats = [b for b in range(B) if x[v.X[b]] > 0.5]
    if not worked:
        chosen_days, chosen_hours, chosen_beats = [], [], []
    covered = float(sum(min(calls[chosen_beats, d, h].sum(), cap[d, h]) for d, h in worked))
    return MipSolution(
        beats=chosen_beats,
        hours=chosen_hours,
        days=chosen_days,
        covered=covered,
        team_hours_per_week=float(teams * len(worked)),
        optimal=res.status == 0,
    )
