"""The ingest and quality commands through typer's runner: JSON output, exit codes, one-line errors."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from altresponse.cli import app

DURHAM = "durham/durham_dpd_cfs_2021_heart_beats_community_safety_types.csv"
runner = CliRunner()


def test_ingest_json_and_quality(real_dir, tmp_path):
    result = runner.invoke(app, ["ingest", str(real_dir / DURHAM), "--adapter", "durham", "--store", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert (doc["rows_read"], doc["rows_loaded"], doc["rows_quarantined"], doc["quarantine_reasons"]) == (4033, 4033, 0, {})
    q = runner.invoke(app, ["quality", "--store", str(tmp_path), "--json"])
    assert q.exit_code == 0
    assert json.loads(q.stdout)["rows"] == 4033


def test_strict_exit_1(tmp_path):
    csv = tmp_path / "bad.csv"
    csv.write_text("Call Date,Call Time,Priority,Nature,Beat,Longitude,Latitude\n1/1/2021,99:00:00XM,3,CRISIS,411,-78.9,35.98\n")
    result = runner.invoke(app, ["ingest", str(csv), "--adapter", "durham", "--store", str(tmp_path / "s"), "--strict"])
    assert result.exit_code == 1


def test_errors_are_one_line(real_dir, tmp_path):
    missing = runner.invoke(app, ["ingest", str(tmp_path / "nope.csv"), "--adapter", "durham", "--store", str(tmp_path)])
    assert missing.exit_code == 3 and "no such file" in missing.output and "Traceback" not in missing.output
    unknown = runner.invoke(app, ["ingest", str(real_dir / DURHAM), "--adapter", "atlantis", "--store", str(tmp_path)])
    assert unknown.exit_code == 2 and "unknown adapter 'atlantis'" in unknown.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\ntime_zone: Mars/Olympus\n")
    yaml_err = runner.invoke(app, ["ingest", str(real_dir / DURHAM), "--adapter", str(bad), "--store", str(tmp_path)])
    assert yaml_err.exit_code == 2 and "line 2, time_zone" in yaml_err.output
    assert len(yaml_err.output.strip().splitlines()) == 1
