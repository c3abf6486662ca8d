"""Ingest's stages on both cores: the file read ahead on one thread, batches mapped on a few,
results handed back in file order.

Why threads: the mapping is pyarrow and numpy kernels, which release the GIL, so two batches map
at once; the reader (record splitter and CSV parse) runs beside them. Memory stays bounded: at
most ``depth`` read batches wait in the queue and ``workers + 1`` are being mapped. Everything that
depends on earlier batches (duplicate ids, row-hash copies, writing) stays with the caller, one
batch at a time, in file order. An error in any stage is raised to the caller at that batch's
turn, as the one-thread run would have raised it; on any exit every thread is stopped and joined.
"""

from __future__ import annotations

import os
import queue
import threading
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Callable, Iterable, Iterator, TypeVar

from ..errors import UsageError

T = TypeVar("T")
U = TypeVar("U")

_END = object()


def map_workers() -> int:
    """Threads mapping batches: ``ALTRESPONSE_INGEST_THREADS`` or the cores (2 at most), 1 = no pool."""
    env = os.environ.get("ALTRESPONSE_INGEST_THREADS", "").strip()
    if not env:
        return max(1, min(2, os.cpu_count() or 1))
    if not env.isdigit() or int(env) < 1:
        msg = f"ALTRESPONSE_INGEST_THREADS: expected a whole number of threads, 1 or more; got {env!r}"
        raise UsageError(msg)
    return int(env)


class _Failed:
    """An exception raised by the producer, kept in its place in the sequence."""

    def __init__(self, exc: BaseException):
        self.exc = exc


def read_ahead(items: Iterable[T], depth: int = 2) -> Iterator[T]:
    """Iterate ``items`` on its own thread, at most ``depth`` items ahead of the consumer.

    The iterator is created, advanced and closed on that thread only (a generator cannot be
    closed from another thread while it runs); its exception is raised here, after the items
    before it.
    """
    q: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                q.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        it = iter(items)
        try:
            for item in it:
                if not put(item):
                    return
            put(_END)
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, raised there
            put(_Failed(exc))
        finally:
            close = getattr(it, "close", None)
            if close is not None:
                close()

    thread = threading.Thread(target=produce, name="ingest-read", daemon=True)
    thread.start()
    try:
        while True:
            item = q.get()
            if item is _END:
                return
            if isinstance(item, _Failed):
                raise item.exc
            yield item
    finally:
        stop.set()
        thread.join()


def ordered_map(fn: Callable[[T], U], items: Iterable[T], workers: int) -> Iterator[U]:
    """``map(fn, items)`` with up to ``workers`` calls at once, results yielded in input order.

    At most ``workers + 1`` items are taken ahead of the one yielded. An exception from ``fn``
    or from ``items`` is raised at its item's turn; pending calls are cancelled or waited for.
    """
    if workers <= 1:
        yield from map(fn, items)
        return
    pending: deque[Future | _Failed] = deque()
    it = iter(items)
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ingest-map")
    try:
        exhausted = False
        while True:
            while not exhausted and len(pending) <= workers:
                try:
                    item = next(it)
                except StopIteration:
                    exhausted = True
                except Exception as exc:  # noqa: BLE001 - raised in order, after the items before it
                    pending.append(_Failed(exc))
                    exhausted = True
                else:
                    pending.append(pool.submit(fn, item))
            if not pending:
                return
            head = pending.popleft()
            if isinstance(head, _Failed):
                raise head.exc
            yield head.result()
    finally:
        for f in pending:
            if isinstance(f, Future):
                f.cancel()
        pool.shutdown(wait=True, cancel_futures=True)
        close = getattr(it, "close", None)
        if close is not None:
            close()


class InOrder:
    """Calls run one at a time, in the order submitted, on one thread (the parquet writes), at
    most ``depth`` waiting. A failed call's exception is raised by the next ``submit`` or by the
    exit of the ``with`` block; leaving the block by an exception drops what is still waiting.
    """

    def __init__(self, depth: int = 3):
        self._q: queue.Queue = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._drop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="ingest-write", daemon=True)

    def __enter__(self) -> InOrder:
        self._thread.start()
        return self

    def _run(self) -> None:
        while True:
            item = self._q.get()
            if item is _END:
                return
            if self._error is not None or self._drop.is_set():
                continue  # keep taking, so a submit never waits on a dead writer
            fn, args = item
            try:
                fn(*args)
            except BaseException as exc:  # noqa: BLE001 - raised on the caller's thread
                self._error = exc

    def submit(self, fn: Callable, *args) -> None:
        if self._error is not None:
            raise self._error
        self._q.put((fn, args))

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            self._drop.set()
        self._q.put(_END)
        self._thread.join()
        if exc_type is None and self._error is not None:
            raise self._error
