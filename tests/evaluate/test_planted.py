"""Planted effects in synthetic calls are recovered: each planted value lies inside the 95% interval.

The synthetic calls (``altresponse synth``) get a planted effect through the same step the CLI
uses (``evaluate.planted.plant_effect``); they are ingested and evaluated through the same
functions ``altresponse evaluate`` calls. The programs are the test fixtures in
``tests/fixtures/`` (six pilot beats from 2021-02-15; the staggered one adds citywide service
from 2021-04-05).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from altresponse.evaluate import sources
from altresponse.evaluate.planted import plant_effect
from altresponse.evaluate.run import evaluate_panel
from altresponse.evaluate.treatment import design
from altresponse.ingest import ingest
from altresponse.program import load_program
from altresponse.synth import write_synthetic_calls

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CALLS = 92_000  # about 20 weeks of Durham-sized volume from 2021-01-04


@pytest.fixture(scope="module")
def base_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("synth") / "calls.csv.gz"
    write_synthetic_calls(path, CALLS, seed=7, start="2021-01-04")
    return path


def _evaluate(base: Path, tmp: Path, program: str, effect: float) -> dict:
    prog = load_program(FIXTURES / program)
    path = tmp / f"calls_{effect}.csv.gz"
    shutil.copy(base, path)
    summary = plant_effect(path, prog, effect, seed=11)
    assert summary["removed"] == 0 if effect == 0 else summary["removed"] > 0
    ingest(path, "synth", tmp / "store")
    raw, outs, _ = sources.calls_panel(tmp / "store", prog, "crt", outcomes=["eligible"])
    d = design(prog, sorted(raw["unit"].unique()))
    return evaluate_panel(raw, outs, d, period="week", run_checks=False)


@pytest.mark.slow
@pytest.mark.parametrize("effect", [0.0, -0.10, -0.30])
def test_pilot_planted_effect_inside_interval(base_file, tmp_path, effect):
    doc = _evaluate(base_file, tmp_path, "pilot-program.yaml", effect)
    head = doc["headline"]
    assert head["outcome"] == "eligible" and head["estimator"] == "poisson_twfe"
    assert head["ci_low"] <= effect <= head["ci_high"], head


@pytest.mark.slow
def test_staggered_planted_effect_inside_did2s_interval(base_file, tmp_path):
    doc = _evaluate(base_file, tmp_path, "staggered-program.yaml", -0.30)
    assert doc["design"]["staggered"] and doc["design"]["cohorts"] == ["2021-02-15", "2021-04-05"]
    head = doc["headline"]
    assert head["estimator"] == "did2s"
    assert head["ci_low"] <= -0.30 <= head["ci_high"], head


def test_positive_effect_adds_copies_in_treated_beats_only(base_file, tmp_path):
    prog = load_program(FIXTURES / "pilot-program.yaml")
    path = tmp_path / "up.csv.gz"
    shutil.copy(base_file, path)
    summary = plant_effect(path, prog, 0.5, seed=1)
    import pandas as pd

    frame = pd.read_csv(path, dtype=str)
    copies = frame[frame["call_id"].str.endswith("-p")]
    assert len(copies) == summary["added"] > 0
    assert set(copies["beat"]) <= set(summary["treated_beats"])
    assert (copies["received_local"].str.slice(0, 10) >= "2021-02-15").all()
