"""One evaluation: every outcome, every estimator, the event study, the checks and the headline.

Pure over a pandas panel (built on the engine by :mod:`.panel`); :mod:`.store` reads a store
into that panel. The document this returns is what ``altresponse evaluate --json`` prints and
what the report's evaluation section and ``altresponse publish --evaluation`` read.
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd

from ..errors import UsageError
from . import checks
from .bootstrap import wild_cluster_ci
from .estimators import FEW_TREATED, estimate, event_study, relative_from_level
from .panel import Outcome, PeriodName, mark_treatment
from .treatment import Design

FEW_CLUSTERS = 30
WILD = "ols_twfe_wild"


def evaluate_panel(raw: pd.DataFrame, outcomes: list[Outcome], d: Design, *, period: PeriodName,
                   team_calls: int | None = None, team_source: str = "", team_window: tuple[dt.date, dt.date] | None = None,
                   run_checks: bool = True, placebo_draws: int = 20, seed: int = 0, leads: int = 8, lags: int = 12,
                   label: str = "treated units", comparison_label: str = "other units") -> dict:
    """Evaluate every outcome of ``raw`` (unit x period counts) under design ``d``.

    Returns
    -------
    dict
        ``design``, ``results`` (one row per outcome x estimator with ``pretrend_p``, ``placebo``,
        ``dose_check``), ``event_study`` (per outcome), ``headline`` and ``warnings``.
    """
    p = mark_treatment(raw, d.adoption, period)
    doc = {"design": {**d.to_dict(), "period": period, "n_units": int(raw["unit"].nunique()),
                      "first_period": min(raw["period"]).isoformat(), "last_period": max(raw["period"]).isoformat(),
                      "straddling_periods_dropped": p.attrs.get("straddling", 0)},
           "results": [], "event_study": {}, "warnings": list(d.warnings), "outcomes": {o.name: o.label for o in outcomes}}
    if not d.has_comparison:
        return _its(doc, p, outcomes, d)
    for o in outcomes:
        doc["results"] += _outcome_rows(doc, p, raw, o, d, period, team_calls, team_source, team_window,
                                        run_checks, placebo_draws, seed, leads, lags)
    doc["headline"] = headline(doc, outcomes, d, label=label, comparison_label=comparison_label)
    return doc


def _estimators(o: Outcome, d: Design) -> list[str]:
    linear = ["ols_twfe", "did2s"]
    return linear if o.kind == "median" else ["poisson_twfe", *linear]


def main_estimator(o: Outcome, d: Design) -> str:
    """The estimator the headline and the checks use: did2s under staggered adoption or for medians, else Poisson."""
    return "did2s" if d.staggered or o.kind == "median" else "poisson_twfe"


def _outcome_rows(doc, p, raw, o, d, period, team_calls, team_source, team_window, run_checks, draws, seed, leads, lags):
    rows = []
    for name in _estimators(o, d):
        try:
            rows.append(estimate(p, o.name, name))
        except UsageError as exc:
            rows.append({"outcome": o.name, "estimator": name, "available": False, "why": str(exc)})
    ok = [r for r in rows if r.get("available", True)]
    if not ok:
        return rows
    # few clusters, or few treated ones (cluster-robust intervals are then too narrow): add the bootstrap
    if (ok[0]["n_clusters"] < FEW_CLUSTERS or ok[0]["n_treated_units"] < FEW_TREATED) and o.kind != "median":
        rows.append(_wild_row(p, o, ok, seed))
    try:
        es = event_study(p, o.name, leads=leads, lags=lags, model="ols" if o.kind == "median" else "poisson")
        doc["event_study"][o.name] = {"pretrend_p_chi2": es["pretrend_p"], "pretrend_p": es["pretrend_p"],
                                      "pretrend_method": "chi-squared Wald test, cluster-robust",
                                      "leads": es["leads"], "lags": es["lags"],
                                      "flags": es["flags"], "coefficients": es["coefficients"].to_dict(orient="records")}
        if run_checks:
            perm = checks.pretrend_permutation(raw, o.name, d.treated_units, d.first_start, es["wald"], period=period,
                                               until=d.citywide_from, leads=es["leads"], lags=es["lags"],
                                               model="ols" if o.kind == "median" else "poisson", draws=draws, seed=seed)
            if perm["available"]:
                doc["event_study"][o.name].update(pretrend_p=perm["p_value"], pretrend_method=(
                    f"permutation: the Wald statistic against {perm['draws']} placebo groups of comparison units"))
        pre_p = doc["event_study"][o.name]["pretrend_p"]
    except UsageError as exc:
        doc["event_study"][o.name] = {"available": False, "why": str(exc)}
        pre_p = None
    main = next((r for r in ok if r["estimator"] == main_estimator(o, d)), ok[0])
    placebo, dose = {"available": False, "why": "checks not run"}, {"available": False, "why": "checks not run"}
    if run_checks:
        start = d.first_start
        placebo = {
            "dates": checks.placebo_dates(raw, o.name, d.treated_units, start, period=period, estimator=main["estimator"]),
            "units": checks.placebo_units(raw, o.name, d.treated_units, start, main["relative_effect"], period=period,
                                          until=d.citywide_from, estimator=main["estimator"], draws=draws, seed=seed),
        }
        dose = _dose(p, o, main, team_calls, team_source, team_window)
    for r in rows:
        if r.get("available", True):
            r.update(pretrend_p=pre_p, pretrend_method=doc["event_study"][o.name].get("pretrend_method"),
                     placebo=placebo, dose_check=dose)
    return rows


def _wild_row(p, o, ok, seed) -> dict:
    ols = next((r for r in ok if r["estimator"] == "ols_twfe"), None)
    if ols is None:
        return {"outcome": o.name, "estimator": WILD, "available": False, "why": "no OLS estimate to bootstrap"}
    w = wild_cluster_ci(p, o.name, seed=seed)
    rel, lo, hi, why = relative_from_level(w["coef"], w["ci_low"], w["ci_high"], p, o.name)
    return {**ols, "estimator": WILD, "relative_effect": rel, "ci_low": lo, "ci_high": hi, "p_value": w["p_value"],
            "interval": f"95% wild-cluster bootstrap-t ({w['draws']} draws, Webb weights)", "flags": ols["flags"] + ([why] if why else [])}


def _dose(p, o, main, team_calls, team_source, team_window) -> dict:
    if o.kind != "count":
        return {"available": False, "why": "the dose check applies to counts"}
    first, last = team_window or (None, None)
    change = checks.implied_change(p, o.name, main["relative_effect"], first=first, last=last)
    if team_calls is None and "_answerable" in p.columns:
        # no service outcome records: the calls the program itself routes to the response there and then
        cells = p[(p["treated"] == 1) & (p["period"] >= (first or p["period"].min())) & (p["period"] <= (last or p["period"].max()))]
        team_calls = int(cells["_answerable"].sum())
        team_source = "no service outcome records in the store"
        what = "calls the program routes to the teams in their area and hours"
    else:
        what = "calls the teams took"
    window = f"{first} to {last}" if team_window else "the whole post-launch panel"
    return checks.dose_check(change, team_calls, source=team_source, outcome_label=o.label, window=window, what=what)


def _pct(x: float) -> str:
    return f"{abs(x) * 100:.0f}%"


def headline(doc: dict, outcomes: list[Outcome], d: Design, *, label: str, comparison_label: str) -> dict:
    """The plain-language answer: the main outcome's main estimate (or why there is none)."""
    for o in outcomes:
        rows = [r for r in doc["results"] if r["outcome"] == o.name and r.get("available", True)]
        if not rows:
            continue
        wanted = main_estimator(o, d)
        if rows[0]["n_clusters"] < FEW_CLUSTERS and not d.staggered and o.kind != "median":
            wanted = WILD
        r = next((x for x in rows if x["estimator"] == wanted), rows[0])
        return {"outcome": o.name, "estimator": r["estimator"], "relative_effect": r["relative_effect"],
                "ci_low": r["ci_low"], "ci_high": r["ci_high"], "interval": r["interval"],
                "p_value": r["p_value"], "permutation_p": ((r.get("placebo") or {}).get("units") or {}).get("permutation_p"),
                "pretrend_p": r.get("pretrend_p"),
                "sentence": sentence(o.label, r, label=label, comparison_label=comparison_label), "caveats": caveats(r)}
    return {"outcome": None, "estimator": None, "relative_effect": None, "ci_low": None, "ci_high": None, "interval": None,
            "sentence": "No outcome could be estimated: " + "; ".join(r.get("why", "") for r in doc["results"]), "caveats": []}


def sentence(outcome_label: str, r: dict, *, label: str, comparison_label: str) -> str:
    """``"Eligible calls in the pilot beats fell by 12% (95% CI 4% to 19%) relative to other beats."``"""
    rel, lo, hi = r["relative_effect"], r["ci_low"], r["ci_high"]
    if any(v is None or (isinstance(v, float) and math.isnan(v)) for v in (rel, lo, hi)):
        return f"{outcome_label.capitalize()} in the {label}: no relative effect could be computed ({'; '.join(r['flags'])})."
    what = f"{outcome_label[0].upper()}{outcome_label[1:]} in the {label}"
    if lo <= 0 <= hi:
        return (f"{what} changed by {rel * 100:+.0f}% relative to {comparison_label} (95% CI {lo * 100:+.0f}% to "
                f"{hi * 100:+.0f}%): not distinguishable from no change.")
    verb = "fell" if rel < 0 else "rose"
    a, b = sorted((abs(lo), abs(hi)))
    return f"{what} {verb} by {_pct(rel)} (95% CI {a * 100:.0f}% to {b * 100:.0f}%) relative to {comparison_label}."


def caveats(r: dict) -> list[str]:
    """Plain sentences a reader must see beside the number: flags, pre-trends, placebos, dose."""
    out = list(r.get("flags", []))
    if r.get("pretrend_p") is not None and r["pretrend_p"] < 0.05:
        out.append(f"The pre-trend test ({r.get('pretrend_method') or 'event-study leads'}) rejects parallel trends "
                   f"before launch (p = {r['pretrend_p']:.3f}): "
                   "the treated and comparison places were already moving apart, so the estimate is not credible as causal.")
    dates = (r.get("placebo") or {}).get("dates", {})
    if dates.get("available") and dates.get("n_significant"):
        out.append(dates["sentence"])
    units = (r.get("placebo") or {}).get("units", {})
    if units.get("available") and units["permutation_p"] > 0.1:
        out.append(units["sentence"])
    dose = r.get("dose_check") or {}
    if dose.get("available") and not dose.get("plausible", True):
        out.append(dose["sentence"])
    return out


def _its(doc: dict, p: pd.DataFrame, outcomes: list[Outcome], d: Design) -> dict:
    warning = ("WARNING: no comparison group. The before/after change below is an interrupted time series "
               "description only: it includes every other change at the same time (seasons, policy, reporting) and "
               "is not an estimate of the program's effect.")
    doc["warnings"].append(warning)
    rows = []
    for o in outcomes:
        before, after = p.loc[p["treated"] == 0, o.name].mean(), p.loc[p["treated"] == 1, o.name].mean()
        change = after / before - 1 if before and before == before and after == after else math.nan
        rows.append({"outcome": o.name, "estimator": "its_description", "relative_effect": change, "ci_low": None,
                     "ci_high": None, "p_value": None, "interval": None, "n_units": int(p["unit"].nunique()),
                     "n_treated_units": int(p.loc[p["treated"] == 1, "unit"].nunique()), "n_periods": int(p["t"].nunique()),
                     "flags": [warning], "pretrend_p": None, "placebo": None, "dose_check": None})
    doc["results"] = rows
    first = rows[0] if rows else {}
    doc["headline"] = {"outcome": first.get("outcome"), "estimator": "its_description",
                       "relative_effect": first.get("relative_effect"), "ci_low": None, "ci_high": None, "interval": None,
                       "sentence": "No comparison group: the program served every place from its first day, so this data cannot "
                                   "say whether it changed anything. " + warning, "caveats": [warning]}
    return doc
