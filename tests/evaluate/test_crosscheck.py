"""pyfixest's two-way fixed-effects estimates equal statsmodels' with explicit dummies on the same panel."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import statsmodels.api as sm
import statsmodels.formula.api as smf

from altresponse.evaluate.estimators import twfe
from altresponse.evaluate.panel import mark_treatment


def _panel(seed: int = 3) -> pd.DataFrame:
    # seeded Poisson counts: 12 units x 15 weeks, 4 treated from week 8, true rate ratio 0.8
    rng = np.random.default_rng(seed)
    weeks = [dt.date(2021, 1, 4) + dt.timedelta(weeks=k) for k in range(15)]
    level = rng.normal(size=12) * 0.4
    rows = []
    for u in range(12):
        for k, w in enumerate(weeks):
            treated = u < 4 and k >= 8
            rows.append({"unit": f"u{u}", "period": w, "y": rng.poisson(np.exp(2.5 + level[u] + 0.05 * k) * (0.8 if treated else 1))})
    adoption = {f"u{u}": (weeks[8] if u < 4 else None) for u in range(12)}
    return mark_treatment(pd.DataFrame(rows), adoption, "week")


def test_ols_twfe_equals_statsmodels_dummies():
    p = _panel()
    ours = twfe(p, "y", model="ols")
    ref = smf.ols("y ~ treated + C(unit) + C(t)", data=p).fit()
    assert abs(ours["coef"] - ref.params["treated"]) < 1e-8


def test_poisson_twfe_equals_statsmodels_glm():
    p = _panel()
    ours = twfe(p, "y", model="poisson")
    ref = smf.glm("y ~ treated + C(unit) + C(t)", data=p, family=sm.families.Poisson()).fit(tol=1e-12)
    assert abs(ours["coef"] - ref.params["treated"]) < 1e-8
    assert abs(ours["relative_effect"] - np.expm1(ref.params["treated"])) < 1e-8
