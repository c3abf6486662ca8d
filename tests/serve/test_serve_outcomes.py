"""Outcomes: what was sent and, for a care-eligible call without a care team, why — each in the audit log."""

from __future__ import annotations

from sqlalchemy import text

from altresponse.serve.db import make_engine

CALL = {"type_desc": "CRISIS", "location": {"beat": "111"}, "received_at": "2022-07-02T23:00:00-04:00"}


def _decide(service) -> dict:
    res = service.post("/v1/triage", "call_taker", json=CALL)
    assert res.status_code == 201, res.text
    return res.json()


def test_care_eligible_call_without_a_care_team_needs_a_reason(service):
    d = _decide(service)
    url = f"/v1/triage/{d['decision_id']}/outcome"
    missing = service.post(url, "call_taker", json={"sent": "police"})
    assert missing.status_code == 422 and missing.json()["detail"][0]["field"] == "reason"
    other = service.post(url, "call_taker", json={"sent": "police", "reason": "other"})
    assert other.status_code == 422 and other.json()["detail"][0]["field"] == "reason_text"
    ok = service.post(url, "call_taker", json={"sent": "police", "reason": "no_team_available", "backup_requested": False})
    assert ok.status_code == 201 and ok.json()["care_team_sent"] is False


def test_care_team_sent_takes_no_reason(service):
    d = _decide(service)
    url = f"/v1/triage/{d['decision_id']}/outcome"
    assert service.post(url, "call_taker", json={"sent": "co_response", "reason": "other", "reason_text": "x"}).status_code == 422
    later = service.post(url, "call_taker", json={"sent": "co_response", "backup_requested": True,
                                                    "onscene_at": "2022-07-02T23:20:00-04:00"})
    assert later.status_code == 201 and later.json()["care_team_sent"] is True


def test_unknown_decision_is_404_naming_it(service):
    res = service.post("/v1/triage/nope/outcome", "call_taker", json={"sent": "police", "reason": "out_of_hours"})
    assert res.status_code == 404 and res.json()["detail"][0]["field"] == "decision_id"


def test_every_decision_and_outcome_is_in_the_audit_log(service):
    d = _decide(service)
    service.post(f"/v1/triage/{d['decision_id']}/outcome", "call_taker", json={"sent": "police", "reason": "out_of_hours"})
    engine = make_engine(service.url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT action, key_id, role, program_version FROM audit WHERE entity_id = :i ORDER BY seq"),
                            {"i": d["decision_id"]}).all()
    engine.dispose()
    key_id = service.keys["call_taker"].split("_")[1]
    assert [tuple(r) for r in rows] == [("triage", key_id, "call_taker", "2023.10"), ("outcome", key_id, "call_taker", "2023.10")]
    again = service.get(f"/v1/triage/{d['decision_id']}", "analyst")
    assert again.status_code == 200 and again.json()["decision_id"] == d["decision_id"]


def test_free_text_is_not_in_the_audit_log(service):
    secret = "caller Jane Roe at 4471 Elm"
    res = service.post("/v1/triage", "call_taker", json={**CALL, "narrative": secret})
    assert res.status_code == 201
    engine = make_engine(service.url)
    with engine.connect() as conn:
        dumped = " ".join(str(v) for r in conn.execute(text("SELECT * FROM audit")).all() for v in r)
        dumped += " ".join(str(v) for r in conn.execute(text("SELECT * FROM decisions")).all() for v in r)
    engine.dispose()
    assert "Jane Roe" not in dumped and "narrative_given" in dumped
