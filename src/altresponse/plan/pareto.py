"""The budget → coverage curve: the search run again at each budget."""

from __future__ import annotations

from typing import Any, Callable

from .solve import CoverageSolution, check_budget


def pareto_rows(solve: Callable[[float], CoverageSolution], best: CoverageSolution, budget: float, budgets: list[float] | None,
                *, teams: int, total_calls: int) -> list[dict[str, Any]]:
    """One row per budget (default teams × 7 days × 0, 4, ..., 24 hours, plus ``budget``)."""
    budgets = budgets if budgets is not None else [teams * 7 * h for h in range(0, 25, 4)]
    budgets = sorted({float(b) for b in budgets} | {float(budget)})
    for b in budgets:
        check_budget(b)
    rows = []
    for b in budgets:
        sol = best if b == float(budget) else solve(b)
        rows.append(
            {
                "team_hours_per_week": b,
                "covered_calls": sol.covered,
                "covered_share": sol.covered / total_calls if total_calls else 0.0,
                "beats": len(sol.beats),
                "hours_per_day": len(sol.hours),
                "days": len(sol.days),
                "team_hours_used_per_week": sol.team_hours_per_week,
                "optimal": sol.optimal,
            }
        )
    return rows
