"""POST /v1/triage gives the labels classify gives: every real Durham call, through the API and in batch.

The real subset (../shared/data/real/durham, SOURCE.md) is ingested with the durham adapter and
classified with programs/durham-heart.yaml as of 2022-06-01 (the demo's what-if date); then
each call goes to the API as a call-taker would send it (its nature, priority, beat,
coordinates and time with its offset) and every label must be identical.
"""

from __future__ import annotations

import datetime as dt

import pytest

from altresponse import store
from altresponse.classify import classify
from altresponse.program import load_program
from altresponse.rules import compile_program

from conftest import PROGRAM

PILOT_START = dt.date(2022, 6, 1)


@pytest.fixture(scope="module")
def durham_store(real_dir, tmp_path_factory):
    from altresponse.ingest import ingest

    path = tmp_path_factory.mktemp("durham_store")
    report = ingest(real_dir / "durham" / "durham_dpd_cfs_2021_heart_beats_community_safety_types.csv", "durham", path)
    assert report.rows_loaded == 4033
    return path


@pytest.fixture(scope="module")
def batch(durham_store):
    return classify(store.calls(durham_store), PROGRAM, as_of=PILOT_START).to_pandas()


def _none(v):
    import pandas as pd

    return None if v is None or (not isinstance(v, str) and pd.isna(v)) else v


def request_for(row) -> dict:
    """A call as a call-taker sends it, from a stored call."""
    loc = {"beat": _none(row.beat), "address": _none(row.location_text)}
    if _none(row.latitude) is not None:
        loc.update(latitude=float(row.latitude), longitude=float(row.longitude))
    return {
        "type_desc": _none(row.type_desc),
        "type_code": _none(row.type_code),
        "priority": int(row.priority) if _none(row.priority) is not None else None,
        "location": loc,
        "received_at": row.received_at.isoformat(),
    }


def labels_of(doc: dict) -> dict:
    """The API's answer flattened into classify's column names."""
    out = {"canonical_type": doc["call"]["canonical_type"], "category": doc["call"]["category"],
           "type_rule": doc["call"]["type_rule"], "eligible": doc["eligible"],
           "recommended_response": doc["recommended_response"], "recommended_rule": doc["recommended_rule"],
           "risk_level": doc["risk"]["level"], "risk_rule": doc["risk"]["rule"]}
    for r in doc["responses"]:
        out.update({f"eligible_{r['id']}": r["eligible"], f"eligible_rule_{r['id']}": r["eligible_rule"],
                    f"in_area_{r['id']}": r["in_area"], f"in_hours_{r['id']}": r["in_hours"]})
    return out


@pytest.mark.slow
def test_every_real_durham_call_gets_the_batch_labels(batch, durham_store, migrated, make_service):
    tree = compile_program(load_program(PROGRAM), as_of=PILOT_START)
    columns = ["canonical_type", "category", "type_rule", *tree.output_columns]
    assert batch.received_at.notna().all()  # every call has a time, so none falls back to "now"
    rows = list(batch.itertuples(index=False))
    with make_service(migrated, store=durham_store, as_of=PILOT_START) as s:
        # 64 at a time, as call-takers would: each commit (one fsync) then carries many decisions
        answers = send_all(s, [request_for(r) for r in rows])
    mismatches = []
    for row, (status, doc) in zip(rows, answers):
        assert status == 201, (row.call_id, doc)
        got = labels_of(doc)
        want = {c: _plain(getattr(row, c)) for c in columns}
        if got != want:
            mismatches.append((row.call_id, {k: (want[k], got[k]) for k in columns if want[k] != got[k]}))
    assert len(rows) == 4033
    assert mismatches == [], f"{len(mismatches)} calls differ, e.g. {mismatches[:3]}"
    # the labels are not all alike: the equality covers in- and out-of-pilot area and hours
    assert batch.recommended_response.nunique() >= 3 and batch.in_hours_crt.nunique() == 2 and batch.in_area_crt.nunique() == 2


def _plain(v):
    v = _none(v)
    return bool(v) if type(v).__name__ in ("bool", "bool_") else v


def send_all(s, bodies: list[dict], *, concurrency: int = 64) -> list[tuple[int, dict]]:
    """POST every body to /v1/triage through the ASGI app, ``concurrency`` at a time, in order."""
    import asyncio

    import httpx

    async def run():
        sem = asyncio.Semaphore(concurrency)
        transport = httpx.ASGITransport(app=s.client.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test", headers=s.as_("call_taker")) as c:
            async def one(body):
                async with sem:
                    r = await c.post("/v1/triage", json=body)
                    return r.status_code, r.json()

            return await asyncio.gather(*(one(b) for b in bodies))

    return asyncio.run(run())
