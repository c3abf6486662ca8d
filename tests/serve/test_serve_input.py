"""Bad input gets a 4xx naming the field, never a 500."""

from __future__ import annotations

import pytest

OK = {"type_desc": "CRISIS", "location": {"beat": "111"}, "received_at": "2024-06-04T10:30:00-04:00"}


def _fields(res):
    return [d["field"] for d in res.json()["detail"]]


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({**OK, "type_desc": "NO SUCH NATURE"}, 422, "type_desc"),
        ({**OK, "type_desc": None, "type_code": "ZZZ"}, 422, "type_code"),
        ({**OK, "type_desc": None}, 422, "type_code"),
        ({**OK, "location": {"latitude": 40.7, "longitude": -74.0}}, 422, "location.latitude"),
        ({**OK, "location": {"latitude": 35.99}}, 422, "location.longitude"),
        ({**OK, "location": {"beat": "999"}}, 422, "location.beat"),
        ({**OK, "received_at": "2024-06-04T10:30:00"}, 422, "received_at"),
        ({**OK, "priority": "high"}, 422, "priority"),
        ({**OK, "priority": 9}, 422, "priority"),
        ({**OK, "colour": "red"}, 422, "colour"),
        ({**OK, "answers": {"weapon": "maybe"}}, 422, "answers.weapon"),
        ({**OK, "location": {"beat": "111", "floor": 2}}, 422, "location.floor"),
    ],
)
def test_bad_triage_input_names_the_field(service, body, status, field):
    res = service.post("/v1/triage", "call_taker", json=body)
    assert res.status_code == status, res.text
    assert field in _fields(res), res.text


def test_malformed_json_is_422_on_body(service):
    res = service.client.post("/v1/triage", content=b'{"type_desc": "CRISIS",', headers={**service.as_("call_taker"), "content-type": "application/json"})
    assert res.status_code == 422 and _fields(res) == ["body"]


def test_body_over_64kb_is_413(service):
    big = {**OK, "narrative": "x" * 70_000}
    res = service.post("/v1/triage", "call_taker", json=big)
    assert res.status_code == 413 and _fields(res) == ["body"]


def test_coordinates_give_the_beat(service):
    # a point inside beat 111's polygon (the bundled dissolved beats)
    res = service.post("/v1/triage", "call_taker", json={**OK, "location": {"latitude": 35.9934, "longitude": -78.9012}})
    assert res.status_code == 201, res.text
    call = res.json()["call"]
    assert call["beat_from"] == "coordinates" and call["beat"] is not None


def test_a_yes_to_weapon_reaches_the_rules(service):
    res = service.post("/v1/triage", "call_taker", json={**OK, "answers": {"weapon": True}}).json()
    crt = next(r for r in res["responses"] if r["id"] == "crt")
    assert res["risk"] == {"level": "high", "rule": "risk.weapon_words"}
    assert crt["eligible"] is False and crt["eligible_rule"] == "crt.weapon"


def test_fallback_says_why(service):
    # Saturday night, pilot beat: the Community Response Team is out of hours (pilot weekdays 9-5)
    night = {**OK, "received_at": "2022-07-02T23:00:00-04:00"}
    doc = service.post("/v1/triage", "call_taker", json=night).json()
    assert doc["fallback"]["from"] == "crt" and "outside its hours" in doc["fallback"]["why"]
    assert doc["recommended_response"] != "crt"


def test_chunked_body_over_64kb_is_413(service):
    # no Content-Length: the limit is enforced while the body streams in
    chunks = iter([b'{"type_desc": "' + b"x" * 40_000, b"x" * 40_000 + b'"}'])
    res = service.client.post("/v1/triage", content=chunks, headers={**service.as_("call_taker"), "content-type": "application/json"})
    assert res.status_code == 413 and _fields(res) == ["body"]
