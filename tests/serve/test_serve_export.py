"""Counts for evaluation and publishing: the columns publish codes against, and no personal data."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from typer.testing import CliRunner

from altresponse.cli import app as cli
from altresponse.serve.export import followup_counts, outcome_counts

# Saturday 2 July 2022 23:00 New York time = Sunday 03:00 UTC; the week's Monday is 27 June.
NIGHT = {"type_desc": "CRISIS", "location": {"beat": "111"}, "received_at": "2022-07-02T23:00:00-04:00"}
DAY = {"type_desc": "WELFARE CHECK", "location": {"beat": "214"}, "received_at": "2022-07-05T10:00:00-04:00"}
CONTACT = {"name": "Jane Q Roe", "phone": "919-555-0142"}


def _fill(service) -> dict:
    ids = {}
    for name, call, outcome in (
        ("a", NIGHT, {"sent": "police", "reason": "out_of_hours", "backup_requested": None}),
        ("b", NIGHT, {"sent": "police", "reason": "out_of_hours"}),
        ("c", DAY, {"sent": "recommended_team", "backup_requested": False}),
        ("d", DAY, None),  # no outcome recorded yet
    ):
        d = service.post("/v1/triage", "call_taker", json=call).json()
        ids[name] = d
        if outcome:
            assert service.post(f"/v1/triage/{d['decision_id']}/outcome", "call_taker", json=outcome).status_code == 201
    # a second outcome for c supersedes the first
    service.post(f"/v1/triage/{ids['c']['decision_id']}/outcome", "call_taker", json={"sent": "recommended_team", "backup_requested": True})
    enc = dt.datetime(2024, 6, 4, 12, tzinfo=dt.UTC)  # a Tuesday: week of Monday 3 June
    for beat, result in (("111", "reached"), ("111", None), ("214", "reached")):
        f = service.post("/v1/referrals", "navigator", json={"encounter_at": enc.isoformat(), "consent": True,
                                                             "beat": beat, "contact": CONTACT}).json()
        if result:
            at = enc + dt.timedelta(hours=30 if beat == "111" else 60)
            service.patch(f"/v1/followups/{f['id']}", "navigator", json={"version": 1, "attempt": {"result": result, "at": at.isoformat()},
                                                                          "outcome": "connected", "services": "peer support"})
    return ids


def test_outcome_counts_contract(service):
    ids = _fill(service)
    oc = outcome_counts(service.url)
    assert list(oc.columns) == ["week", "beat", "recommended_response", "care_eligible", "sent", "reason", "backup_requested", "calls"]
    rec_night, rec_day = ids["a"]["recommended_response"], ids["c"]["recommended_response"]
    assert ids["a"]["eligible"] is True and ids["c"]["eligible"] is True  # why the reason was required
    rows = {(r.week, r.beat, r.recommended_response, r.care_eligible, r.sent, r.reason, r.backup_requested): r.calls
            for r in oc.itertuples()}
    assert rows == {
        (dt.date(2022, 6, 27), "111", rec_night, True, "police", "out_of_hours", None): 2,
        (dt.date(2022, 7, 4), "214", rec_day, True, "recommended_team", None, True): 1,
    }
    assert oc.calls.dtype == "int64"


def test_followup_counts_contract(service):
    _fill(service)
    fc = followup_counts(service.url)
    assert list(fc.columns) == ["week", "beat", "outcome", "followups", "within_48h", "connected_services"]
    rows = {(r.week, r.beat, r.outcome, r.connected_services): (r.followups, r.within_48h) for r in fc.itertuples()}
    monday = dt.date(2024, 6, 3)
    assert rows == {
        (monday, "111", None, None): (1, 0),
        (monday, "111", "connected", "peer support"): (1, 1),   # reached after 30 h
        (monday, "214", "connected", "peer support"): (1, 0),   # reached after 60 h
    }


def test_followups_export_cli_writes_parquet_without_personal_data(service, tmp_path):
    _fill(service)
    out = tmp_path / "followups.parquet"
    res = CliRunner().invoke(cli, ["followups", "export", "--db", service.url, "--out", str(out), "--json"])
    assert res.exit_code == 0, res.output
    fc = pd.read_parquet(out)
    oc = pd.read_parquet(tmp_path / "followups.outcomes.parquet")
    assert int(fc.followups.sum()) == 3 and int(oc.calls.sum()) == 3
    assert sorted(fc.median_hours_to_first_contact.dropna().round(1)) == [30.0, 60.0]
    raw = out.read_bytes() + (tmp_path / "followups.outcomes.parquet").read_bytes()
    assert all(v.encode() not in raw for v in CONTACT.values())
