"""Choose service beats and daily hours for a team budget: a small mixed-integer program.

Historical eligible calls are counted on the engine by beat × weekday × hour (Ibis); the
MIP (HiGHS through ``scipy.optimize.milp``) then picks

* ``x[b]``  beat b is in the service area,
* ``y[h]``  hour h is inside the daily window (one window, possibly past midnight),
* ``z[d]``  weekday d is a working day,
* ``u[d,h] = y[h]·z[d]`` (linearised) the team works hour h on day d,
* ``q[d,h]`` calls covered in that cell,

maximising ``Σ q`` subject to ``q[d,h] ≤ Σ_b calls[b,d,h]·x[b]`` (only calls in chosen beats),
``q[d,h] ≤ capacity·u[d,h]`` (only in worked hours, and no more calls than the teams can take
at ``max_utilization``), ``teams · Σ u ≤ team_hours_per_week``, a single contiguous daily
window, optionally a connected set of beats (single-commodity flow over beat adjacency) and
beats within ``max_distance_km`` of a base. docs/planning.md writes the model out in full.

:func:`plan` returns a :class:`Plan`; :func:`plan_summary` the same as a plain dict (for JSON
and the report); :func:`write_plan` writes it as a program YAML every other verb accepts.

Files: ``counts.py`` (calls by beat × weekday × hour on the engine), ``model.py`` (the MIP's
variables and constraints), ``solve.py`` (HiGHS and reading the optimum), ``pareto.py`` (the
budget → coverage curve), ``choose.py`` (:func:`plan`: options, capacity, beat geometry) and
``result.py`` (:class:`Plan`, writing it as a program).
"""

from __future__ import annotations

from .choose import plan, plan_summary
from .counts import DAYS, HOURS, CallCounts, count_calls
from .result import Plan, write_plan
from .solve import CoverageSolution, solve_coverage

__all__ = ["DAYS", "HOURS", "CallCounts", "CoverageSolution", "Plan", "count_calls", "plan", "plan_summary", "solve_coverage", "write_plan"]
