"""The append-only audit log and the group-commit writer that makes "201" mean "on disk".

Each triage decision or outcome is a few inserts (the record and its audit row). Requests hand
them to one :class:`GroupWriter` thread, which commits everything that is waiting in a single
transaction (one fsync for many calls) and only then lets the requests answer. When the last
batch had company, the writer waits :data:`LINGER_SECONDS` for more (clients answered together come
back together, and a commit costs far more than a row); a lone call on a quiet service does not
wait. A batch that fails is retried row group by row group, so one bad request cannot fail its
neighbours.

The thread does as little Python as it can, because every step it takes needs the GIL the
event loop is using: it keeps one connection, the triage document arrives already encoded
(:class:`Encoded`, the bytes the response sends), and a whole batch's requests are woken with
one call into the event loop rather than one each. On SQLite the WAL checkpoint (copying the log
into the database file, with its own fsyncs) runs every :data:`CHECKPOINT_SECONDS` from another
thread and connection instead of inside whichever request's commit crossed the threshold. A
passive checkpoint never waits for the writer, so under sustained load it may never catch up and
the log could grow without end; past :data:`WAL_RESTART_FRAMES` it restarts the log (a short wait
for the writer, copying only what the passive runs have not).
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
from sqlalchemy.engine import Connection, Engine

from .db import Encoded, audit

__all__ = ["Encoded", "GroupWriter", "audit_row"]

log = logging.getLogger("altresponse.serve")
MAX_BATCH = 512
LINGER_SECONDS = 0.001
CHECKPOINT_SECONDS = 1.0
WAL_RESTART_FRAMES = 16_384  # 64 MB of 4 KB pages

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
        self._sqlite = engine.dialect.name == "sqlite"
        self._conn: Connection | None = None
        self._last = 1  # size of the last batch
        self._statements: dict[tuple, _Statement] = {}
        self._q: queue.SimpleQueue = queue.SimpleQueue()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="altresponse-writer", daemon=True)
        self._thread.start()
        self._checkpointer = None
        if self._sqlite:
            self._checkpointer = threading.Thread(target=self._checkpoint, name="altresponse-checkpoint", daemon=True)
            self._checkpointer.start()

    async def write(self, rows: Rows) -> None:
        """Commit ``rows`` (with whatever else is waiting) and return once they are durable."""
        fut = asyncio.get_running_loop().create_future()
        self._q.put((rows, fut))
        await fut

    def write_sync(self, rows: Rows) -> None:
        fut: Future = Future()
        self._q.put((rows, fut))
        fut.result()

    def close(self) -> None:
        self._q.put(None)
        self._thread.join(timeout=10)
        self._stop.set()
        if self._checkpointer is not None:
            self._checkpointer.join(timeout=10)

    def _run(self) -> None:
        stop = False
        while not stop:
            item = self._q.get()
            if item is None:
                break
            batch, stop = self._gather(item)
            _settle(batch, self._commit([rows for rows, _ in batch]))
        self._drop()

    def _gather(self, first) -> tuple[list, bool]:
        """``first`` and what is waiting (lingering if the last batch had company); True when told to stop."""
        batch, until = [first], time.monotonic() + (LINGER_SECONDS if self._last > 1 else 0.0)
        while len(batch) < MAX_BATCH:
            try:
                nxt = self._q.get(timeout=max(0.0, until - time.monotonic()))
            except queue.Empty:
                break
            if nxt is None:
                return batch, True
            batch.append(nxt)
        self._last = len(batch)
        return batch, False

    def _checkpoint(self) -> None:
        while not self._stop.wait(CHECKPOINT_SECONDS):
            try:
                with self._engine.connect() as conn:
                    _, frames, _ = conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").one()
                    if frames > WAL_RESTART_FRAMES:
                        conn.exec_driver_sql("PRAGMA wal_checkpoint(RESTART)")
                    conn.commit()
            except Exception as exc:  # noqa: BLE001 — a missed checkpoint only lets the log grow until the next
                log.warning("WAL checkpoint failed: %s", type(exc).__name__)

    def _connection(self) -> Connection:
        if self._conn is None:
            self._conn = self._engine.connect()
            if self._sqlite:  # the checkpoint thread does it (see the module's note)
                self._conn.exec_driver_sql("PRAGMA wal_autocheckpoint=0")
                self._conn.commit()  # ends SQLAlchemy's autobegun transaction (SQLite began none)
        return self._conn

    def _drop(self) -> None:
        # Discarded, not returned to the pool: it has autocheckpoint off, and may be broken.
        if self._conn is not None:
            self._conn.invalidate()
            self._conn.close()
            self._conn = None

    def _commit(self, groups: list[Rows]) -> list[Exception | None]:
        """Insert ``groups`` in one transaction; on failure, each on its own. One outcome per group."""
        try:
            self._insert(groups)
            return [None] * len(groups)
        except Exception:  # noqa: BLE001 — retry one by one so a bad group fails alone
            outcomes: list[Exception | None] = []
            for rows in groups:
                try:
                    self._insert([rows])
                    outcomes.append(None)
                except Exception as exc:  # noqa: BLE001 — handed to the waiting request
                    log.error("audit write failed: %s", type(exc).__name__)
                    outcomes.append(exc)
            return outcomes

    def _insert(self, groups: list[Rows]) -> None:
        # Insert table by table in the order first seen (decisions before the outcomes that
        # reference them), each as one executemany on the driver's cursor: SQLAlchemy compiles
        # each statement and converts each value (its own bind processors, see _Statement), but
        # its per-execute machinery, which cost more than the insert itself, is skipped.
        by_shape: dict[tuple, list[dict]] = {}
        for rows in groups:
            for table, values in rows:
                by_shape.setdefault((table, tuple(values)), []).append(values)
        conn = self._connection()
        try:
            with conn.begin():
                cursor = conn.connection.cursor()
                try:
                    for shape, values in by_shape.items():
                        stmt = self._statements.get(shape) or self._statements.setdefault(shape, _Statement(*shape, conn.dialect))
                        cursor.executemany(stmt.sql, [stmt.params(v) for v in values])
                finally:
                    cursor.close()
        except Exception:
            self._drop()  # a lost or broken connection must not poison the next batch
            raise


class _Statement:
    """One table's INSERT for one set of columns, compiled once by SQLAlchemy for the dialect.

    ``params`` converts a row as SQLAlchemy's own execution would (the compiled statement's bind
    processors: SQLite's date-time text, JSON through the engine's serializer, booleans), in the
    order or with the names the driver's paramstyle wants.
    """

    def __init__(self, table: Table, columns: tuple, dialect):
        compiled = table.insert().compile(dialect=dialect, column_keys=list(columns))
        self.sql = compiled.string
        procs = compiled._bind_processors
        names = compiled.positiontup if compiled.positional else list(compiled.binds)
        if sorted(names) != sorted(columns):  # bind names are the column keys here; say so if that ever changes
            msg = f"{table.name}: compiled binds {names} are not the columns {list(columns)}"
            raise ValueError(msg)
        spec = [(n, procs.get(n)) for n in names]
        if compiled.positional:
            self.params = lambda v: tuple(v[n] if p is None else p(v[n]) for n, p in spec)
        else:
            self.params = lambda v: {n: v[n] if p is None else p(v[n]) for n, p in spec}


def _settle(batch: list, outcomes: list[Exception | None]) -> None:
    """Wake the waiting requests: one call into each event loop for the whole batch."""
    by_loop: dict = {}
    for (_, fut), exc in zip(batch, outcomes, strict=True):
        if not isinstance(fut, Future):
            by_loop.setdefault(fut.get_loop(), []).append((fut, exc))
        elif exc is not None:
            fut.set_exception(exc)
        else:
            fut.set_result(None)
    for loop, pairs in by_loop.items():
        try:
            loop.call_soon_threadsafe(_resolve, pairs)
        except RuntimeError:  # the loop has closed (shutdown): nobody is waiting any more
            pass


def _resolve(pairs: list) -> None:
    for fut, exc in pairs:
        if fut.done():  # a client that went away cancelled its wait; the rows are committed all the same
            continue
        if exc is not None:
            fut.set_exception(exc)
        else:
            fut.set_result(None)
