"""Both pages in headless Chromium (Debian's, never a downloaded one), at a phone's and a
laptop's width: no console error, no network request, every chart drawn, nothing wider than
the viewport with every table open, no serious or critical axe-core violation, and the site's
CSV download works. Screenshots go to tests/artifacts/ for a person to look at.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from _browser import CHROMIUM, axe, launch, open_page, page_width, screenshot

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """The analyst report and the public sites, each built once per run by the module that checks its figures."""
    from _shared_builds import durham_sample_report, durham_sample_site, shared
    from test_site import synthetic_service_site
    from test_site_with_service_db import build

    # the Durham sample's report (test_report_fixes.py reads it) and public site (test_site.py scans it)
    report = durham_sample_report(tmp_path_factory)["html"]
    site = durham_sample_site(tmp_path_factory)["site"] / "index.html"
    # the synthetic city with the service's records injected (the frames test_site.py scripts)
    service = shared(tmp_path_factory, "synthetic_service_site", synthetic_service_site)["site"] / "index.html"
    # the synthetic city with a real service database filled through the API, built by the CLI
    db_site = shared(tmp_path_factory, "service_db_site", build)["site"] / "index.html"
    return {"report": Path(report), "site": site, "service_site": service, "db_site": db_site}


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
