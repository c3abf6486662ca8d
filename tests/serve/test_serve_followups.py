"""Care Navigation: referrals, the queue (overdue first), attempts with optimistic concurrency, encryption at rest."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

CONTACT = {"name": "Jane Q Roe", "phone": "919-555-0142", "address": "4471 Elmhurst Ridge Ct"}


def _refer(service, hours_ago: float, **extra) -> dict:
    at = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=hours_ago)).isoformat()
    res = service.post("/v1/referrals", "navigator", json={"encounter_at": at, "consent": True, "contact": CONTACT, **extra})
    assert res.status_code == 201, res.text
    return res.json()


def test_referral_is_due_48h_after_the_encounter(service):
    f = _refer(service, 0)
    due = dt.datetime.fromisoformat(f["due_at"]) - dt.datetime.fromisoformat(f["encounter_at"])
    assert due == dt.timedelta(hours=48) and f["status"] == "open" and f["version"] == 1


def test_queue_is_ordered_by_due_time_overdue_first(service):
    fresh, old, mid = _refer(service, 1), _refer(service, 60), _refer(service, 30)
    q = service.get("/v1/followups", "navigator", params={"status": "open"}).json()["followups"]
    assert [f["id"] for f in q] == [old["id"], mid["id"], fresh["id"]]
    assert [f["overdue"] for f in q] == [True, False, False]
    assert q[0]["contact"] == CONTACT  # the navigator sees the contact details
    cutoff = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=20)).isoformat()
    soon = service.get("/v1/followups", "navigator", params={"due_before": cutoff}).json()["followups"]
    assert [f["id"] for f in soon] == [old["id"], mid["id"]]


def test_naive_due_before_is_refused(service):
    res = service.get("/v1/followups", "navigator", params={"due_before": "2024-01-01T00:00:00"})
    assert res.status_code == 422 and res.json()["detail"][0]["field"] == "due_before"


def test_stale_patch_is_409_and_does_not_overwrite(service):
    f = _refer(service, 2)
    url = f"/v1/followups/{f['id']}"
    first = service.patch(url, "navigator", json={"version": 1, "attempt": {"result": "no_answer"}})
    assert first.status_code == 200 and first.json()["version"] == 2 and first.json()["attempts"] == 1
    stale = service.patch(url, "navigator", json={"version": 1, "outcome": "declined"})
    assert stale.status_code == 409 and stale.json()["current"]["version"] == 2
    now = service.get(url, "navigator").json()
    assert now["status"] == "open" and now["outcome"] is None and now["attempts"] == 1
    done = service.patch(url, "navigator", json={"version": 2, "attempt": {"result": "reached"}, "outcome": "connected",
                                                  "services": "mobile crisis clinic"})
    assert done.status_code == 200 and done.json()["status"] == "closed" and done.json()["first_contact_at"] is not None


def test_patch_needs_a_change_and_services_go_with_connected(service):
    f = _refer(service, 2)
    url = f"/v1/followups/{f['id']}"
    assert service.patch(url, "navigator", json={"version": 1}).json()["detail"][0]["field"] == "attempt"
    bad = service.patch(url, "navigator", json={"version": 1, "outcome": "declined", "services": "x"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "services"
    assert service.patch("/v1/followups/nope", "navigator", json={"version": 1, "outcome": "declined"}).status_code == 404


def test_referral_to_an_unknown_decision_names_it(service):
    res = service.post("/v1/referrals", "navigator", json={"decision_id": "nope", "consent": True})
    assert res.status_code == 422 and res.json()["detail"][0]["field"] == "decision_id"


def test_contact_details_never_reach_the_database_in_plain_text(service, tmp_path):
    f = _refer(service, 1)
    service.patch(f"/v1/followups/{f['id']}", "navigator", json={"version": 1, "attempt": {"result": "reached"}})
    raw = _raw_database(service.url, tmp_path)
    assert f["id"].encode() in raw  # the follow-up row really is in what we read
    for value in CONTACT.values():
        for form in {value, value.upper(), value.replace("-", "")}:
            assert form.encode() not in raw, f"{form!r} found in the raw database"
    assert b"gAAAAA" in raw  # Fernet tokens are there instead


def _raw_database(url: str, tmp_path: Path) -> bytes:
    """Every byte of the SQLite files (db + WAL), or a plain pg_dump of the PostgreSQL database."""
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        return b"".join(Path(u.database + suffix).read_bytes() for suffix in ("", "-wal") if Path(u.database + suffix).exists())
    pg_dump = shutil.which("pg_dump") or "/usr/lib/postgresql/15/bin/pg_dump"
    if not Path(pg_dump).exists():
        pytest.fail("pg_dump not found: install postgresql (see .ci/run)")
    out = subprocess.run([pg_dump, "-h", u.host, "-p", str(u.port), "-U", u.username, "--data-only", u.database],
                         capture_output=True, check=True, timeout=60)
    return out.stdout


def test_two_navigators_racing_one_wins_one_gets_409(service):
    from concurrent.futures import ThreadPoolExecutor

    f = _refer(service, 2)
    url = f"/v1/followups/{f['id']}"
    bodies = [{"version": 1, "outcome": "declined"}, {"version": 1, "outcome": "unreachable"}] * 4
    with ThreadPoolExecutor(8) as pool:
        codes = sorted(pool.map(lambda b: service.patch(url, "navigator", json=b).status_code, bodies))
    assert codes == [200] + [409] * 7


def test_contact_details_are_never_logged(service, caplog):
    import logging

    caplog.set_level(logging.DEBUG)
    f = _refer(service, 1)
    service.patch(f"/v1/followups/{f['id']}", "navigator", json={"version": 1, "attempt": {"result": "reached"}})
    service.get("/v1/followups", "navigator")
    service.post("/v1/triage", "call_taker", json={"type_desc": "CRISIS", "narrative": CONTACT["name"]})
    assert all(v not in caplog.text for v in CONTACT.values())


def test_times_with_other_offsets_are_stored_as_utc(service):
    # 20:00 at -04:00 is 00:00 UTC the next day: later than 22:00 UTC the same day
    ny = service.post("/v1/referrals", "navigator", json={"encounter_at": "2024-06-04T20:00:00-04:00", "consent": True}).json()
    utc = service.post("/v1/referrals", "navigator", json={"encounter_at": "2024-06-04T22:00:00+00:00", "consent": True}).json()
    q = service.get("/v1/followups", "navigator", params={"due_before": "2024-06-06T23:00:00-00:00"}).json()["followups"]
    assert [f["id"] for f in q] == [utc["id"]]  # the New York one is due 2024-06-07 00:00 UTC
    got = service.get(f"/v1/followups/{ny['id']}", "navigator").json()
    assert dt.datetime.fromisoformat(got["due_at"]) == dt.datetime(2024, 6, 7, 0, 0, tzinfo=dt.UTC)
