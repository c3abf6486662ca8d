"""Fuzz every operation in /openapi.json with schemathesis: never a 500, only documented status codes.

Bounded: a fixed number of examples per operation, derandomized (the same examples every run).
Each operation runs as the admin key (allowed everywhere), so the fuzz reaches the handlers.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance, status_code_conformance

EXAMPLES = 15
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def test_every_operation_never_errors_and_keeps_its_contract(service):
    schema = schemathesis.openapi.from_asgi("/openapi.json", service.client.app)
    headers = service.as_("admin")
    seen = []
    for result in schema.get_all_operations():
        op = result.ok()
        seen.append(f"{op.method.upper()} {op.path}")

        @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=op.as_strategy())
        def run(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        run()
    assert "POST /v1/triage" in seen and "PATCH /v1/followups/{followup_id}" in seen and len(seen) >= 11


def test_valid_calls_always_get_a_full_recommendation(service):
    """Random fuzz rarely names a real call type; here every body is valid, so each reaches the rules."""
    import datetime as dt

    from hypothesis import strategies as st

    triage = service.client.app.state.triage
    types = sorted(triage.typemap.exact)
    beats = sorted(triage._beat_ids)
    x0, y0, x1, y1 = triage._bounds
    when = st.datetimes(min_value=dt.datetime(2021, 1, 1), max_value=dt.datetime(2026, 12, 31),
                        timezones=st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=-4)), dt.timezone(dt.timedelta(hours=5, minutes=30))]))
    location = st.one_of(
        st.builds(lambda b: {"beat": b}, st.sampled_from(beats)),
        st.builds(lambda x, y: {"longitude": x, "latitude": y}, st.floats(x0, x1), st.floats(y0, y1)),
        st.builds(lambda a: {"address": a}, st.text(max_size=50)),
        st.just({}),
    )
    answers = st.fixed_dictionaries({}, optional={k: st.booleans() for k in ("weapon", "violence", "injury", "intoxication", "suicidal")})
    body = st.fixed_dictionaries(
        {"type_desc": st.sampled_from(types)},
        optional={"priority": st.integers(1, 5), "location": location, "answers": answers,
                  "received_at": when.map(lambda t: t.isoformat()), "narrative": st.text(max_size=200)},
    )

    @settings(max_examples=60, derandomize=True, database=None, deadline=None, suppress_health_check=list(HealthCheck))
    @given(body)
    def run(b):
        res = service.post("/v1/triage", "call_taker", json=b)
        assert res.status_code == 201, (b, res.text)
        doc = res.json()
        assert doc["recommended_response"] and doc["recommended_rule"] and doc["risk"]["level"] in ("low", "elevated", "high")
        assert len(doc["responses"]) == len(triage.tree.responses)

    run()
