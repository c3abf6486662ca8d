"""The README's main job: `altresponse demo` on the bundled real Durham sample."""

from __future__ import annotations

import json

from typer.testing import CliRunner

import pandas as pd

from altresponse.cli import app
from altresponse.cli.demo import CALLS
from altresponse.program import load_program

runner = CliRunner()


def test_demo_runs_every_step_on_the_bundled_sample(tmp_path):
    out = tmp_path / "demo"
    result = runner.invoke(app, ["demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    # Each step is shown as the command a user would type.
    for verb in ("ingest", "quality", "classify", "report", "publish", "plan", "simulate"):
        assert f"$ altresponse {verb}" in result.output
    report = json.loads((out / "report" / "report.json").read_text())
    # The bundled sample is Durham's real 2021 subset: 4,033 calls.
    assert report["volume"]["available"] is True
    assert "4,033" in report["volume"]["headline"]
    assert (out / "report" / "report.html").stat().st_size > 10_000
    assert (out / "site" / "index.html").stat().st_size > 10_000  # the public page
    # The sample holds ten of the twelve pilot beats plus two others; the report says so.
    gap = report["planning"]["findings"][0]
    assert "(114, 413) have no calls" in gap and "outside the area (213, 222)" in gap
    # The written plan is a program every other verb accepts, named apart from the input program,
    # and its planned response works the beats the plan chose.
    plan = load_program(out / "plan.yaml")
    source = load_program("programs/durham-heart.yaml")
    assert plan.id == f"{source.id}-plan"
    planned = plan.response(plan.planned_response).periods
    sample_beats = set(pd.read_csv(CALLS, dtype=str)["Beat"].dropna())  # the raw sample, read here
    assert len(planned) == 1 and planned[0].service_area
    assert set(planned[0].service_area) <= sample_beats


def test_demo_refuses_an_unwritable_output(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    result = runner.invoke(app, ["demo", "--out", str(blocker / "demo")])
    # A path under a regular file cannot be created: an I/O failure (exit 3), named on one line.
    assert result.exit_code == 3, result.output
    assert "Traceback" not in result.output
    assert str(blocker) in result.output
