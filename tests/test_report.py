"""The report: JSON keys and numbers, CSVs, offline HTML, the CLI, and a headless-browser check."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "analyze"))
from analyze_fixtures import make_classified  # noqa: E402

from altresponse.analyze import SECTIONS  # noqa: E402
from altresponse.report import build_sections, write_report  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
BEATS = "durham/durham_police_beats_dissolved.geojson"


def fixture_table():
    rows = []
    for i in range(40):
        rows.append(dict(
            received_local=f"2021-{1 + i % 4:02d}-{1 + i % 27:02d} {(6 + 3 * i) % 24:02d}:10:00",
            dispatched_after=60 + i * 7, onscene_after=400 + i * 11, cleared_after=2400 + i * 13,
            units=1 + i % 2, priority=1 + i % 3, agency="POLICE",
            eligible=i % 3 == 0, eligible_crt=i % 3 == 0, in_area_crt=i % 2 == 0, in_hours_crt=True,
            canonical_type=["WELFARE", "TRESPASS", "THEFT", "ASSAULT"][i % 4],
            category=["welfare", "trespass", "property_crime", "violent_crime"][i % 4],
            recommended_response="crt" if i % 3 == 0 else "police",
            risk_level=["low", "elevated", "high"][i % 3], risk_rule=f"rule{i % 3}",
            beat=["111", "112", "113", "213", "223"][i % 5], district=["D1", "D1", "D1", "D2", "D2"][i % 5],
            location_text=f"{100 * (i % 6)} BLOCK MAIN ST", channel=["911", "phone", "self_initiated"][i % 3],
        ))
    return make_classified(rows)


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory, real_dir):
    """The report of a 40-call fixture, written once through the CLI (as a user runs it)."""
    from typer.testing import CliRunner

    from altresponse.cli import app
    from altresponse.program import load_program

    tmp = tmp_path_factory.mktemp("report")
    program = REPO / "programs" / "durham-heart.yaml"
    store = tmp / "store"
    (store / "classified").mkdir(parents=True)
    fixture_table().to_parquet(store / "classified" / f"{load_program(program).id}.parquet")
    out = tmp / "out"
    result = CliRunner().invoke(app, ["report", "--store", str(store), "--program", str(program), "--out", str(out),
                                      "--beats", str(real_dir / BEATS), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    return out, doc


def test_json_has_one_key_per_section_and_marks_unavailable(report_dir):
    out, doc = report_dir
    assert json.loads((out / "report.json").read_text()) == doc
    for key in SECTIONS:
        assert key in doc
    assert doc["confidential"] is True
    assert doc["use_of_force"]["available"] is False and "force" in doc["use_of_force"]["why"]
    assert doc["volume"]["numbers"]["calls"] == 40
    assert doc["volume"]["numbers"]["eligible_calls"] == 14
    assert len(doc["location"]["tables"]["by_beat"]) == 5
    # computed here from the fixture with pandas: received -> on scene, every call has both
    frame = fixture_table().to_pandas()
    expected = (frame.onscene_at - frame.received_at).dt.total_seconds().median()
    assert doc["response_time"]["numbers"]["response_median_seconds"] == pytest.approx(expected)


def test_a_csv_per_table(report_dir):
    out, doc = report_dir
    assert doc["planning"]["available"] is True  # report/planning.py composes plan and simulate
    expected = {f"{k}__{t}.csv" for k in (*SECTIONS, "planning") for t in doc[k].get("tables", {})}
    assert {p.name for p in out.glob("*.csv")} == expected
    for name in expected:
        assert (out / name).stat().st_size > 0


def test_html_is_self_contained_and_leads_with_the_answer(report_dir):
    import html as h

    out, doc = report_dir
    text = (out / "report.html").read_text()
    assert "CONFIDENTIAL" in text
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=[\"']https?:", text)  # no CDN
    assert "window.vegaEmbed" in text  # the JS is inlined
    body = text.split("</head>", 1)[1]
    for key in SECTIONS:
        sec = doc[key]
        block = body.split(f'<section id="{key}">', 1)[1].split("</section>", 1)[0]
        if sec["available"]:
            assert h.escape(sec["headline"]) in block
            # the answer, then the chart, then the tables
            first_chart = block.find('class="chart"')
            assert block.find('class="headline"') < first_chart < block.find("<details>")
        else:
            assert "Not available for this data" in block
    assert "Eligible calls per beat (map)" in text


def test_headline_numbers_are_in_the_json(report_dir):
    _, doc = report_dir
    vol = doc["volume"]
    n = vol["numbers"]
    assert f"{round(n['share_eligible'] * 100)}% of calls ({n['eligible_calls']:,} of {n['calls']:,})" in vol["headline"]


def test_planning_hook_adds_a_section(tmp_path):
    from altresponse.analyze._common import section

    planning = section("Two teams cover 70% of eligible calls.", numbers={"teams": 2})
    t = make_classified([dict(received_local="2021-01-01 10:00", eligible=True, beat="111")])
    sections = build_sections(t, planning=planning)
    written = write_report(sections, tmp_path)
    doc = json.loads(Path(written["json"]).read_text())
    assert doc["planning"]["numbers"] == {"teams": 2}
    assert 'id="planning"' in Path(written["html"]).read_text()


def test_cli_missing_store_is_a_one_line_error(tmp_path):
    from typer.testing import CliRunner

    from altresponse.cli import app

    result = CliRunner().invoke(app, ["report", "--store", str(tmp_path / "nope"), "--program", str(REPO / "programs" / "durham-heart.yaml"),
                                      "--out", str(tmp_path / "out")])
    assert result.exit_code == 3
    assert "store directory not found" in result.output


@pytest.mark.browser
def test_report_renders_in_headless_chromium(report_dir):
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is not installed (apt-get install chromium)")
    playwright = pytest.importorskip("playwright.sync_api")
    out, _ = report_dir
    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--disable-dev-shm-usage"]
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=args)
        page = browser.new_page()
        errors, outside = [], []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("request", lambda r: outside.append(r.url) if r.url.startswith(("http:", "https:")) else None)
        page.goto((out / "report.html").as_uri())
        page.wait_for_function("window.chartsRendered + window.chartErrors.length === Object.keys(SPECS).length", timeout=30_000)
        n_specs = page.evaluate("Object.keys(SPECS).length")
        assert n_specs >= 10
        assert page.evaluate("window.chartErrors") == []
        assert page.evaluate("window.chartsRendered") == n_specs
        # every chart container holds a drawn svg with marks
        assert page.locator("div.chart svg").count() == n_specs
        assert page.locator("div.chart svg path, div.chart svg rect").count() > n_specs
        browser.close()
    assert errors == []
    assert outside == []


def test_page_and_json_name_the_program_period_and_date(report_dir):
    # No --as-of: the CLI (only the CLI) defaults the date to today, and the page always says so.
    import datetime as dt

    out, doc = report_dir
    today = dt.date.today().isoformat()
    assert f"Program period: crt period citywide (2023-10-23..) on {today}" in (out / "report.html").read_text()
    assert doc["planning"]["numbers"]["as_of"] == today
    assert doc["planning"]["numbers"]["program_period"] == f"crt period citywide (2023-10-23..) on {today}"
