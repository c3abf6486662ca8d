"""Ingest on several threads (ingest/flow.py) stores exactly what one thread stores, in file order.

The file is built here: 1,500 records cut into ~120 batches by a 2 KB read step, ids repeating
across batches (row i has id i % 400, and its own location text), some rows without an id
(identical pairs among them, so row-hash copies span batches), some with the wrong field count
and some with a bad time. Expected values are computed here from the rows written: the first
occurrence of an id is the one loaded, later ones are duplicate_id; the store must also equal,
row for row and in order, the store made by one thread reading the whole file as one batch.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from dataclasses import asdict
from importlib import resources

import pyarrow.parquet as pq
import pytest

from altresponse.errors import InputError
from altresponse.ingest import ingest, mapping, split
from altresponse.ingest.flow import InOrder, ordered_map, read_ahead

HEADER = "call_id,agency,received_local,dispatched_local,nature,priority,beat,location_text,units"
ROWS = 1500


def _record(i: int) -> tuple[str, str]:
    """(kind, CSV record) of data row i (1-based); kinds: ok, noid, malformed, badtime."""
    when = f"2021-06-{1 + i % 28:02d} {i % 24:02d}:{i % 60:02d}:00"
    if i % 97 == 0:
        return "malformed", f"{i % 400},POLICE,{when},,CRISIS,3,111,row {i},1,extra"
    if i % 89 == 0:
        return "badtime", f"{i % 400},POLICE,not a time,,CRISIS,3,111,row {i},1"
    if i % 53 == 0:  # no id: rows 53k and 53k+... come in identical pairs (same text for k, k+1)
        k = i // 106
        return "noid", f",POLICE,2021-07-01 10:00:00,,CRISIS,3,111,same {k},1"
    return "ok", f"{i % 400},POLICE,{when},,CRISIS,3,111,row {i},1"


def _write(tmp_path):
    path = tmp_path / "calls.csv"
    path.write_text("\n".join([HEADER] + [_record(i)[1] for i in range(1, ROWS + 1)]) + "\n")
    adapter = tmp_path / "synth_hash.yaml"
    text = resources.files("altresponse.adapters").joinpath("synth.yaml").read_text()
    adapter.write_text(text.replace("missing: quarantine", "missing: hash"))
    return path, adapter


def _store(store):
    calls = pq.read_table(sorted((store / "calls").glob("*.parquet")))
    q = pq.read_table(sorted((store / "quarantine").glob("*.parquet")))
    return calls, q


def _run(tmp_path, name, monkeypatch, *, threads: str, step: int):
    path, adapter = _write(tmp_path)
    monkeypatch.setenv("ALTRESPONSE_INGEST_THREADS", threads)
    monkeypatch.setattr(split, "READ_BYTES", step)
    report = ingest(path, adapter, tmp_path / name)
    return report, *_store(tmp_path / name)


def test_many_small_batches_on_threads_keep_file_order_and_first_id(tmp_path, monkeypatch):
    report, calls, q = _run(tmp_path, "threads", monkeypatch, threads="2", step=2048)
    kinds = {i: _record(i)[0] for i in range(1, ROWS + 1)}
    seen, first, dups = set(), [], []
    for i in range(1, ROWS + 1):
        if kinds[i] == "ok":
            (dups if i % 400 in seen else first).append(i)
            seen.add(i % 400)
    noid = [i for i in range(1, ROWS + 1) if kinds[i] == "noid"]
    rows = calls.column("source_row").to_pylist()
    assert rows == sorted(first + noid)  # file order, each id's first occurrence
    kept = {r["call_id"]: r["location_text"] for r in calls.to_pylist() if not r["call_id"].startswith("synth:h")}
    assert kept == {f"synth:{i % 400}": f"row {i}" for i in first}
    assert len({r for r in calls.column("call_id").to_pylist()}) == calls.num_rows  # identical rows get distinct ids
    reasons = Counter(q.column("reason").to_pylist())
    expected = {"duplicate_id": len(dups), "malformed_row": sum(k == "malformed" for k in kinds.values()),
                "unparseable_timestamp": sum(k == "badtime" for k in kinds.values())}
    assert reasons == expected and report.quarantine_reasons == expected
    assert sorted(r for r, why in zip(q.column("source_row").to_pylist(), q.column("reason").to_pylist()) if why == "duplicate_id") == dups
    assert report.rows_read == ROWS == report.rows_loaded + report.rows_quarantined
    copies = Counter(_record(i)[1] for i in noid)
    assert report.files[0].values_changed.get("identical_rows_kept", 0) == sum(c - 1 for c in copies.values()) > 0


def test_threads_store_what_one_thread_and_one_batch_store(tmp_path, monkeypatch):
    rep_t, calls_t, q_t = _run(tmp_path, "threads", monkeypatch, threads="2", step=2048)
    rep_1, calls_1, q_1 = _run(tmp_path, "one", monkeypatch, threads="1", step=2048)
    assert calls_t.equals(calls_1) and q_t.equals(q_1)  # the same rows in the same order
    a, b = asdict(rep_t.files[0]), asdict(rep_1.files[0])
    assert {k: v for k, v in a.items() if k != "seconds"} == {k: v for k, v in b.items() if k != "seconds"}
    rep_b, calls_b, q_b = _run(tmp_path, "batch", monkeypatch, threads="1", step=4 << 20)
    assert calls_t.equals(calls_b)  # one batch: the same calls; quarantine rows in another order
    assert q_t.sort_by("source_row").equals(q_b.sort_by("source_row"))
    assert rep_t.quarantine_reasons == rep_b.quarantine_reasons and rep_t.files[0].values_changed == rep_b.files[0].values_changed


def _ingest_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("ingest-")]


def test_an_error_in_a_mapping_thread_is_raised_with_its_message_and_no_thread_is_left(tmp_path, monkeypatch):
    path, adapter = _write(tmp_path)
    monkeypatch.setattr(split, "READ_BYTES", 2048)
    real, calls = mapping.Mapper.prepare, []

    def prepare(self, batch, rows):
        calls.append(1)
        if len(calls) == 7:
            raise InputError(f"{path}: line 99: broken on purpose")
        return real(self, batch, rows)

    monkeypatch.setattr(mapping.Mapper, "prepare", prepare)
    with pytest.raises(InputError, match="broken on purpose"):
        ingest(path, adapter, tmp_path / "s")
    assert not list((tmp_path / "s" / "calls").iterdir())  # no part, no temp file
    assert _ingest_threads() == []


def test_a_write_error_is_raised_and_no_thread_is_left(tmp_path, monkeypatch):
    path, adapter = _write(tmp_path)
    monkeypatch.setattr(split, "READ_BYTES", 2048)
    writes = []

    def write_table(self, table, *a, **k):
        writes.append(1)
        if len(writes) == 3:
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(pq.ParquetWriter, "write_table", write_table)
    with pytest.raises(OSError, match="No space left"):
        ingest(path, adapter, tmp_path / "s")
    assert _ingest_threads() == []


def _slow(x: int) -> int:
    time.sleep(random.random() / 200)  # calls finish out of order
    if x == 37:
        raise ValueError("item 37")
    return x * 2


def test_ordered_map_yields_in_order_then_raises_at_the_failing_item():
    random.seed(3)
    got = []
    with pytest.raises(ValueError, match="item 37"):
        for y in ordered_map(_slow, read_ahead(iter(range(100)), depth=2), workers=3):
            got.append(y)
    assert got == [2 * x for x in range(37)]
    assert _ingest_threads() == []


def test_a_reader_error_comes_after_the_items_before_it_and_closing_early_stops_the_threads():
    def items():
        yield from range(5)
        raise InputError("f.csv: cannot read (truncated)")

    got = []
    with pytest.raises(InputError, match="truncated"):
        for y in ordered_map(_slow, read_ahead(items()), workers=2):
            got.append(y)
    assert got == [0, 2, 4, 6, 8]
    endless = ordered_map(_slow, read_ahead(iter(range(10**9))), workers=2)
    assert next(endless) == 0
    endless.close()
    assert _ingest_threads() == []


def test_in_order_runs_calls_in_order_and_raises_a_failed_call():
    done = []
    with InOrder(depth=2) as w:
        for i in range(50):
            w.submit(done.append, i)
    assert done == list(range(50))
    with pytest.raises(ZeroDivisionError), InOrder() as w:
        w.submit(lambda: 1 / 0)
    assert _ingest_threads() == []


def test_a_bad_thread_count_is_one_line_exit_2(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from altresponse.cli import app

    path, adapter = _write(tmp_path)
    monkeypatch.setenv("ALTRESPONSE_INGEST_THREADS", "two")
    result = CliRunner().invoke(app, ["ingest", str(path), "--adapter", str(adapter), "--store", str(tmp_path / "s")])
    assert result.exit_code == 2
    assert "ALTRESPONSE_INGEST_THREADS" in result.output and "Traceback" not in result.output


def test_ctrl_c_in_the_main_thread_stops_every_thread_and_leaves_no_part(tmp_path, monkeypatch):
    """KeyboardInterrupt arrives in the main thread: here while it checks ids of the 5th batch."""
    path, adapter = _write(tmp_path)
    monkeypatch.setattr(split, "READ_BYTES", 2048)
    real, calls = mapping.Mapper.finish, []

    def finish(self, b, index, stats):
        calls.append(1)
        if len(calls) == 5:
            raise KeyboardInterrupt
        return real(self, b, index, stats)

    monkeypatch.setattr(mapping.Mapper, "finish", finish)
    with pytest.raises(KeyboardInterrupt):
        ingest(path, adapter, tmp_path / "s")
    assert _ingest_threads() == []
    assert not list((tmp_path / "s" / "calls").iterdir()) and not list((tmp_path / "s" / "quarantine").iterdir())
