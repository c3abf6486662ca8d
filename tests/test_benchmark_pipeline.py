"""The pipeline benchmark's agreement check (benchmarks/pipeline.py): no timing is asserted here.

altresponse's report.json, the pandas notebook and bare DuckDB SQL must give the same yardstick
numbers (benchmarks/yardstick.py) on the same synth CSV; the benchmark prints no timing otherwise.
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import pipeline  # noqa: E402
import yardstick  # noqa: E402


@pytest.mark.slow
def test_altresponse_pandas_and_duckdb_agree_at_20k_calls_across_the_autumn_dst_change(tmp_path):
    # 20,000 calls from 2021-10-25 span 30 days, so the repeated 01:00 hour of 2021-11-07 is in
    # the data: the baselines must read an ambiguous local time as altresponse ingest does
    assert pipeline.main(["--sizes", "20000", "--start", "2021-10-25", "--cache", str(tmp_path), "--check-only"]) == 0
    csv = next(tmp_path.glob("synth_20000_*.csv"))
    assert "2021-11-07 01:" in csv.read_text()
    ref = yardstick.normalise(yardstick.from_report(tmp_path / "run_20000" / "report" / "report.json"))
    assert set(ref) == set(yardstick.NAMES) and all(ref[name] for name in yardstick.NAMES)


def _numbers() -> dict:
    return {
        "calls_by_month": {"2021-01": 10},
        "calls_by_beat": {"111": 10},
        "calls_by_hour_of_week": {"0-00": 10},
        "eligible_by_type": {"WELFARE": 3},
        "response_by_priority": {"1": [5, 300.0, 530.5], "null": [1, 10.0, 10.0]},
        "repeat_30d": {"eligible": [3, 1], "other": [7, 2]},
        "unit_hours": {"eligible": 1.5, "all": 20.25},
    }


def test_compare_reports_each_difference_and_accepts_float_noise():
    ref = _numbers()
    same = copy.deepcopy(ref)
    same["unit_hours"]["all"] += 20.25 * 1e-12  # summation order
    same["response_by_priority"]["1"][1] += 1e-9
    assert yardstick.compare(ref, same) == []
    other = copy.deepcopy(ref)
    other["calls_by_beat"]["111"] = 11
    other["response_by_priority"]["1"][2] = 530.6
    other["repeat_30d"]["eligible"] = [3, 2]
    other["eligible_by_type"]["INTOX"] = 1
    del other["unit_hours"]
    problems = yardstick.compare(ref, other)
    assert len(problems) == 5
    assert any(p.startswith("eligible_by_type[INTOX]: only in other") for p in problems)
    assert any(p.startswith("unit_hours: missing") for p in problems)
