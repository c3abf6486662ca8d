"""Difference-in-differences estimators over a unit x period panel (pyfixest calls).

Every estimate is returned as a plain dict with the same keys (:data:`ESTIMATE_KEYS`), so
the CLI, the report and the checks treat them alike. The headline number is a **relative
effect**: ``exp(beta) - 1`` for Poisson; for the linear estimators the level effect divided
by the treated cells' counterfactual mean (their observed mean minus the effect).

- ``poisson_twfe``: ``fepois(y ~ treated | unit + period)``, standard errors clustered by unit.
- ``ols_twfe``: ``feols`` with the same fixed effects and clustering.
- ``did2s``: Gardner's two-stage estimator (fixed effects fitted on untreated cells only), which
  stays unbiased when adoption is staggered and effects change with time since adoption —
  the case where plain TWFE is known to be biased (Goodman-Bacon 2021).
- ``event_study``: leads and lags around adoption (reference: the last period before), with a
  joint Wald test that every lead is zero (the pre-trend test).
"""

from __future__ import annotations

import math
import warnings
from typing import Literal

import numpy as np
import pandas as pd

from ..errors import UsageError

Estimator = Literal["poisson_twfe", "ols_twfe", "did2s"]
ESTIMATORS: tuple[str, ...] = ("poisson_twfe", "ols_twfe", "did2s")
ESTIMATE_KEYS = (
    "outcome", "estimator", "coef", "se", "relative_effect", "ci_low", "ci_high", "p_value", "interval",
    "n_units", "n_treated_units", "n_periods", "n_clusters", "flags",
)
FEW_TREATED = 10
CI_LABEL = "95% cluster-robust (CR1, clustered by unit)"


def _pf():
    # pyfixest is heavy to import and chatty about optional back-ends: import on first use
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import pyfixest
    except ImportError:
        msg = "altresponse evaluate needs pyfixest: pip install 'altresponse[evaluate]'"
        raise UsageError(msg) from None
    return pyfixest


def check_panel(p: pd.DataFrame, y: str) -> list[str]:
    """Problems that make any estimate meaningless (raise) or that must be shown beside it (returned).

    Raises
    ------
    UsageError
        No treated cell; no untreated comparison cell at a time when units are treated; no
        pre-period for the treated units; an outcome that is zero (or missing) everywhere.
    """
    if y not in p.columns:
        msg = f"outcome {y!r} is not in the panel (has {', '.join(c for c in p.columns if c not in ('unit', 'period'))})"
        raise UsageError(msg)
    values = p[y].dropna()
    if values.empty or (values == 0).all():
        msg = f"outcome {y!r} is zero or missing in every unit-period cell: there is nothing to estimate"
        raise UsageError(msg)
    if not (p["treated"] == 1).any():
        msg = "no treated unit-period in the panel (does the data reach the program's start date?)"
        raise UsageError(msg)
    treated_times = set(p.loc[p["treated"] == 1, "t"])
    if not ((p["treated"] == 0) & p["t"].isin(treated_times)).any():
        msg = ("no untreated unit at any time a unit is treated: there is no comparison group "
               "(the response serves every unit from its first day)")
        raise UsageError(msg)
    ever = p.loc[p["cohort"].notna(), "unit"].unique()
    pre = p[p["unit"].isin(ever) & (p["treated"] == 0)]
    if pre.empty:
        msg = "no pre-period: the treated units are treated in every period of the panel (start the panel earlier)"
        raise UsageError(msg)
    flags = []
    treated_units = sorted(set(p.loc[p["treated"] == 1, "unit"]))
    if 1 < len(treated_units) < FEW_TREATED:
        flags.append(f"{len(treated_units)} treated units: cluster-robust intervals are too narrow with few treated "
                     "clusters (MacKinnon & Webb 2017); the placebo-unit permutation p-value is the safer guide")
    if len(treated_units) == 1:
        flags.append(f"one treated unit ({treated_units[0]}): clustered standard errors are unreliable with a single "
                     "treated cluster; read the placebo-unit check (a permutation test) instead")
    silent = [u for u, s in p[p["unit"].isin(treated_units)].groupby("unit")[y].sum().items() if s == 0]
    if silent:
        flags.append(f"treated unit(s) with no {y} in any period ({', '.join(silent)}): they carry no information "
                     "and Poisson drops them")
    return flags


def relative_from_level(coef: float, lo: float, hi: float, p: pd.DataFrame, y: str) -> tuple[float, float, float, str | None]:
    """Level effect -> relative effect, against the treated cells' counterfactual mean."""
    cf = float(p.loc[p["treated"] == 1, y].mean()) - coef
    if not cf > 0:
        return math.nan, math.nan, math.nan, "the treated cells' counterfactual mean is not positive: no relative effect"
    return coef / cf, lo / cf, hi / cf, None


def _result(outcome, estimator, p, y, coef, se, lo, hi, pval, relative, interval=CI_LABEL, flags=()):
    treated_units = p.loc[p["treated"] == 1, "unit"].nunique()
    return {
        "outcome": outcome, "estimator": estimator, "coef": float(coef), "se": float(se),
        "relative_effect": float(relative[0]), "ci_low": float(relative[1]), "ci_high": float(relative[2]),
        "p_value": float(pval), "interval": interval,
        "n_units": int(p["unit"].nunique()), "n_treated_units": int(treated_units),
        "n_periods": int(p["t"].nunique()), "n_clusters": int(p["unit"].nunique()), "flags": list(flags),
    }


def twfe(p: pd.DataFrame, y: str, *, model: Literal["poisson", "ols"] = "poisson", outcome: str | None = None) -> dict:
    """Two-way fixed effects (unit and period) estimate of ``treated`` on outcome ``y``.

    Parameters
    ----------
    p
        Panel from :func:`~altresponse.evaluate.panel.mark_treatment` (``unit``, ``t``, ``treated``).
    y
        Outcome column.
    model
        ``poisson`` (``fepois``; relative effect exp(b) - 1) or ``ols`` (``feols``).

    Returns
    -------
    dict
        Keys :data:`ESTIMATE_KEYS`.
    """
    flags = check_panel(p, y)
    pf = _pf()
    data = p[["unit", "t", "treated", y]].dropna()
    fml = f"{y} ~ treated | unit + t"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = (pf.fepois if model == "poisson" else pf.feols)(fml, data=data, vcov={"CRV1": "unit"})
    b, se = float(fit.coef()["treated"]), float(fit.se()["treated"])
    lo, hi = (float(v) for v in fit.confint().loc["treated"])
    pval = float(fit.pvalue()["treated"])
    if model == "poisson":
        rel = (math.expm1(b), math.expm1(lo), math.expm1(hi))
    else:
        *rel, why = relative_from_level(b, lo, hi, data, y)
        flags += [why] if why else []
    return _result(outcome or y, f"{model}_twfe", data, y, b, se, lo, hi, pval, rel, flags=flags)


def did2s(p: pd.DataFrame, y: str, *, outcome: str | None = None) -> dict:
    """Gardner's two-stage DiD (``pyfixest.did2s``): robust to staggered adoption with dynamic effects.

    The level ATT is turned into a relative effect against the treated cells' counterfactual mean.
    """
    flags = check_panel(p, y)
    pf = _pf()
    data = p[["unit", "t", "treated", y]].dropna().copy()
    # The first stage fits period effects on untreated cells only: a period in which every unit is
    # treated (after a citywide start) has none, so it cannot be compared with anything and is left out.
    open_t = set(data.loc[data["treated"] == 0, "t"])
    if set(data["t"]) - open_t:
        flags.append(f"{len(set(data['t']) - open_t)} period(s) in which every unit is treated are left out: "
                     "with no untreated unit they have no comparison")
        data = data[data["t"].isin(open_t)]
    data["treated"] = data["treated"].astype(bool)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = pf.did2s(data, yname=y, first_stage="~ 0 | unit + t", second_stage="~ i(treated, ref=False)",
                       treatment="treated", cluster="unit")
    name = fit.coef().index[0]
    b, se = float(fit.coef()[name]), float(fit.se()[name])
    lo, hi = (float(v) for v in fit.confint().loc[name])
    pval = float(fit.pvalue()[name])
    *rel, why = relative_from_level(b, lo, hi, data, y)
    flags += [why] if why else []
    return _result(outcome or y, "did2s", data, y, b, se, lo, hi, pval, rel, flags=flags)


def estimate(p: pd.DataFrame, y: str, estimator: Estimator, *, outcome: str | None = None) -> dict:
    """One estimate by name (:data:`ESTIMATORS`)."""
    if estimator == "poisson_twfe":
        return twfe(p, y, model="poisson", outcome=outcome)
    if estimator == "ols_twfe":
        return twfe(p, y, model="ols", outcome=outcome)
    if estimator == "did2s":
        return did2s(p, y, outcome=outcome)
    msg = f"estimator {estimator!r} is not one of {', '.join(ESTIMATORS)}"
    raise UsageError(msg)


def event_study(p: pd.DataFrame, y: str, *, leads: int = 8, lags: int = 12,
                model: Literal["poisson", "ols"] = "poisson") -> dict:
    """Leads and lags around adoption, and the joint pre-trend test.

    Event time is binned at ``-leads`` and ``+lags`` (the end bins hold everything further out);
    never-treated units sit at the reference period (-1). Coefficients are relative effects
    (``exp(b) - 1`` for Poisson) with 95% cluster-robust intervals.

    The Wald test uses the cluster-robust covariance, which is far too optimistic with few
    treated units (38% false rejections at the 5% level with 6 of 35 units treated, in our
    simulation); :func:`~altresponse.evaluate.checks.pretrend_permutation` calibrates it.

    Returns
    -------
    dict
        ``{"coefficients": DataFrame(rel, relative_effect, ci_low, ci_high), "pretrend_p": float
        (chi-squared, cluster-robust), "wald": float, "leads": int, "lags": int, "flags": [str]}``.

    Raises
    ------
    UsageError
        When the panel is shorter than the event window on the pre side (fewer than 2 lead periods).
    """
    check_panel(p, y)
    flags = []
    treated = p[p["rel"].notna()]
    have_leads = int(-treated["rel"].min()) if not treated.empty else 0
    have_lags = int(treated["rel"].max()) + 1 if not treated.empty else 0
    if have_leads < 3:
        msg = f"the panel has {have_leads} period(s) before adoption; an event study needs at least 3 (the reference and two leads)"
        raise UsageError(msg)
    if have_leads - 1 < leads or have_lags < lags:
        flags.append(f"the panel is shorter than the event window ({leads} leads, {lags} lags): "
                     f"using {min(leads, have_leads - 1)} leads and {min(lags, have_lags)} lags")
        leads, lags = min(leads, have_leads - 1), min(lags, max(have_lags, 1))
    data = p[["unit", "t", y, "rel"]].dropna(subset=[y]).copy()
    data["ev"] = data["rel"].fillna(-1).clip(-leads, lags).astype(int)
    pf = _pf()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = (pf.fepois if model == "poisson" else pf.feols)(f"{y} ~ i(ev, ref=-1) | unit + t", data=data, vcov={"CRV1": "unit"})
    coefs, ci = fit.coef(), fit.confint()
    rows = [{"rel": -1, "relative_effect": 0.0, "ci_low": 0.0, "ci_high": 0.0}]
    scale = np.expm1 if model == "poisson" else (lambda v: v / max(float(data.loc[data["rel"] >= 0, y].mean()), 1e-12))
    for name in coefs.index:
        k = int(name.split("::")[1])
        rows.append({"rel": k, "relative_effect": float(scale(coefs[name])),
                     "ci_low": float(scale(ci.loc[name].iloc[0])), "ci_high": float(scale(ci.loc[name].iloc[1]))})
    lead_idx = [i for i, n in enumerate(coefs.index) if int(n.split("::")[1]) < -1]
    R = np.zeros((len(lead_idx), len(coefs)))
    for r, i in enumerate(lead_idx):
        R[r, i] = 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        test = fit.wald_test(R=R, distribution="chi2")
    table = pd.DataFrame(rows).sort_values("rel").reset_index(drop=True)
    return {"coefficients": table, "pretrend_p": float(test.iloc[-1]), "wald": float(test.iloc[0]),
            "leads": leads, "lags": lags, "flags": flags}
