"""`altresponse plan` and `altresponse simulate` through typer's runner on a tiny store."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from altresponse.cli import app

from _planning_fixtures import classified_frame

PROGRAM = "programs/durham-heart.yaml"


@pytest.fixture
def store(tmp_path):
    from paths import REPO

    rng = np.random.default_rng(0)
    times = pd.Timestamp("2021-03-01") + pd.to_timedelta(np.sort(rng.uniform(0, 28 * 1440, 300)), unit="min")
    frame = classified_frame(times, rng.choice(["111", "112", "411"], 300), rid="crt")
    (tmp_path / "classified").mkdir()
    frame.to_parquet(tmp_path / "classified" / "durham-heart.parquet")
    return tmp_path, REPO / PROGRAM


def test_plan_json_and_yaml(store, tmp_path):
    path, program = store
    out = tmp_path / "plan.yaml"
    res = CliRunner().invoke(app, ["plan", "--store", str(path), "--program", str(program), "--team-hours-per-week", "140", "--out", str(out), "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert {"covered_calls", "covered_share", "beats", "hours", "pareto"} <= set(doc)
    from altresponse.program import load_program

    planned = load_program(out)
    assert planned.response("crt").period_at(pd.Timestamp("2030-01-01").date()).service_area == doc["beats"]


def test_simulate_json(store):
    path, program = store
    res = CliRunner().invoke(app, ["simulate", "--store", str(path), "--program", str(program), "--replications", "3", "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    for key in ("answered_share", "wait_minutes_p50", "wait_minutes_p90", "utilization", "fallback_to_police"):
        assert set(doc[key]) == {"mean", "ci_low", "ci_high"}
    assert doc["what_ifs"] and doc["staffing_curve"]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["simulate", "--replications", "0"], "--replications"),
        (["plan", "--team-hours-per-week", "-5", "--out", "x.yaml"], "--team-hours-per-week"),
        (["plan", "--team-hours-per-week", "10", "--teams", "0", "--out", "x.yaml"], "--teams"),
    ],
)
def test_bad_parameters_exit_2(store, args, needle):
    path, program = store
    res = CliRunner().invoke(app, [*args, "--store", str(path), "--program", str(program)])
    assert res.exit_code == 2
    assert needle in res.output
