"""Done means: docs/new-city.md runs as written, on a real export, with the shipped adapter
and type map for it not used (the source is `btv`; suggestions leave Burlington's map out).

The test reads the page's ```bash blocks and runs every `altresponse ...` line through the CLI
in an empty directory, and writes each ```yaml block marked `<!-- file: NAME -->` to NAME.
"""

from __future__ import annotations

import json
import re
import shlex

from typer.testing import CliRunner

from altresponse.cli import app

from paths import REAL, REPO

DOC = REPO / "docs" / "new-city.md"


def _steps(text: str, export: str):
    """('run', argv) and ('file', name, body) in page order."""
    steps = []
    pattern = re.compile(r"(<!-- file: (?P<name>[^ ]+) -->\n)?```(?P<lang>\w+)\n(?P<body>.*?)```", re.S)
    for m in pattern.finditer(text):
        if m.group("name"):
            steps.append(("file", m.group("name"), m.group("body")))
        elif m.group("lang") == "bash":
            for line in m.group("body").splitlines():
                line = line.split("  #")[0].strip()
                if line.startswith("altresponse "):
                    steps.append(("run", shlex.split(line.replace("$EXPORT", export))[1:]))
    return steps


def test_new_city_walkthrough_runs_as_written(tmp_path, monkeypatch):
    export = REAL / "burlington" / "bpd_police_incidents_2022h1.csv.gz"
    text = DOC.read_text(encoding="utf-8")
    assert f"EXPORT=../shared/data/real/burlington/{export.name}" in text
    steps = _steps(text, str(export))
    assert [s[1][:2] for s in steps if s[0] == "run"][:2] == [["adapter", "draft"], ["check", "btv.yaml"]]
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    for step in steps:
        if step[0] == "file":
            (tmp_path / step[1]).write_text(step[2], encoding="utf-8")
            continue
        argv = step[1]
        assert "burlington" not in argv or argv[argv.index("burlington") - 1] == "--leave-out", argv
        res = runner.invoke(app, argv)
        assert res.exit_code == 0, f"altresponse {' '.join(argv)}\n{res.output}"
    # the drafted adapter and the suggested map were used, not Burlington's shipped ones
    record = json.loads((tmp_path / "store" / "classified" / "btv-care.json").read_text())
    assert list(record["typemaps"]) == ["btv"] and record["typemaps"]["btv"]["name"] == "btv"
    report = json.loads((tmp_path / "report" / "report.json").read_text())
    assert report["volume"]["available"] is True
    # figures the page quotes are the run's
    assert "26% of calls (2,835 of 10,830)" in report["volume"]["headline"]
    assert "26% of calls (2,835 of 10,830)" in text
