"""Headless Chromium for the page tests: Debian's /usr/bin/chromium, never a downloaded one.

``open_page`` loads a file page at a viewport width and records console errors and every
request that is not the page's own files; ``page_width`` opens every table first; ``axe``
runs the vendored axe-core (tests/vendor/axe) and returns serious and critical violations.
"""

from __future__ import annotations

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-dev-shm-usage"]
AXE = Path(__file__).parent / "vendor" / "axe" / "axe.min.js"
ARTIFACTS = Path(__file__).parent / "artifacts"


def launch(p):
    return p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)


def open_page(browser, path: Path, width: int, *, accept_downloads: bool = False):
    """(page, console errors, outside requests) with every chart drawn (or failed)."""
    context = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=accept_downloads)
    page = context.new_page()
    errors, outside = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(("file:", "data:", "blob:", "about:")) else None)
    page.goto(path.as_uri())
    page.wait_for_function("window.chartsRendered + window.chartErrors.length === Object.keys(SPECS).length", timeout=60_000)
    return page, errors, outside


def page_width(page) -> int:
    """The page's scroll width with every table (details) open."""
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    page.wait_for_timeout(200)
    return int(page.evaluate("document.documentElement.scrollWidth"))


def axe(page) -> list[dict]:
    """Serious and critical axe-core violations (id, impact, help, first targets)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "targets": [n["target"] for n in v["nodes"][:3]]}
        for v in result["violations"] if v["impact"] in ("serious", "critical")
    ]


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    out = ARTIFACTS / name
    page.screenshot(path=str(out), full_page=True)
    return out
