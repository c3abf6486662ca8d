"""The checks that come with every estimate: placebo dates, placebo units and the dose check.

- **Placebo dates**: the same estimate at fake launch dates inside the pre-period (real data
  after the launch left out). A real program cannot act before it starts, so these should be
  near zero; several clearly non-zero ones say the places were already drifting apart.
- **Placebo units**: comparison units pretend to be treated at the real date (the real treated
  units left out). Where the real estimate sits among them is a permutation p-value that does
  not lean on clustered standard errors (useful with few or one treated unit).
- **Dose**: the change in counts the estimate implies in the treated places after launch, next
  to the number of calls the teams actually handled. A drop larger than everything the teams
  touched cannot be the teams' direct doing (Wheeler 2025 made this point about Denver STAR).
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd

from ..errors import UsageError
from .estimators import estimate
from .panel import PeriodName, mark_treatment


def _row(est: dict, **extra) -> dict:
    return {**extra, **{k: est[k] for k in ("relative_effect", "ci_low", "ci_high", "p_value")}}


def placebo_dates(raw: pd.DataFrame, y: str, treated_units: list[str], start: dt.date, *, period: PeriodName,
                  estimator: str = "poisson_twfe", n: int = 3) -> dict:
    """Estimates at ``n`` fake launch dates spread through the pre-period (before ``start``).

    Returns
    -------
    dict
        ``{"available", "estimates": [{date, relative_effect, ci_low, ci_high, p_value}],
        "n_significant", "sentence"}`` or ``{"available": False, "why"}``.
    """
    pre = raw[raw["period"] < start]
    periods = sorted(pre["period"].unique())
    if len(periods) < 8:
        return {"available": False, "why": f"only {len(periods)} whole periods before launch; placebo dates need at least 8"}
    rows = []
    for k in range(1, n + 1):
        fake = periods[int(len(periods) * k / (n + 1))]
        adoption = {u: (fake if u in set(treated_units) else None) for u in pre["unit"].unique()}
        try:
            est = estimate(mark_treatment(pre, adoption, period), y, estimator)
        except UsageError as exc:
            rows.append({"date": fake.isoformat(), "why": str(exc)})
            continue
        rows.append(_row(est, date=fake.isoformat()))
    sig = sum(1 for r in rows if r.get("p_value") is not None and r["p_value"] < 0.05)
    sentence = (f"{sig} of {len(rows)} fake launch dates before the real one give an effect distinguishable from zero"
                + (" — the places were already diverging before launch." if sig else " (as they should)."))
    return {"available": True, "estimates": rows, "n_significant": sig, "sentence": sentence}


def _placebo_pool(raw: pd.DataFrame, treated_units: list[str], until: dt.date | None):
    """The comparison units' rows (before ``until``), their ids, and the placebo group size
    (as many as the treated units, at most half the comparison units)."""
    comp = raw[~raw["unit"].isin(treated_units)]
    if until is not None:
        comp = comp[comp["period"] < until]
    units = sorted(comp["unit"].unique())
    return comp, units, min(len(treated_units), len(units) // 2)


def placebo_units(raw: pd.DataFrame, y: str, treated_units: list[str], start: dt.date, actual: float, *,
                  period: PeriodName, until: dt.date | None = None, estimator: str = "poisson_twfe",
                  draws: int = 20, seed: int = 0) -> dict:
    """Comparison units as fake treated groups at the real launch date: a permutation check.

    Returns
    -------
    dict
        ``{"available", "draws", "estimates": [relative effects], "permutation_p", "sentence"}``.
    """
    comp, units, size = _placebo_pool(raw, treated_units, until)
    if size < 1 or len(units) < 4:
        return {"available": False, "why": f"{len(units)} comparison units: too few to draw placebo groups from"}
    rng = np.random.default_rng(seed)
    effects = []
    for _ in range(draws):
        fake = set(rng.choice(units, size=size, replace=False).tolist())
        adoption = {u: (start if u in fake else None) for u in units}
        try:
            effects.append(estimate(mark_treatment(comp, adoption, period), y, estimator)["relative_effect"])
        except UsageError:
            continue
    effects = [e for e in effects if e == e]
    if not effects:
        return {"available": False, "why": "no placebo group could be estimated"}
    perm_p = (1 + sum(abs(e) >= abs(actual) for e in effects)) / (1 + len(effects))
    sentence = (f"{sum(abs(e) >= abs(actual) for e in effects)} of {len(effects)} random groups of {size} comparison units, "
                f"made to look treated at the same date, moved as much as the real ones (permutation p = {perm_p:.2f}).")
    return {"available": True, "draws": len(effects), "group_size": size, "estimates": effects,
            "permutation_p": perm_p, "sentence": sentence}


def pretrend_permutation(raw: pd.DataFrame, y: str, treated_units: list[str], start: dt.date, wald: float, *,
                         period: PeriodName, until: dt.date | None = None, leads: int, lags: int, model: str,
                         draws: int = 20, seed: int = 0) -> dict:
    """Calibrate the pre-trend Wald statistic against placebo groups of comparison units.

    The same event study is fitted with random groups of comparison units (as many as the real
    treated ones, at the real date); the p-value is the share of placebo statistics at least as
    large as the real one. Unlike the chi-squared p-value it does not trust cluster-robust
    variances from a handful of treated units.
    """
    from .estimators import event_study

    comp, units, size = _placebo_pool(raw, treated_units, until)
    if size < 1 or len(units) < 4:
        return {"available": False, "why": f"{len(units)} comparison units: too few for placebo groups"}
    rng = np.random.default_rng(seed + 1)
    stats = []
    for _ in range(draws):
        fake = set(rng.choice(units, size=size, replace=False).tolist())
        p = mark_treatment(comp, {u: (start if u in fake else None) for u in units}, period)
        try:
            stats.append(event_study(p, y, leads=leads, lags=lags, model=model)["wald"])
        except (UsageError, ValueError, np.linalg.LinAlgError):
            continue
    if not stats:
        return {"available": False, "why": "no placebo event study could be fitted"}
    perm_p = (1 + sum(s >= wald for s in stats)) / (1 + len(stats))
    return {"available": True, "p_value": perm_p, "draws": len(stats)}


def implied_change(p: pd.DataFrame, y: str, relative_effect: float, *, first: dt.date | None = None,
                   last: dt.date | None = None) -> float:
    """Change in the count the estimate implies over the treated cells (observed - counterfactual).

    With relative effect r, each treated cell's counterfactual is y / (1 + r), so the change is
    the sum of y * r / (1 + r). ``first``..``last`` limit the cells (e.g. the months the teams'
    volume is known for).
    """
    cells = p[p["treated"] == 1]
    if first is not None:
        cells = cells[cells["period"] >= first]
    if last is not None:
        cells = cells[cells["period"] <= last]
    if not relative_effect > -1:
        return math.nan
    return float(cells[y].sum() * relative_effect / (1 + relative_effect))


def dose_check(change: float, team_calls: int | None, *, source: str, outcome_label: str, window: str,
               what: str = "calls the teams took") -> dict:
    """Compare the implied change with the number of calls the teams took over the same window.

    Returns
    -------
    dict
        ``{"available", "implied_change", "team_calls", "source", "ratio", "plausible", "sentence"}``.
    """
    if team_calls is None:
        return {"available": False, "implied_change": change,
                "why": "no count of the calls the teams took (no service outcome records; pass --team-calls N)"}
    if change != change:
        return {"available": False, "implied_change": change, "why": "no finite implied change"}
    ratio = abs(change) / team_calls if team_calls else math.inf
    plausible = change >= 0 or abs(change) <= team_calls
    verb = "drop" if change < 0 else "rise"
    sentence = (f"The estimate implies a {verb} of {abs(change):,.0f} {outcome_label} in the treated places over {window}, "
                f"against {team_calls:,} {what} ({source}).")
    if change < 0 and not plausible:
        sentence += (f" That is {ratio:.1f} times all of those: implausible as a direct effect of the "
                     "teams — something else changed in those places at the same time, or the comparison is off.")
    elif change < 0:
        sentence += f" That is {ratio:.0%} of them: possible as a direct effect."
    return {"available": True, "implied_change": change, "team_calls": team_calls, "source": source,
            "ratio": ratio, "plausible": bool(plausible), "sentence": sentence}
