"""Choose service beats and daily hours for a team budget, exactly.

Historical eligible calls are counted on the engine by beat × weekday × hour (Ibis); the plan
then picks a set of beats, one daily window (possibly past midnight) and a set of working days
that maximise the calls covered, ``Σ_{worked d,h} min(Σ_{chosen b} calls[b,d,h], capacity[d,h])``
(capacity: what the teams can take at ``max_utilization``), subject to
``teams × hours × days ≤ team_hours_per_week``, beats within ``max_distance_km`` of a base and,
optionally, a connected set of beats. Coverage never falls when a beat is added, so the best
area is a whole connected component of the allowed beats, and the search over areas × windows ×
the busiest k days is exhaustive and fast (no solver). docs/planning.md states the model, the
argument and what would need a solver again.

:func:`plan` returns a :class:`Plan`; :func:`plan_summary` the same as a plain dict (for JSON
and the report); :func:`write_plan` writes it as a program YAML every other verb accepts.

Files: ``counts.py`` (calls by beat × weekday × hour on the engine), ``solve.py`` (the exact
search for one budget), ``pareto.py`` (the budget → coverage curve), ``choose.py``
(:func:`plan`: options, capacity, beat geometry) and ``result.py`` (:class:`Plan`, writing it
as a program).
"""

from __future__ import annotations

from .choose import plan, plan_summary
from .counts import DAYS, HOURS, CallCounts, count_calls
from .result import Plan, write_plan
from .solve import CoverageSolution, solve_coverage

__all__ = ["DAYS", "HOURS", "CallCounts", "CoverageSolution", "Plan", "count_calls", "plan", "plan_summary", "solve_coverage", "write_plan"]
