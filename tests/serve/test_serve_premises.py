"""Premise history: the service counts prior violent calls at a place as classify does, and reloads on request.

A small store written here: three SHOTS FIRED calls at one block in March 2021, then a CRISIS call
there in June (the probe). classify over that store and the API (given the same store) must give
the probe the same premise count and labels; a call 400 days later sees none.
"""

from __future__ import annotations

import datetime as dt

from altresponse import store
from altresponse.classify import classify

from conftest import PROGRAM

HEADER = "Call Date,Call Time,Priority,Nature,Beat,Longitude,Latitude\n"
PLACE = ("111", "-78.9012", "35.9934")


def _csv(path, rows):
    path.write_text(HEADER + "".join(f"{d},{t},{p},{n},{b},{x},{y}\n" for d, t, p, n, (b, x, y) in rows))
    return path


def _ingest(csv, st):
    from altresponse.ingest import ingest

    return ingest(csv, "durham", st)


VIOLENT = [("3/1/2021", "10:00:00AM", "2", "SHOTS FIRED", PLACE), ("3/2/2021", "11:00:00AM", "2", "SHOTS FIRED", PLACE),
           ("3/3/2021", "12:00:00PM", "2", "SHOTS FIRED", PLACE)]
PROBE = ("6/1/2021", "10:30:00AM", "3", "CRISIS", PLACE)


def _probe_request(when="2021-06-01T10:30:00-04:00"):
    return {"type_desc": "CRISIS", "priority": 3, "received_at": when,
            "location": {"beat": PLACE[0], "longitude": float(PLACE[1]), "latitude": float(PLACE[2])}}


def test_premise_history_matches_classify(tmp_path, migrated, make_service):
    st = tmp_path / "store"
    _ingest(_csv(tmp_path / "calls.csv", [*VIOLENT, PROBE]), st)
    out = classify(store.calls(st), PROGRAM, as_of=dt.date(2022, 6, 1)).to_pandas()
    probe = out[out.type_desc == "CRISIS"].iloc[0]
    assert probe.premise_violence == 3 and probe.risk_level == "high"
    with make_service(migrated, store=st, as_of=dt.date(2022, 6, 1)) as s:
        doc = s.post("/v1/triage", "call_taker", json=_probe_request()).json()
        later = s.post("/v1/triage", "call_taker", json=_probe_request("2022-04-05T10:30:00-04:00")).json()
    assert doc["call"]["premise_violence"] == 3
    assert (doc["risk"]["rule"], doc["recommended_response"], doc["recommended_rule"]) == (
        probe.risk_rule, probe.recommended_response, probe.recommended_rule)
    assert later["call"]["premise_violence"] == 0 and later["risk"]["level"] == "low"


def test_reload_picks_up_new_calls_in_the_store(tmp_path, migrated, make_service):
    st = tmp_path / "store"
    _ingest(_csv(tmp_path / "first.csv", [PROBE]), st)
    with make_service(migrated, store=st, as_of=dt.date(2022, 6, 1)) as s:
        before = s.post("/v1/triage", "call_taker", json=_probe_request()).json()
        _ingest(_csv(tmp_path / "violent.csv", VIOLENT), st)
        still = s.post("/v1/triage", "call_taker", json=_probe_request()).json()
        assert s.post("/v1/admin/reload", "call_taker").status_code == 403
        res = s.post("/v1/admin/reload", "admin")
        after = s.post("/v1/triage", "call_taker", json=_probe_request()).json()
    assert res.status_code == 200 and res.json()["calls"] == 4 and res.json()["places_with_violence"] == 1
    assert before["call"]["premise_violence"] == still["call"]["premise_violence"] == 0  # loaded once, at start
    assert after["call"]["premise_violence"] == 3 and after["risk"]["level"] == "high"
