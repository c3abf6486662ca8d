"""`altresponse publish --db` on the synthetic city with a real service database.

The service database is filled through the real API (the app factory under FastAPI's
TestClient): the synthetic calls triaged, an outcome recorded for most of them with every
reason, some backup requests, referrals with contact details, follow-ups closed with every
outcome. Private strings are planted in everything a person types. The site is then built by
the CLI, and its figures are checked against counts taken straight from the database with
sqlite3; every expected value is computed here, from the database or the store.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from itertools import cycle
from pathlib import Path

import pandas as pd
import pytest
from paths import REPO
from test_site import _coordinate_needles, _hits, _pair_hits, _site_text
from typer.testing import CliRunner

from altresponse.cli import app as cli

PROGRAM = REPO / "programs" / "durham-heart.yaml"
K = 11
REASONS = ["out_of_hours", "out_of_area", "no_team_available", "excluded_by_call_taker", "caller_declined", "other"]
# the order reasons are given in: two common ones, the rest rare (so some cells are small)
REASON_SCRIPT = ["out_of_hours"] * 4 + ["no_team_available"] * 3 + REASONS[1:2] + REASONS[3:]
FOLLOWUP_OUTCOMES = ["connected", "reached", "declined", "unreachable"]


def _planted(kind: str, i: int) -> str:
    return f"ZQX-{kind}-{i:04d}-MARGUERITE"


def _cli(*args: str) -> str:
    res = CliRunner().invoke(cli, list(args))
    assert res.exit_code == 0, res.output
    return res.stdout


def _utc(t) -> pd.Timestamp:
    t = pd.Timestamp(t)
    return t.tz_localize("UTC") if t.tzinfo is None else t.tz_convert("UTC")


def _triage_body(row, i: int) -> dict:
    def val(v):
        return None if pd.isna(v) else v

    return {"type_code": val(row.type_code), "type_desc": val(row.type_desc),
            "priority": None if pd.isna(row.priority) else int(row.priority),
            "location": {"beat": val(row.beat), "address": val(row.location_text)},
            "received_at": _utc(row.received_at).isoformat(), "narrative": _planted("NARRATIVE", i), "call_id": row.source_call_id}


CARE = {"ccd", "crt", "co_response", "care_nav"}  # the program file's responses


def _outcome(decision: dict, i: int, reasons) -> dict | None:
    if i % 17 == 0:
        return None  # not recorded yet
    if not decision["eligible"]:
        return {"sent": "recommended_team"}  # police, as recommended: not a care call
    if i % 3 and decision["recommended_response"] in CARE:
        return {"sent": "recommended_team", "backup_requested": i % 4 == 1}
    reason = next(reasons)
    body = {"sent": "police" if reason != "caller_declined" else "none", "reason": reason}
    if reason == "other":
        body["reason_text"] = _planted("REASON", i)
    return body


def _fill(client, keys: dict[str, str], calls: pd.DataFrame) -> dict:
    """A scripted run of the service over ``calls``; returns what was planted."""
    ct, nav = ({"Authorization": f"Bearer {keys[r]}"} for r in ("call_taker", "navigator"))
    reasons, outcomes = cycle(REASON_SCRIPT), cycle(FOLLOWUP_OUTCOMES)
    planted = {"decision_ids": set(), "free_text": set()}
    for i, row in enumerate(calls.itertuples()):
        res = client.post("/v1/triage", headers=ct, json=_triage_body(row, i))
        assert res.status_code == 201, res.text
        d = res.json()
        planted["decision_ids"].add(d["decision_id"])
        planted["free_text"].add(_planted("NARRATIVE", i))
        body = _outcome(d, i, reasons)
        if body is None:
            continue
        res = client.post(f"/v1/triage/{d['decision_id']}/outcome", headers=ct, json=body)
        assert res.status_code == 201, res.text
        planted["free_text"] |= {body.get("reason_text")} - {None}
        if body["sent"] != "recommended_team" or i % 2:
            continue
        contact = {"name": _planted("NAME", i), "phone": f"919-555-{i:04d}", "address": _planted("ADDRESS", i),
                   "notes": _planted("NOTES", i)}
        planted["free_text"] |= set(contact.values())
        encounter = _utc(row.received_at) + pd.Timedelta(hours=1)
        res = client.post("/v1/referrals", headers=nav, json={"decision_id": d["decision_id"], "consent": True,
                                                              "encounter_at": encounter.isoformat(), "contact": contact})
        assert res.status_code == 201, res.text
        f = res.json()
        if i % 5 == 0:
            continue  # still open
        outcome = next(outcomes)
        patch = {"version": f["version"], "outcome": outcome,
                 "attempt": {"result": "no_answer" if outcome == "unreachable" else "reached",
                             "at": (encounter + pd.Timedelta(hours=20 if i % 4 else 60)).isoformat()}}
        if outcome == "connected":
            patch["services"] = _planted("SERVICES", i)
            planted["free_text"].add(patch["services"])
        res = client.patch(f"/v1/followups/{f['id']}", headers=nav, json=patch)
        assert res.status_code == 200, res.text
    return planted


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from _shared_builds import shared

    return shared(tmp_path_factory, "service_db_site", build)  # built once per run (test_pages_browser.py opens it)


def build(root: Path) -> dict:
    """The synthetic store, a service database filled through the API, and the site built from both by the CLI."""
    from fastapi.testclient import TestClient

    from altresponse.ingest import ingest
    from altresponse.report import load_inputs
    from altresponse.serve.app import ServeConfig, create_app
    from altresponse.serve.crypto import ENV_KEY, new_key
    from altresponse.synth import default_beats_path, write_synthetic_calls

    root.mkdir(parents=True, exist_ok=True)
    write_synthetic_calls(root / "calls.csv", 3000, seed=3, start="2023-11-01")
    ingest([root / "calls.csv"], "synth", root / "store")
    calls, _, _ = load_inputs(root / "store", PROGRAM, as_of=dt.date(2024, 1, 1))
    calls = calls.to_pandas()
    # every call the rules make eligible, and as many others: hundreds of decisions
    chosen = pd.concat([calls[calls["eligible"]], calls[~calls["eligible"]].sample(250, random_state=1)]).sort_values("received_at")
    db = f"sqlite:///{root / 'serve.sqlite'}"
    _cli("db", "upgrade", "--db", db)
    keys = {r: _cli("keys", "create", "--role", r, "--db", db).strip() for r in ("call_taker", "navigator")}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(ENV_KEY, new_key())
        cfg = ServeConfig(program=PROGRAM, db_url=db, beats=default_beats_path(), store=root / "store")
        with TestClient(create_app(cfg)) as client:
            planted = _fill(client, keys, chosen)
    site = root / "site"
    _cli("publish", "--store", str(root / "store"), "--program", str(PROGRAM), "--out", str(site), "--db", db,
         "--beats", str(default_beats_path()), "--min-cell", str(K))
    return {"site": site, "db": root / "serve.sqlite", "calls": calls, "chosen": chosen, "planted": planted}


def _db(path: Path, sql: str) -> pd.DataFrame:
    with sqlite3.connect(path) as conn:
        return pd.read_sql_query(sql, conn)


LATEST = """
SELECT d.id, d.care_eligible, d.recommended_response, o.sent, o.reason, o.backup_requested
FROM decisions d JOIN outcomes o ON o.seq = (SELECT max(seq) FROM outcomes WHERE decision_id = d.id)
"""


def _care_sent(df: pd.DataFrame) -> pd.Series:
    return (df["sent"] == "co_response") | ((df["sent"] == "recommended_team") & df["recommended_response"].isin(CARE))


def test_the_scripted_service_has_small_and_large_cells(built):
    latest = _db(built["db"], LATEST)
    eligible = latest[latest["care_eligible"] == 1]
    by_reason = eligible[~_care_sent(eligible)].groupby("reason").size()
    assert set(by_reason.index) == set(REASONS)
    assert (by_reason < K).any() and (eligible.groupby("sent").size() >= K).any()
    followups = _db(built["db"], "SELECT outcome FROM followups")
    assert set(followups["outcome"].dropna()) == set(FOLLOWUP_OUTCOMES)


def test_what_was_sent_totals_equal_the_database(built):
    latest = _db(built["db"], LATEST)
    eligible = latest[latest["care_eligible"] == 1]
    data = built["site"] / "data"
    sent = pd.read_csv(next(data.glob("service_by_*_and_sent.csv")))
    assert sent.iloc[-1, 0] == "Total" and int(sent.iloc[-1, -1]) == len(eligible)
    team_went = eligible[_care_sent(eligible) & (eligible["sent"] == "recommended_team")]
    missed = eligible.drop(team_went.index)
    # the table's column totals are the headline's and the reasons' totals: shown, and equal
    assert sent.iloc[-1].drop(sent.columns[[0, -1]]).tolist() == [len(team_went), len(missed)]
    reasons = pd.read_csv(data / "service_no_team_by_reason.csv")
    assert int(reasons.iloc[-1]["calls"]) == len(missed)
    from altresponse.publish.figures import REASON_NAMES

    why = missed["reason"].where(missed["reason"].notna() | (missed["sent"] != "co_response"), "co_response_instead")
    expected = why.fillna("none recorded").value_counts().rename(index=REASON_NAMES)
    for name, calls in zip(reasons["reason"][:-1], reasons["calls"][:-1]):
        assert pd.isna(calls) or calls == expected[name]
    text = (built["site"] / "index.html").read_text()
    team = eligible[_care_sent(eligible) & eligible["backup_requested"].notna()]
    from altresponse import fmt

    no_backup = int((team["backup_requested"] == 0).sum())
    assert f"{fmt.share(no_backup / len(team), 0)}</p><p class=\"figure-label\">of care-team responses needed no police backup (of {fmt.count(len(team))})" in text


def test_followup_figures_equal_the_database(built):
    from altresponse import fmt
    from altresponse.publish.figures import OUTCOME_NAMES

    rows = _db(built["db"], "SELECT outcome FROM followups")
    pub = pd.read_csv(built["site"] / "data" / "followups_by_outcome.csv")
    assert int(pub.iloc[-1]["followups"]) == len(rows)
    expected = rows["outcome"].map(OUTCOME_NAMES).fillna("outcome not yet recorded").value_counts()
    for name, n in zip(pub["outcome"][:-1], pub["followups"][:-1]):
        assert pd.isna(n) or n == expected[name]
    text = (built["site"] / "index.html").read_text()
    assert f">{fmt.count(len(rows))}</p><p class=\"figure-label\">Care Navigation follow-ups made" in text


def test_no_published_count_is_small(built):
    for path in (built["site"] / "data").glob("*.csv"):
        df = pd.read_csv(path)
        for col in df.columns[1:]:
            values = df[col].dropna()
            assert not ((values > 0) & (values < K)).any(), f"{path.name} {col}: a count below {K}"


def test_site_carries_nothing_private_from_the_service_or_the_store(built):
    files = _site_text(built["site"])
    chosen, planted = built["chosen"], built["planted"]
    needles = set(planted["decision_ids"]) | planted["free_text"]
    needles |= set(chosen["call_id"]) | set(chosen["source_call_id"]) | set(chosen["location_text"].dropna())
    needles |= {f"919-555-{i:04d}" for i in range(len(chosen))}
    needles |= _coordinate_needles(chosen["latitude"].dropna()) | _coordinate_needles(chosen["longitude"].dropna())
    assert len(needles) > 1000
    assert _hits(files, needles) == []
    assert _pair_hits(files, zip(chosen["longitude"], chosen["latitude"])) == []
