"""The group-commit writer: many requests share a commit, a bad group fails alone, SQLite's log stays bounded."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import uuid
from pathlib import Path

import pytest
from sqlalchemy import event, func, select

from altresponse.serve import audit as audit_mod
from altresponse.serve.audit import GroupWriter, audit_row
from altresponse.serve.db import Encoded, audit, decisions, make_engine
from altresponse.serve.migrate import upgrade

# A writer thread that dies leaves every later request waiting forever: make its death an error here.
pytestmark = pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")
OUTPUT = {"recommended_response": "crt", "why": "x" * 1000}  # about the size of a triage document


def _group(bad: bool = False) -> list:
    now = dt.datetime.now(dt.UTC)
    did = str(uuid.uuid4())
    row = {"id": did, "created_at": now, "received_at": now, "beat": "111", "canonical_type": "EDP",
           "recommended_response": "crt", "recommended_rule": "crt.types", "care_eligible": True, "risk_level": "low",
           "program_id": "p", "program_version": "1", "narrative_enc": None}
    if bad:
        row["recommended_rule"] = None  # NOT NULL: this group's insert fails
    return [(decisions, row), audit_row(None, "triage", did, input={"beat": "111"}, output=Encoded(json.dumps(OUTPUT)), at=now)]


async def _write_all(writer: GroupWriter, groups: list) -> list:
    return await asyncio.gather(*(writer.write(g) for g in groups), return_exceptions=True)


def test_concurrent_writes_share_commits_and_all_land(migrated):
    engine = make_engine(migrated)
    commits = []
    event.listen(engine, "commit", lambda conn: commits.append(1))
    writer = GroupWriter(engine)
    try:
        results = asyncio.run(_write_all(writer, [_group() for _ in range(64)]))
    finally:
        writer.close()
    assert results == [None] * 64
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(audit)).scalar() == 64
        stored = conn.execute(select(audit.c.output)).scalars().first()
    assert stored == OUTPUT  # the pre-encoded document is stored as JSON, not as a quoted string
    assert len(commits) <= 32, f"{len(commits)} commits for 64 concurrent writes: no group commit"
    engine.dispose()


def test_a_bad_group_fails_alone(migrated):
    engine = make_engine(migrated)
    writer = GroupWriter(engine)
    try:
        groups = [_group(bad=(i == 3)) for i in range(8)]
        results = asyncio.run(_write_all(writer, groups))
        writer.write_sync(_group())  # the writer carries on after a failure, for blocking callers (admin reload)
        asyncio.run(asyncio.wait_for(writer.write(_group()), 30))  # and for requests after them
    finally:
        writer.close()
    assert [r is None for r in results] == [i != 3 for i in range(8)]
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(decisions)).scalar() == 9
    engine.dispose()


def test_sqlite_log_stays_bounded_under_sustained_writes(tmp_path, monkeypatch):
    # The writer's connection does no checkpoints; the checkpoint thread must keep the log in
    # check even when the writer never pauses (a passive checkpoint alone can fall behind forever).
    monkeypatch.setattr(audit_mod, "CHECKPOINT_SECONDS", 0.05)
    monkeypatch.setattr(audit_mod, "WAL_RESTART_FRAMES", 100)
    url = f"sqlite:///{tmp_path / 'w.sqlite'}"
    upgrade(url)
    engine = make_engine(url)
    writer = GroupWriter(engine)
    try:
        for _ in range(80):  # 80 rounds of 16 concurrent writes: ~1,500 pages of log without checkpoints
            assert asyncio.run(_write_all(writer, [_group() for _ in range(16)])) == [None] * 16
        wal_pages = Path(f"{tmp_path / 'w.sqlite'}-wal").stat().st_size // 4096  # before the last close removes it
    finally:
        writer.close()
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(audit)).scalar() == 1280
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() > 0  # other connections keep the default
    engine.dispose()
    print(f"log high-water mark: {wal_pages} pages")
    # measured: 263 pages on a quiet machine, 634 with the whole suite running beside it (the thread
    # runs late), 1,981 without the RESTART (passive checkpoints alone never catch up), ~1,500 with none
    assert wal_pages < 1000, f"log grew to {wal_pages} pages: checkpoints are not keeping up"


@pytest.mark.parametrize("value", [{"a": 1}, [1, 2], "text", None])
def test_encoded_json_round_trips_like_plain_json(migrated, value):
    engine = make_engine(migrated)
    try:
        with engine.begin() as conn:
            for v in (value, Encoded(json.dumps(value))):
                conn.execute(audit.insert(), [{"at": dt.datetime.now(dt.UTC), "action": "test", "output": v}])
        with engine.connect() as conn:
            got = conn.execute(select(audit.c.output).where(audit.c.action == "test")).scalars().all()
    finally:
        engine.dispose()
    assert got == [value, value]


def test_writer_stores_what_sqlalchemy_would(migrated):
    """The writer skips SQLAlchemy's execute but not its conversions: the same group, written both ways, is stored alike."""
    from sqlalchemy import text

    engine = make_engine(migrated)
    at = dt.datetime(2024, 6, 4, 10, 30, 0, 123456, tzinfo=dt.timezone(dt.timedelta(hours=-4)))

    def group(did):
        rows = _group()
        rows[0][1].update(id=did, created_at=at, received_at=at.astimezone(dt.UTC), care_eligible=True, narrative_enc="gAAAA-token")
        table, values = audit_row(None, "triage", did, input={"beat": "111", "answers": {"weapon": None}, "n": 1.5},
                                  output=Encoded(json.dumps(OUTPUT)), at=at)
        return [rows[0], (table, {**values, "key_id": "k1", "role": "call_taker"})]

    ids = [str(uuid.uuid4()), str(uuid.uuid4())]
    writer = GroupWriter(engine)
    try:
        writer.write_sync(group(ids[0]))
    finally:
        writer.close()
    with engine.begin() as conn:
        for table, values in group(ids[1]):
            conn.execute(table.insert(), [values])
    stored = []
    with engine.connect() as conn:
        for did in ids:
            dec = conn.execute(text("SELECT * FROM decisions WHERE id = :i"), {"i": did}).mappings().one()
            aud = conn.execute(text("SELECT * FROM audit WHERE entity_id = :i"), {"i": did}).mappings().one()
            stored.append(({k: v for k, v in dec.items() if k != "id"}, {k: v for k, v in aud.items() if k not in ("seq", "entity_id")}))
    engine.dispose()
    assert stored[0] == stored[1]
    assert stored[0][1]["input"] is not None and stored[0][0]["care_eligible"] in (True, 1)
