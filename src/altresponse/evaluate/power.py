"""Before launch: the smallest effect a pilot of this area and length could detect (MDE).

By simulation on the real panel: place a fake launch at every possible date of the
pre-period data, keep ``weeks_after`` periods after it (and as many before, at least 8),
plant an effect by thinning the treated units' post-launch counts (each event kept with
probability ``1 + effect``: the same thinning as a real drop in a Poisson rate), estimate the
Poisson two-way fixed-effects model and test at the 5% level. The power at an effect size is
the share of simulations that detect it; the MDE is the smallest effect on the grid with
power of at least 80%. The real data's own noise, seasonality and unit differences are all in
it: nothing is assumed about their distribution.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import UsageError
from .estimators import estimate
from .panel import PeriodName, mark_treatment

GRID = (-0.05, -0.10, -0.15, -0.20, -0.25, -0.30, -0.40, -0.50, -0.60, -0.75)
PERIODS_PER_WEEK = {"day": 7.0, "week": 1.0, "month": 12 / 52.18}


def minimum_detectable_effect(raw: pd.DataFrame, y: str, treated_units: list[str], *, period: PeriodName,
                              weeks_after: int, reps: int = 2, seed: int = 0, power: float = 0.8,
                              alpha: float = 0.05, max_launches: int = 20) -> dict:
    """MDE of outcome ``y`` for a pilot in ``treated_units`` lasting ``weeks_after`` weeks.

    Returns
    -------
    dict
        ``{"outcome", "mde", "power_curve": [{effect, power}], "launches", "periods_after",
        "periods_before", "sentence"}``; ``mde`` is None when no effect on the grid reaches the power.

    Raises
    ------
    UsageError
        When the data is too short for ``weeks_after`` plus a pre-period of 8 periods.
    """
    periods = sorted(raw["period"].unique())
    after = max(1, int(round(weeks_after * PERIODS_PER_WEEK[period])))
    before = max(after, 8)
    launches = list(range(8, len(periods) - after + 1))
    if not launches:
        msg = (f"{len(periods)} {period}s of data: too short for {after} {period}s after a launch plus at least 8 "
               "before it")
        raise UsageError(msg)
    if len(launches) > max_launches:  # evenly spaced subset: neighbouring launches share most data
        launches = [launches[int(i)] for i in np.linspace(0, len(launches) - 1, max_launches)]
    rng = np.random.default_rng(seed)
    treated = set(treated_units)
    curve = []
    mde = None
    for effect in GRID:
        hits = total = 0
        for L in launches:
            window = raw[raw["period"].isin(periods[max(0, L - before): L + after])]
            adoption = {u: (periods[L] if u in treated else None) for u in window["unit"].unique()}
            p = mark_treatment(window, adoption, period)
            for _ in range(reps):
                sim = p.copy()
                cells = sim["treated"] == 1
                sim.loc[cells, y] = rng.binomial(sim.loc[cells, y].astype("int64"), 1 + effect)
                try:
                    est = estimate(sim, y, "poisson_twfe")
                except UsageError:
                    continue
                total += 1
                hits += est["p_value"] < alpha and est["relative_effect"] < 0
        share = hits / total if total else float("nan")
        curve.append({"effect": effect, "power": share, "simulations": total})
        if total and share >= power:
            mde = effect
            break
    return {"outcome": y, "mde": mde, "power_curve": curve, "launches": len(launches), "periods_after": after,
            "periods_before": before, "n_treated_units": len(treated & set(raw["unit"])), "n_units": int(raw["unit"].nunique()),
            "sentence": _sentence(y, mde, weeks_after, power)}


def _sentence(y: str, mde: float | None, weeks: int, power: float) -> str:
    if mde is None:
        return (f"{y}: even a {abs(GRID[-1]):.0%} drop would be detected less than {power:.0%} of the time over "
                f"{weeks} weeks: this area and duration cannot show an effect on this outcome.")
    return f"{y}: a drop of {abs(mde):.0%} or more would be detected {power:.0%} of the time over {weeks} weeks (5% level)."
