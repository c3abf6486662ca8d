"""The lean path for POST /v1/triage answers exactly as the FastAPI route does, and only when it should.

Two apps on one database: the service as shipped (lean path in front) and the same service with
``lean_triage=False`` (the route declared in FastAPI alone, which is the documented contract).
The same requests go to both; status, body (without the decision id and time) and the headers a
client reads must be identical, for a good request and every kind of error. A second test drives
:class:`LeanTriage` alone to show which requests it answers itself and that it hands the others
on with their body intact.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import _service

OK = {"type_desc": "CRISIS", "priority": 3, "location": {"beat": "111"}, "received_at": "2024-06-04T10:30:00-04:00",
      "answers": {"weapon": False}, "narrative": "caller is calm"}
HEADERS = ("content-type", "www-authenticate")


@pytest.fixture
def both(migrated, fernet_key):
    with _service(migrated) as lean, _service(migrated, lean_triage=False) as plain:
        yield lean, plain


def _answer(res) -> tuple:
    try:
        body = res.json()
    except ValueError:
        body = res.text
    if res.status_code == 201:
        assert body.pop("decision_id") and body.pop("recorded_at")
    assert int(res.headers["content-length"]) == len(res.content)
    return res.status_code, body, {h: res.headers.get(h) for h in HEADERS}


def _post(s, role: str | None, content: bytes, content_type: str | None = "application/json"):
    headers = {} if role is None else dict(s.as_(role))
    if content_type is not None:
        headers["content-type"] = content_type
    return s.client.post("/v1/triage", content=content, headers=headers)


CASES = {
    "good request": ("call_taker", json.dumps(OK).encode(), "application/json"),
    "good request, charset": ("call_taker", json.dumps(OK).encode(), "application/json; charset=utf-8"),
    "admin may triage": ("admin", json.dumps(OK).encode(), "application/json"),
    "bad field (type)": ("call_taker", json.dumps({**OK, "priority": "high"}).encode(), "application/json"),
    "bad field (range)": ("call_taker", json.dumps({**OK, "priority": 9}).encode(), "application/json"),
    "bad field (unknown type code)": ("call_taker", json.dumps({**OK, "type_desc": "NO SUCH NATURE"}).encode(), "application/json"),
    "bad field (beat)": ("call_taker", json.dumps({**OK, "location": {"beat": "999"}}).encode(), "application/json"),
    "unknown field": ("call_taker", json.dumps({**OK, "colour": "red"}).encode(), "application/json"),
    "time without zone": ("call_taker", json.dumps({**OK, "received_at": "2024-06-04T10:30:00"}).encode(), "application/json"),
    "missing key": (None, json.dumps(OK).encode(), "application/json"),
    "wrong role": ("navigator", json.dumps(OK).encode(), "application/json"),
    "malformed JSON": ("call_taker", b'{"type_desc": "CRISIS",', "application/json"),
    "malformed JSON, no key": (None, b'{"type_desc": "CRISIS",', "application/json"),
    "empty body": ("call_taker", b"", "application/json"),
    "a list, not an object": ("call_taker", b"[1, 2]", "application/json"),
    "no content type": ("call_taker", json.dumps(OK).encode(), None),
    "text content type": ("call_taker", json.dumps(OK).encode(), "text/plain"),
    "+json content type": ("call_taker", json.dumps(OK).encode(), "application/vnd.api+json"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_lean_path_answers_as_the_documented_route(both, case):
    lean, plain = both
    role, content, ctype = CASES[case]
    got, want = _answer(_post(lean, role, content, ctype)), _answer(_post(plain, role, content, ctype))
    assert got == want
    status, body, headers = got
    if case.startswith(("good", "admin")):  # the expected answers, so the comparison is not of two wrongs
        assert status == 201 and headers["content-type"] == "application/json" and body["recommended_response"]
    elif case == "missing key":
        assert status == 401 and headers["www-authenticate"] == "Bearer"
    elif case == "wrong role":
        assert status == 403 and "call_taker" in body["detail"][0]["message"]
    elif case.startswith("malformed"):
        assert status == 422 and [d["field"] for d in body["detail"]] == ["body"]
    elif case.startswith("bad field"):
        assert status == 422 and body["detail"][0]["field"] in ("priority", "type_desc", "location.beat")


def test_lean_answer_is_what_the_audit_log_keeps(both):
    lean, _ = both
    res = _post(lean, "call_taker", json.dumps(OK).encode())
    assert res.status_code == 201
    doc = res.json()
    assert lean.get(f"/v1/triage/{doc['decision_id']}", "call_taker").json() == doc


def test_lean_layer_answers_only_good_requests_and_replays_the_rest(service):
    """Drive LeanTriage alone: a good request never reaches FastAPI; every other one reaches it with its body."""
    import asyncio

    from altresponse.serve.lean import LeanTriage

    app = service.client.app
    reached = []

    async def downstream(scope, receive, send):
        msg = await receive()
        reached.append(msg["body"])
        await send({"type": "http.response.start", "status": 599, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    def call(role, body, ctype=b"application/json", path="/v1/triage", method="POST"):
        headers = [(b"content-type", ctype)] if ctype else []
        if role:
            headers.append((b"authorization", f"Bearer {service.keys[role]}".encode()))
        scope = {"type": "http", "method": method, "path": path, "root_path": "", "headers": headers,
                 "query_string": b"", "app": app}
        parts = [body[:5], body[5:]]  # in two chunks, as a client may send it
        sent = []

        async def receive():
            return {"type": "http.request", "body": parts.pop(0), "more_body": bool(parts)}

        async def send(msg):
            sent.append(msg)

        asyncio.run(LeanTriage(downstream)(scope, receive, send))
        return sent[0]["status"]

    good = json.dumps(OK).encode()
    assert call("call_taker", good) == 201 and reached == []
    handed = [(None, good), ("navigator", good), ("call_taker", b'{"type_desc": "CRISIS",'),
              ("call_taker", json.dumps({**OK, "priority": 9}).encode()),
              ("call_taker", json.dumps({**OK, "type_desc": "NO SUCH NATURE"}).encode())]
    for role, body in handed:
        assert call(role, body) == 599
        assert reached.pop() == body
    assert call("call_taker", good, ctype=b"text/plain") == 599 and reached.pop() == good[:5]  # not read: FastAPI reads it
    assert call("call_taker", good, path="/v1/triage/x/outcome") == 599


_value = st.one_of(st.none(), st.booleans(), st.integers(-10, 10), st.floats(allow_nan=True, allow_infinity=True),
                   st.text(max_size=12), st.sampled_from(["CRISIS", "111", "2024-06-04T10:30:00-04:00", "2024-06-04T10:30:00", "3", "true"]))
_fields = {"type_desc": st.one_of(_value, st.sampled_from(["CRISIS", "TRESPASS OR UNWANTED", "SUSPICIOUS PERSON"])),
           "type_code": _value, "priority": _value, "received_at": _value, "narrative": _value, "call_id": _value,
           "location": st.one_of(_value, st.fixed_dictionaries({}, optional={"beat": _value, "latitude": _value, "longitude": _value, "address": _value})),
           "answers": st.one_of(_value, st.fixed_dictionaries({}, optional={k: _value for k in ("weapon", "violence", "injury", "intoxication", "suicidal")}))}


def test_lean_and_route_agree_on_random_bodies(both):
    """Near-valid bodies (right names, any JSON values, sometimes an extra field): same status and body."""
    lean, plain = both
    body = st.fixed_dictionaries({}, optional={**_fields, "extra": _value})
    agreed = []

    @settings(max_examples=80, derandomize=True, database=None, deadline=None, suppress_health_check=list(HealthCheck))
    @given(body)
    def run(b):
        if b.get("received_at") is None:  # "now" would differ between the two requests
            b["received_at"] = OK["received_at"]
        content = json.dumps(b).encode()  # NaN and Infinity as Python writes them: both parsers must agree on those too
        got, want = _answer(_post(lean, "call_taker", content)), _answer(_post(plain, "call_taker", content))
        assert got == want, b
        agreed.append(got[0])

    run()
    assert 201 in agreed and 422 in agreed  # the examples reach both the answer and the errors
