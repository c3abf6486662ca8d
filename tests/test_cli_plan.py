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


def test_real_durham_pipeline_ingest_classify_plan_simulate_classify(real_dir, tmp_path):
    """The real Durham export through every verb; the written plan is accepted by classify.

    Figures are the real run's (2021 HEART-beat community-safety calls, durham-heart program,
    citywide period of 2024: 5 teams, 420 team-hours a week).
    """
    durham = real_dir / "durham"
    store, plan_yaml = tmp_path / "store", tmp_path / "plan.yaml"
    runner = CliRunner()

    def run(*args):
        res = runner.invoke(app, [*args, "--json"])
        assert res.exit_code == 0, res.output
        return json.loads(res.stdout)

    from paths import REPO

    program = str(REPO / PROGRAM)
    ingested = run("ingest", str(durham / "durham_dpd_cfs_2021_heart_beats_community_safety_types.csv"), "--adapter", "durham",
                   "--store", str(store), "--beats", str(durham / "durham_police_beats_dissolved.geojson"))
    assert ingested["rows_loaded"] == 4033
    classified = run("classify", "--store", str(store), "--program", program, "--as-of", "2022-06-01")
    assert classified["eligible"]["crt"] == 4033
    plan = run("plan", "--store", str(store), "--program", program, "--team-hours-per-week", "420",
               "--as-of", "2024-01-01", "--out", str(plan_yaml))
    assert (plan["eligible_calls"], plan["covered_calls"], plan["teams"]) == (4033, 2480, 5)
    assert plan["beats"] == ["111", "112", "113", "122", "213", "214", "222", "223", "411", "511", "512", "513"]
    assert plan["hours"]["0"] == [[480, 1320]] and plan["hours"]["6"] == []
    sim = run("simulate", "--store", str(store), "--program", str(plan_yaml), "--replications", "3", "--as-of", "2024-01-01")
    # teams are rarely busy (5 teams, ~7 calls a day in the plan's hours), so the simulation
    # answers about the share the plan covers
    assert abs(sim["answered_share"]["mean"] - plan["covered_share"]) < 0.02
    assert sim["scenario"]["area"] == plan["beats"]
    reclassified = run("classify", "--store", str(store), "--program", str(plan_yaml), "--as-of", "2022-06-01")
    assert reclassified["by_recommended_response"]["crt"] == 2480  # exactly the calls the plan covers


def _program_variant(tmp_path, old, new):
    from paths import REPO

    text = (REPO / PROGRAM).read_text()
    assert old in text
    path = tmp_path / "variant.yaml"
    path.write_text(text.replace(old, new, 1))
    return path


CITYWIDE = 'hours: {daily: "08:00-20:00"}\n        teams_per_shift: 5'


@pytest.mark.parametrize("verb", [["plan", "--team-hours-per-week", "10", "--out", "x.yaml"], ["simulate", "--replications", "2"]])
@pytest.mark.parametrize(
    ("new", "needle"),
    [
        ('hours: {daily: "08:00-25:00"}\n        teams_per_shift: 5', 'daily: "25:00" is not HH:MM'),
        ('hours: {daily: "08:00-20:00"}\n        teams_per_shift: 0', "teams_per_shift is 0"),
    ],
    ids=["hours-outside-0-24", "zero-teams"],
)
def test_bad_program_exit_2(store, tmp_path, verb, new, needle):
    path, _ = store
    program = _program_variant(tmp_path, CITYWIDE, new)
    res = CliRunner().invoke(app, [*verb, "--store", str(path), "--program", str(program)])
    assert res.exit_code == 2, res.output
    assert needle in res.output


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["plan", "--team-hours-per-week", "nan", "--out", "x.yaml"], "--team-hours-per-week"),
        (["simulate", "--extra-teams", "-1"], "--extra-teams"),
        (["simulate", "--max-wait-minutes", "-1"], "--max-wait-minutes"),
        (["simulate", "--onscene-minutes", "0"], "--default-onscene-minutes"),
    ],
)
def test_more_bad_parameters_exit_2(store, args, needle):
    path, program = store
    res = CliRunner().invoke(app, [*args, "--store", str(path), "--program", str(program)])
    assert res.exit_code == 2, res.output
    assert needle in res.output


@pytest.mark.parametrize("as_of", [None, "2022-07-01"])
@pytest.mark.parametrize("verb", ["plan", "simulate"])
def test_summary_always_names_the_program_period_and_date(store, tmp_path, verb, as_of):
    # The date is explicit in the library; the CLI defaults it to today and always says which.
    import datetime as dt

    path, program = store
    args = [verb, "--store", str(path), "--program", str(program)]
    args += ["--team-hours-per-week", "140", "--out", str(tmp_path / "p.yaml")] if verb == "plan" else ["--replications", "2"]
    args += [] if as_of is None else ["--as-of", as_of]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    when = as_of or dt.date.today().isoformat()
    period = "pilot (2022-06-01..2023-10-22)" if as_of else "citywide (2023-10-23..)"
    assert f"program crt period {period} on {when}" in res.output
    res = CliRunner().invoke(app, [*args, "--json"])
    assert f"program crt period {period} on {when}" in res.stderr
    doc = json.loads(res.stdout)
    settings = doc["settings"] if verb == "plan" else doc
    assert (settings["as_of"], settings["program_period"]) == (when, f"crt period {period} on {when}")
