"""`altresponse publish` through typer's runner: builds on the bundled sample, says what the
service's absent records would need, and rejects a bad evaluation file in one line (exit 2)."""

from __future__ import annotations

import json

import pytest
from paths import REPO, SAMPLES
from typer.testing import CliRunner

from altresponse.cli import app

PROGRAM = REPO / "programs" / "durham-heart.yaml"
DURHAM = SAMPLES / "durham"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    from altresponse.ingest import ingest

    root = tmp_path_factory.mktemp("cli_publish")
    ingest([DURHAM / "durham_dpd_cfs_2021_heart_beats_community_safety_types.csv"], "durham", root / "store",
           beats=DURHAM / "durham_police_beats_dissolved.geojson")
    return root / "store"


def test_publish_builds_the_site_and_names_what_the_service_db_would_give(store, tmp_path):
    evaluation = tmp_path / "eval.json"
    evaluation.write_text(json.dumps({"headline": {"outcome": "arrests", "estimator": "did", "relative_effect": 0.1,
                                                   "ci_low": 0.02, "ci_high": 0.2, "interval": "95%", "sentence": ""}}))
    out = tmp_path / "site"
    result = CliRunner().invoke(app, ["publish", "--store", str(store), "--program", str(PROGRAM), "--out", str(out),
                                      "--db", f"sqlite:///{tmp_path / 'no-such-dir' / 'nowhere.db'}", "--evaluation", str(evaluation), "--json"])
    assert result.exit_code == 0, result.output
    written = json.loads(result.stdout)
    assert written["html"] == str(out / "index.html")
    text = (out / "index.html").read_text()
    # no service module, or no such database: either way the page says so instead of showing zeros
    assert "The service&#x27;s records could not be read" in text
    assert "10% more arrests" in text and "excludes no change" in text
    assert {p.name for p in (out / "data").glob("*.csv")} >= {"calls_by_beat.csv", "calls_by_month_and_type.csv"}


def test_a_bad_evaluation_file_is_one_line_exit_2(store, tmp_path):
    bad = tmp_path / "eval.json"
    bad.write_text('{"headline": 3}')
    result = CliRunner().invoke(app, ["publish", "--store", str(store), "--program", str(PROGRAM), "--out", str(tmp_path / "s"),
                                      "--evaluation", str(bad)])
    assert result.exit_code == 2
    assert "no top-level 'headline' object" in result.output
    assert "Traceback" not in result.output


def test_min_cell_below_two_is_a_usage_error(store, tmp_path):
    result = CliRunner().invoke(app, ["publish", "--store", str(store), "--program", str(PROGRAM), "--out", str(tmp_path / "s"),
                                      "--min-cell", "1"])
    assert result.exit_code == 2 and "--min-cell must be at least 2" in result.output
