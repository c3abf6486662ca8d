"""The simulation's 95% t-interval equals scipy.stats' to the last bit (summarise computes it without importing scipy.stats)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from altresponse.simulate.intervals import summarise
from altresponse.simulate.kernel import METRICS


@pytest.mark.parametrize("n", [2, 3, 5, 10, 40])
def test_interval_is_scipy_stats_t_interval_bit_for_bit(n):
    rng = np.random.default_rng(n)
    for scale in (1e-3, 1.0, 250.0, 1e6):
        runs = [{m: float(v) for m in METRICS} for v in rng.normal(10.0, scale, size=n)]
        got = summarise(runs)[METRICS[0]]
        vals = np.array([r[METRICS[0]] for r in runs])
        sem = float(stats.sem(vals))
        low, high = stats.t.interval(0.95, n - 1, loc=float(vals.mean()), scale=sem)
        assert (got["ci_low"], got["ci_high"]) == (float(low), float(high))
        assert got["mean"] == float(vals.mean())


def test_report_process_does_not_need_scipy_stats():
    # the point of computing it here: the report's planning imports scipy.optimize, not scipy.stats
    import subprocess
    import sys

    code = ("import sys, scipy.optimize; from altresponse.simulate.intervals import summarise; "
            "from altresponse.simulate.kernel import METRICS; "
            "summarise([{m: 1.0 for m in METRICS}, {m: 3.0 for m in METRICS}]); print('scipy.stats' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "False"
