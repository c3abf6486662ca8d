"""Mean and 95% t-interval over replications, per metric (``scipy.stats.t.interval``)."""

from __future__ import annotations

import numpy as np

from .kernel import METRICS

WHAT_IF_METRICS = ("answered_share", "answered_calls", "fallback_to_police", "outside_program", "wait_minutes_p50", "wait_minutes_p90",
                   "response_minutes_p50", "response_minutes_p90", "utilization", "police_unit_hours_freed_per_year")


def summarise(runs: list[dict[str, float]]) -> dict[str, dict[str, float | None]]:
    """Mean and 95% t-interval over replications for each metric (no interval from one value).

    Examples
    --------
    >>> s = summarise([{m: 1.0 for m in METRICS}, {m: 3.0 for m in METRICS}])["utilization"]
    >>> s["mean"], round(s["ci_low"], 4), round(s["ci_high"], 4)
    (2.0, -10.7062, 14.7062)
    """
    from scipy import stats

    out: dict[str, dict[str, float | None]] = {}
    for name in METRICS:
        vals = np.array([run[name] for run in runs], dtype=float)
        vals = vals[np.isfinite(vals)]
        if vals.size == 0:
            out[name] = {"mean": None, "ci_low": None, "ci_high": None}
            continue
        mean = float(vals.mean())
        if vals.size < 2:
            out[name] = {"mean": mean, "ci_low": None, "ci_high": None}
            continue
        sem = float(stats.sem(vals))
        if sem == 0:  # every replication agrees: scipy gives nan for a zero scale
            out[name] = {"mean": mean, "ci_low": mean, "ci_high": mean}
            continue
        low, high = stats.t.interval(0.95, vals.size - 1, loc=mean, scale=sem)
        out[name] = {"mean": mean, "ci_low": float(low), "ci_high": float(high)}
    return out


def flatten(summary, keys=None) -> dict[str, float | None]:
    """``{name: {mean, ci_low, ci_high}}`` as ``{name, name_ci_low, name_ci_high}`` (a table row)."""
    out = {}
    for name in keys or WHAT_IF_METRICS:
        stat = summary[name]
        out[name] = stat["mean"]
        out[f"{name}_ci_low"] = stat["ci_low"]
        out[f"{name}_ci_high"] = stat["ci_high"]
    return out
