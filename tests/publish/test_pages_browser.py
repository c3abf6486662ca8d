"""Both pages in headless Chromium (Debian's, never a downloaded one), at a phone's and a
laptop's width: no console error, no network request, every chart drawn, nothing wider than
the viewport with every table open, no serious or critical axe-core violation, and the site's
CSV download works. Screenshots go to tests/artifacts/ for a person to look at.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from _browser import CHROMIUM, axe, launch, open_page, page_width, screenshot
from paths import REPO, SAMPLES

pytestmark = pytest.mark.browser

PROGRAM = REPO / "programs" / "durham-heart.yaml"
DURHAM = SAMPLES / "durham"
BEATS = DURHAM / "durham_police_beats_dissolved.geojson"


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """The analyst report and the public site, both from the bundled Durham sample."""
    from _shared_builds import durham_sample_report, shared

    from altresponse.ingest import ingest
    from altresponse.publish.site import build_site
    from altresponse.report import load_inputs

    root = tmp_path_factory.mktemp("pages")
    when = dt.date(2022, 6, 1)
    # the Durham sample's store and report, built once per run (test_report_fixes.py reads the same)
    durham = shared(tmp_path_factory, "durham_sample_report", durham_sample_report)
    report = durham["html"]
    classified, _force, program = load_inputs(durham["store"], PROGRAM, as_of=when)
    site = build_site(classified, program, root / "site", beats_geojson=BEATS)["html"]
    # the synthetic city with the service's records injected (the frames test_site.py scripts)
    from test_site import _followups, _outcomes

    from altresponse.synth import write_synthetic_calls

    write_synthetic_calls(root / "synth.csv", 2500, seed=3, start="2023-11-01")
    ingest([root / "synth.csv"], "synth", root / "synth_store")
    synth, _, _ = load_inputs(root / "synth_store", PROGRAM, as_of=when)
    evaluation = {"headline": {"outcome": "police use of force", "estimator": "staggered difference-in-differences",
                               "relative_effect": -0.12, "ci_low": -0.30, "ci_high": 0.05, "interval": "95%", "sentence": ""}}
    from altresponse.synth import default_beats_path

    service = build_site(synth, program, root / "service_site", outcomes=_outcomes(), followups=_followups(),
                         evaluation=evaluation, beats_geojson=default_beats_path())["html"]
    # the synthetic city with a real service database filled through the API, built by the CLI
    from test_site_with_service_db import build

    db_site = shared(tmp_path_factory, "service_db_site", build)["site"] / "index.html"  # built once per run
    return {"report": Path(report), "site": Path(site), "service_site": Path(service), "db_site": db_site}


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("/usr/bin/chromium is not installed (apt-get install chromium; .ci/run does)")
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


@pytest.mark.parametrize("name", ["report", "site", "service_site", "db_site"])
@pytest.mark.parametrize("width", [375, 1280])
def test_page_loads_offline_draws_every_chart_and_fits(pages, browser, name, width):
    page, errors, outside = open_page(browser, pages[name], width)
    n = page.evaluate("Object.keys(SPECS).length")
    assert n >= {"report": 10, "site": 3, "service_site": 3, "db_site": 3}[name]
    assert page.evaluate("window.chartErrors") == []
    assert page.evaluate("window.chartsRendered") == n
    assert page.locator("div.chart svg").count() == n
    screenshot(page, f"{name}-{width}.png")
    assert page_width(page) <= width  # every table open
    screenshot(page, f"{name}-{width}-tables-open.png")
    assert errors == []
    assert outside == []
    page.context.close()


@pytest.mark.parametrize("name", ["report", "site", "service_site", "db_site"])
def test_no_serious_or_critical_accessibility_violation(pages, browser, name):
    page, _, _ = open_page(browser, pages[name], 1280)
    page_width(page)  # open the tables too
    assert axe(page) == []
    page.context.close()


def test_site_csv_download(pages, browser):
    page, _, _ = open_page(browser, pages["site"], 1280, accept_downloads=True)
    link = page.locator("a.csv").first
    with page.expect_download() as info:
        link.click()
    path = info.value.path()
    text = open(path).read()
    assert text.splitlines()[0].startswith(("month,", "quarter,", "beat,"))
    assert "Total" in text
    page.context.close()
