"""Discrete-event simulation of care-first teams working eligible calls.

The model (docs/planning.md explains each assumption):

* **Calls.** Eligible calls (``eligible_<response_id>``) are either replayed in their
  historical order (``mode="replay"``) or resampled for each replication
  (``mode="resample"``): the number of calls is Poisson with the historical count as
  mean, each draw copies a historical call (its beat, weekday, hour, type and place) and
  gives it a random week of the period and a random minute within its hour.
* **Teams.** ``teams_per_shift`` teams are on duty during the response's hours and take
  calls only from its service area. A call outside the area or hours goes to police
  (``outside_program``).
* **Queue.** First come, first served. A call waits for the first free team; if no team
  can start it within ``max_wait_minutes`` (or before the shift it arrived in closes) it
  falls back to police (``fallback_to_police``). A team finishes a call that runs past the
  end of its shift.
* **Busy time** is travel plus time on scene. Time on scene is drawn from the data's own
  ``cleared_at - onscene_at`` by canonical type (pooled over types where a type has fewer
  than ``min_samples`` values); where the data has none (Durham's public subset) it is
  lognormal with mean ``default_onscene_minutes`` and coefficient of variation 0.75 — an
  assumption, reported in ``assumptions``. Travel is ``onscene_at - dispatched_at`` drawn by
  beat where the data has it, else the distance from the team base to the call
  (geodesic, ``geo.distance_km``, × ``detour_factor``) at ``speed_kmh``, else ``default_travel_minutes``.

Because service is FIFO and patience is a deadline, each call's start time follows from the
earliest free time among the teams (the Kiefer–Wolfowitz recursion): one heap operation per
call instead of a general event calendar. :func:`run_queue` is that kernel; it is checked
against Erlang C in ``tests/test_simulate.py`` and timed against SimPy in ``benchmarks/``.

Files: ``kernel.py`` (the queue and one scenario's metrics), ``erlang.py`` (Erlang C),
``scenario.py`` (teams, area, hours), ``data.py`` (eligible calls as arrays), ``sampling.py``
(arrivals, time on scene, travel), ``intervals.py`` (mean and t-interval over replications),
``whatifs.py`` (what-ifs and the staffing curve) and ``run.py`` (:func:`simulate`).
"""

from __future__ import annotations

from .data import eligible_calls
from .erlang import erlang_c
from .kernel import METRICS, WEEK_MINUTES, run_queue
from .run import MODES, TRAVEL_MODELS, Mode, TravelModel, simulate
from .sampling import ONSCENE_CV
from .scenario import Scenario, hours_mask, scenario_from_program

__all__ = ["METRICS", "MODES", "ONSCENE_CV", "TRAVEL_MODELS", "WEEK_MINUTES", "Mode", "Scenario", "TravelModel",
           "eligible_calls", "erlang_c", "hours_mask", "run_queue", "scenario_from_program", "simulate"]
