"""The append-only audit log and the group-commit writer that makes "201" mean "on disk".

Each triage decision or outcome is a few inserts (the record and its audit row). Requests hand
them to one :class:`GroupWriter` thread, which commits everything waiting in a single
transaction (one fsync for many calls; it lingers 1 ms for company) and only then lets the requests
answer. A batch that
fails is retried row group by row group, so one bad request cannot fail its neighbours.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import queue
import threading
import time
from concurrent.futures import Future

from sqlalchemy import Table
from sqlalchemy.engine import Engine

from .db import audit

log = logging.getLogger("altresponse.serve")
MAX_BATCH = 512
# Wait this long after the first waiting write for others to join its transaction: a commit
# costs far more than a row, and under load one commit per request would starve the event loop.
LINGER_SECONDS = 0.001

Rows = list[tuple[Table, dict]]


def audit_row(who, action: str, entity_id: str | None, *, program=None, input=None, output=None,
              at: dt.datetime | None = None) -> tuple[Table, dict]:
    """One audit insert: who (a :class:`~altresponse.serve.auth.Principal`), when, what, program version."""
    return audit, {
        "at": at or dt.datetime.now(dt.UTC), "key_id": who.key_id if who else None, "role": who.role if who else None,
        "action": action, "entity_id": entity_id, "program_id": program.id if program else None,
        "program_version": program.version if program else None, "input": input, "output": output,
    }


class GroupWriter:
    """One thread that commits queued row groups together. Call :meth:`close` to stop it."""

    def __init__(self, engine: Engine):
        self._engine = engine
        self._q: queue.SimpleQueue = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="altresponse-writer", daemon=True)
        self._thread.start()

    def submit(self, rows: Rows) -> Future:
        fut: Future = Future()
        self._q.put((rows, fut))
        return fut

    async def write(self, rows: Rows) -> None:
        """Commit ``rows`` (with whatever else is waiting) and return once they are durable."""
        await asyncio.wrap_future(self.submit(rows))

    def write_sync(self, rows: Rows) -> None:
        self.submit(rows).result()

    def close(self) -> None:
        self._q.put(None)
        self._thread.join(timeout=10)

    def _run(self) -> None:
        while True:
            item = self._q.get()
            if item is None:
                return
            batch = [item]
            until = time.monotonic() + LINGER_SECONDS
            while len(batch) < MAX_BATCH:
                try:
                    nxt = self._q.get(timeout=max(0.0, until - time.monotonic()))
                except queue.Empty:
                    break
                if nxt is None:
                    self._commit(batch)
                    return
                batch.append(nxt)
            self._commit(batch)

    def _commit(self, batch) -> None:
        try:
            self._insert([rows for rows, _ in batch])
        except Exception:  # noqa: BLE001 — retry one by one so a bad group fails alone
            for rows, fut in batch:
                try:
                    self._insert([rows])
                except Exception as exc:  # noqa: BLE001 — handed to the waiting request
                    log.error("audit write failed: %s", type(exc).__name__)
                    fut.set_exception(exc)
                else:
                    fut.set_result(None)
            return
        for _, fut in batch:
            fut.set_result(None)

    def _insert(self, groups: list[Rows]) -> None:
        # Insert table by table in the order first seen (decisions before the outcomes that
        # reference them), each as one executemany.
        by_table: dict[Table, list[dict]] = {}
        for rows in groups:
            for table, values in rows:
                by_table.setdefault(table, []).append(values)
        with self._engine.begin() as conn:
            for table, values in by_table.items():
                conn.execute(table.insert(), values)
