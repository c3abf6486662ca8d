"""The two pages in Debian's Chromium: sign in, triage a call, see the recommendation; record a follow-up attempt.

Screenshots (1280 px and 375 px) go to test-artifacts/serve/ for a person to look at.
"""

from __future__ import annotations

import datetime as dt
import socket
import threading
import time
from pathlib import Path

import pytest

from conftest import BEATS, PROGRAM, REPO

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-dev-shm-usage"]
ARTIFACTS = REPO / "test-artifacts" / "serve"


@pytest.fixture
def live(migrated, fernet_key):
    """The app on a real loopback port (uvicorn in a thread), with a key per role."""
    import uvicorn

    from altresponse.serve.app import ServeConfig, create_app
    from altresponse.serve.auth import ROLES, create_key
    from altresponse.serve.db import make_engine

    engine = make_engine(migrated)
    keys = {r: create_key(engine, r) for r in ROLES}
    engine.dispose()
    app = create_app(ServeConfig(program=PROGRAM, db_url=migrated, beats=BEATS, as_of=dt.date(2022, 6, 1)))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "server did not start within 30 s"
    try:
        yield f"http://127.0.0.1:{port}", keys
    finally:
        server.should_exit = True
        thread.join(timeout=15)


def _sign_in(page, base, key):
    page.goto(f"{base}/login")
    assert page.evaluate("document.activeElement.id") == "key"  # focus starts in the key field
    page.keyboard.type(key)
    with page.expect_navigation():
        page.keyboard.press("Enter")


@pytest.mark.browser
def test_call_taker_and_navigator_pages(live, request):
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is not installed (apt-get install chromium)")
    import httpx
    from playwright.sync_api import sync_playwright

    base, keys = live
    tag = request.node.callspec.id
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    nav = {"Authorization": f"Bearer {keys['navigator']}"}
    now = dt.datetime.now(dt.UTC)
    for hours_ago, name in ((60, "A. Overdue"), (2, "B. Recent")):
        httpx.post(f"{base}/v1/referrals", headers=nav, json={"encounter_at": (now - dt.timedelta(hours=hours_ago)).isoformat(),
                   "consent": True, "beat": "111", "contact": {"name": name, "phone": "919-555-0100"}}).raise_for_status()
    outside: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        for done, (width, height) in enumerate(((1280, 900), (375, 812))):
            ctx = browser.new_context(viewport={"width": width, "height": height})
            page = ctx.new_page()
            page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(base) else None)
            assert page.goto(f"{base}/call").status == 401  # no key: the sign-in form
            _sign_in(page, base, keys["call_taker"])
            assert page.url.endswith("/call")
            page.select_option("#type_desc", "CRISIS")
            page.select_option("#beat", "111")
            # keyboard only from here: tab to the submit button and press Enter
            page.focus("#narrative")
            page.keyboard.press("Tab")
            assert page.evaluate("document.activeElement.textContent") == "Recommend"
            with page.expect_navigation():
                page.keyboard.press("Enter")
            page.wait_for_selector("#recommended")
            shown = page.inner_text("#recommended")
            decision = page.inner_text("#result").split("decision ")[1].split()[0]
            stored = httpx.get(f"{base}/v1/triage/{decision}", headers={"Authorization": f"Bearer {keys['call_taker']}"}).json()
            assert shown == stored["recommended_name"]
            assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing wider than the screen
            page.screenshot(path=str(ARTIFACTS / f"call-{width}-{tag}.png"), full_page=True)
            ctx.close()

            ctx = browser.new_context(viewport={"width": width, "height": height})
            page = ctx.new_page()
            page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(base) else None)
            _sign_in(page, base, keys["navigator"])
            assert page.url.endswith("/queue")
            cards = page.locator("li.card")
            assert "OVERDUE" in cards.nth(0).inner_text() and "A. Overdue" in cards.nth(0).inner_text()
            assert f"{done} attempt" in cards.nth(0).inner_text()
            button = cards.nth(0).get_by_role("button", name="No answer")
            if width < 600:  # on the phone, by keyboard: focus the button, press Enter
                button.focus()
                with page.expect_navigation():
                    page.keyboard.press("Enter")
            else:
                button.click()  # the attempt, in one click
            page.wait_for_selector("#done")
            assert page.inner_text("#done") == "Attempt saved."
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            page.screenshot(path=str(ARTIFACTS / f"queue-{width}-{tag}.png"), full_page=True)
            ctx.close()
        browser.close()
    got = httpx.get(f"{base}/v1/followups", headers=nav).json()["followups"]
    assert [f["attempts"] for f in got] == [2, 0]  # one attempt per viewport, on the overdue one
    assert outside == []
