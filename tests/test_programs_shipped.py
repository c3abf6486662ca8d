"""Every shipped program passes `altresponse check` and applies to every shipped calls set.

The shipped calls sets are the four real ones (Durham sample, Portland, DECC Virginia,
Burlington; ingested once per session by tests/_real_stores.py) and seeded synthetic calls.
The compare page is also opened in headless Chromium at phone and desktop widths.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from altresponse.cli import app
from altresponse.program import load_program

REPO = Path(__file__).resolve().parents[1]
CONFIGS = sorted((REPO / "programs").glob("*.yaml"))


def _kind(path):
    from altresponse.check import detect_kind
    from altresponse.config import read_yaml

    return detect_kind(read_yaml(path)[0], str(path))


# programs/ holds program files and, beside a program, the data files it uses (offense lists)
PROGRAMS = [p for p in CONFIGS if _kind(p) == "program"]
OFFENSE_LISTS = [p for p in CONFIGS if _kind(p) == "offense_lists"]
CHROMIUM = Path("/usr/bin/chromium")
runner = CliRunner()


def test_at_least_six_programs_are_shipped():
    assert len(PROGRAMS) >= 6


@pytest.mark.parametrize("path", PROGRAMS, ids=lambda p: p.stem)
def test_program_passes_check(path):
    result = runner.invoke(app, ["check", str(path), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["valid"] and doc["kind"] == "program"


@pytest.mark.parametrize("path", PROGRAMS, ids=lambda p: p.stem)
def test_program_matches_the_json_schema_and_cites_sources(path):
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((REPO / "docs" / "program.schema.json").read_text(encoding="utf-8"))
    data = json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str))
    jsonschema.validate(data, schema)
    prog = load_program(path)
    assert prog.sources or prog.published, f"{path.name}: no sources"  # every published figure carries its source
    assert prog.city, f"{path.name}: no city (whose beats its beat lists name)"
    # every guess is marked: a file with assumptions says ASSUMPTION in its comments
    assert not prog.assumptions or "ASSUMPTION" in path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def compared(shipped_stores, tmp_path_factory):
    from altresponse.compare import compare, write_compare

    doc = compare(list(shipped_stores.values()), PROGRAMS)
    return doc, write_compare(doc, tmp_path_factory.mktemp("compare_all"))


@pytest.mark.slow
def test_every_program_applies_to_every_store(compared, shipped_stores):
    doc, written = compared
    progs = [load_program(p) for p in PROGRAMS]
    per_program = sum(len(p.responses) + (len(p.responses) > 1) for p in progs)  # responses (+ "any")
    assert len(doc["rows"]) == per_program * len(shipped_stores)
    for r in doc["rows"]:
        assert 0 <= r["eligible_calls"] <= r["calls"]
        assert r["answerable_in_hours"] is None or r["answerable_in_hours"] <= r["eligible_timed"] <= r["eligible_calls"]
    figures = sum(len(p.published) for p in progs)
    assert len(doc["published"]) == figures * len(shipped_stores)
    assert all(Path(p).stat().st_size > 0 for p in [written["html"], written["json"], *written["csv"]])


@pytest.mark.slow
def test_dates_only_store_says_so_and_gives_no_in_hours_figure(compared):
    doc, _ = compared
    portland = next(s for s in doc["stores"] if s["store"] == "portland")
    assert "dates_only" in [c["code"] for c in portland["caveats"]]
    rows = [r for r in doc["rows"] if r["store"] == "portland"]
    assert rows and all(r["answerable_in_hours"] is None and r["answerable_share"] is None for r in rows)
    assert not [h for h in doc["by_hour_of_week"] if h["store"] == "portland"]


@pytest.mark.slow
def test_other_cities_beats_are_not_counted_as_in_area(compared):
    doc, _ = compared
    # Durham HEART judged by its citywide period is citywide everywhere; NYC B-HEARD's latest
    # period is a local area no store names, so its in-area figure is never computed
    bheard = [r for r in doc["rows"] if r["program_id"] == "nyc-bheard"]
    assert bheard and all(r["in_area_and_hours"] is None and "area_unnamed" in r["caveats"] for r in bheard)


@pytest.mark.slow
@pytest.mark.browser
def test_compare_page_renders_at_phone_and_desktop_width(compared):
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    _, written = compared
    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--disable-dev-shm-usage"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=args)
        try:
            for width in (375, 1280):
                page = browser.new_page(viewport={"width": width, "height": 900})
                page.goto(Path(written["html"]).as_uri())
                page.wait_for_function("window.chartsRendered + window.chartErrors.length >= Object.keys(SPECS).length", timeout=90_000)
                assert page.evaluate("window.chartErrors") == []
                assert page.evaluate("window.chartsRendered") == page.evaluate("Object.keys(SPECS).length") > 0
                # nothing wider than the screen: wide tables scroll inside their own box
                assert page.evaluate("document.documentElement.scrollWidth") <= width
                # every chart is drawn at a real width (container-width charts inside the page)
                widths = page.evaluate("Array.from(document.querySelectorAll('div.chart svg')).map(s => s.getBoundingClientRect().width)")
                assert widths and min(widths) > 200
                page.close()
        finally:
            browser.close()
