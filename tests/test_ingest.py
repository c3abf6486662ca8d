"""Ingest: real Durham figures, reconciliation, re-ingest, malformed input."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from altresponse.calls import CALLS_SCHEMA
from altresponse.errors import AdapterError, InputError
from altresponse.ingest import ingest

DURHAM_CSV = "durham/durham_dpd_cfs_2021_heart_beats_community_safety_types.csv"


def _calls(store: Path):
    return pq.read_table(sorted((store / "calls").glob("*.parquet")))


@pytest.fixture(scope="module")
def durham_store(real_dir, tmp_path_factory):
    store = tmp_path_factory.mktemp("durham")
    report = ingest(real_dir / DURHAM_CSV, "durham", store)
    return store, report


def test_durham_loads_every_row(durham_store):
    _, report = durham_store
    assert report.rows_read == 4033
    assert report.rows_loaded == 4033
    assert report.rows_quarantined == 0
    assert report.files[0].reconciled


def test_durham_counts_by_nature(durham_store):
    store, _ = durham_store
    counts = _calls(store).group_by("type_desc").aggregate([("call_id", "count")]).to_pylist()
    got = {r["type_desc"]: r["call_id_count"] for r in counts}
    assert got == {
        "TRESPASS OR UNWANTED": 2210,
        "CRISIS": 545,
        "WELFARE CHECK": 520,
        "PANHANDLING OR NUISANCE": 371,
        "SUICIDE THREAT": 199,
        "INTOXICATED PERSON": 188,
    }


def test_durham_schema_ids_and_times(durham_store):
    store, _ = durham_store
    t = _calls(store)
    assert t.schema.equals(CALLS_SCHEMA)
    rows = t.to_pylist()
    assert len({r["call_id"] for r in rows}) == 4033
    assert all(r["call_id"].startswith("durham:h") for r in rows)
    first = min(rows, key=lambda r: r["received_at"])
    # 1/1/2021 12:41:53AM Eastern = 05:41:53 UTC
    assert str(first["received_local"]) == "2021-01-01 00:41:53"
    assert first["received_at"].isoformat() == "2021-01-01T05:41:53+00:00"
    assert first["beat"] == "411" and first["agency"] == "POLICE"
    assert {r["priority"] for r in rows} == {2, 3, 4}


def test_reingest_adds_nothing(real_dir, tmp_path):
    first = ingest(real_dir / DURHAM_CSV, "durham", tmp_path)
    again = ingest(real_dir / DURHAM_CSV, "durham", tmp_path)
    assert first.rows_loaded == 4033
    assert again.files[0].already_ingested
    assert again.rows_loaded == 0
    assert _calls(tmp_path).num_rows == 4033
    assert len(list((tmp_path / "ingests").glob("*.json"))) == 1


# --------------------------------------------------------------------------- malformed input
# Small files in the synth adapter's layout (ids, full timestamp chain).

HEADER = (
    "call_id,agency,received_local,dispatched_local,enroute_local,onscene_local,cleared_local,"
    "nature,priority,source,disposition,beat,district,latitude,longitude,location_text,cancelled,units"
)


def _row(call_id, received="2021-06-01 10:00:00", dispatched="2021-06-01 10:05:00", nature="CRISIS", **kw):
    values = {
        "call_id": call_id, "agency": "POLICE", "received_local": received, "dispatched_local": dispatched,
        "enroute_local": "", "onscene_local": "", "cleared_local": "", "nature": nature, "priority": "3",
        "source": "Phone Call", "disposition": "", "beat": "111", "district": "D1", "latitude": "35.99",
        "longitude": "-78.90", "location_text": "", "cancelled": "0", "units": "1",
    }
    values.update(kw)
    return ",".join(values[c] for c in HEADER.split(","))


def _write(tmp_path, name, text, *, encoding="utf-8", newline="\n"):
    path = tmp_path / name
    path.write_bytes(text.replace("\n", newline).encode(encoding))
    return path


def _reasons(report):
    return report.files[0].quarantine_reasons


def _quarantine(store):
    return pq.read_table(sorted((store / "quarantine").glob("*.parquet"))).to_pylist()


def test_bad_dates_are_quarantined_with_raw_row(tmp_path):
    text = "\n".join([HEADER, _row("1"), _row("2", received="2021-02-30 10:00:00"), _row("3", received="yesterday"), _row("4")]) + "\n"
    report = ingest(_write(tmp_path, "bad_dates.csv", text), "synth", tmp_path / "s")
    assert (report.rows_read, report.rows_loaded) == (4, 2)
    assert _reasons(report) == {"unparseable_timestamp": 2}
    q = _quarantine(tmp_path / "s")
    assert [r["source_row"] for r in q] == [2, 3]
    assert json.loads(q[1]["raw"])["received_local"] == "yesterday"
    assert "timestamps.received" in q[0]["detail"]


def test_shuffled_columns_map_by_name(tmp_path):
    cols = HEADER.split(",")
    shuffled = list(reversed(cols))
    row = dict(zip(cols, _row("7").split(",")))
    text = ",".join(shuffled) + "\n" + ",".join(row[c] for c in shuffled) + "\n"
    report = ingest(_write(tmp_path, "shuffled.csv", text), "synth", tmp_path / "s")
    assert report.rows_loaded == 1
    got = _calls(tmp_path / "s").to_pylist()[0]
    assert got["call_id"] == "synth:7" and got["type_desc"] == "CRISIS" and got["channel"] == "phone"


def test_duplicate_ids_within_file_and_against_store(tmp_path):
    first = _write(tmp_path, "a.csv", "\n".join([HEADER, _row("1"), _row("2"), _row("1", nature="WELFARE CHECK")]) + "\n")
    report = ingest(first, "synth", tmp_path / "s")
    assert (report.rows_loaded, _reasons(report)) == (2, {"duplicate_id": 1})
    second = _write(tmp_path, "b.csv", "\n".join([HEADER, _row("2"), _row("3")]) + "\n")
    report2 = ingest(second, "synth", tmp_path / "s")
    assert (report2.rows_read, report2.rows_loaded, _reasons(report2)) == (2, 1, {"duplicate_id": 1})
    assert _calls(tmp_path / "s").num_rows == 3  # a new file appends


def test_bom_and_crlf(tmp_path):
    text = "\ufeff" + "\n".join([HEADER, _row("1"), _row("2")]) + "\n"
    report = ingest(_write(tmp_path, "bom.csv", text, newline="\r\n"), "synth", tmp_path / "s")
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (2, 2, 0)
    rows = _calls(tmp_path / "s").to_pylist()
    assert rows[0]["call_id"] == "synth:1" and rows[1]["units"] == 1  # no stray \r in the last field


def test_wrong_delimiter_is_one_clear_error(tmp_path):
    text = "\n".join([HEADER.replace(",", ";"), _row("1").replace(",", ";")]) + "\n"
    with pytest.raises(AdapterError, match="';'-delimited"):
        ingest(_write(tmp_path, "semi.csv", text), "synth", tmp_path / "s")
    assert not list((tmp_path / "s" / "calls").glob("*.parquet"))


def test_truncated_last_line_is_quarantined(tmp_path):
    text = "\n".join([HEADER, _row("1"), _row("2"), _row("3")[:40]])  # no final newline either
    report = ingest(_write(tmp_path, "trunc.csv", text), "synth", tmp_path / "s")
    assert (report.rows_read, report.rows_loaded, _reasons(report)) == (3, 2, {"malformed_row": 1})
    q = _quarantine(tmp_path / "s")
    assert q[0]["source_row"] == 3 and q[0]["raw"] == _row("3")[:40]


def test_header_only_and_zero_byte_files(tmp_path):
    header_only = ingest(_write(tmp_path, "h.csv", HEADER + "\n"), "synth", tmp_path / "s")
    assert (header_only.rows_read, header_only.rows_loaded) == (0, 0)
    assert "header only" in header_only.files[0].note
    empty = ingest(_write(tmp_path, "z.csv", ""), "synth", tmp_path / "s")
    assert (empty.rows_read, empty.rows_loaded) == (0, 0)
    assert "empty file" in empty.files[0].note
    assert _calls(tmp_path / "s").num_rows == 0


def test_backwards_intervals_are_flagged_not_dropped(tmp_path):
    text = "\n".join([HEADER, _row("1", dispatched="2021-06-01 09:59:00"), _row("2")]) + "\n"
    report = ingest(_write(tmp_path, "back.csv", text), "synth", tmp_path / "s")
    assert report.rows_loaded == 2
    flags = {r["call_id"]: r["time_flags"] for r in _calls(tmp_path / "s").to_pylist()}
    assert flags == {"synth:1": "dispatched_before_received", "synth:2": None}


def test_spring_forward_time_shifts_forward_and_is_flagged(tmp_path):
    text = "\n".join([HEADER, _row("1", received="2021-03-14 02:30:00", dispatched="")]) + "\n"
    ingest(_write(tmp_path, "gap.csv", text), "synth", tmp_path / "s")
    row = _calls(tmp_path / "s").to_pylist()[0]
    assert row["time_flags"] == "nonexistent_dst"
    assert str(row["received_local"]) == "2021-03-14 03:00:00"
    assert row["received_at"].isoformat() == "2021-03-14T07:00:00+00:00"


def test_unknown_closed_value_and_bad_number(tmp_path):
    text = "\n".join([HEADER, _row("1", cancelled="maybe"), _row("2", latitude="north"), _row("3", latitude="40.7")]) + "\n"
    report = ingest(_write(tmp_path, "vals.csv", text), "synth", tmp_path / "s")
    assert _reasons(report) == {"unknown_value": 1, "unparseable_number": 1, "coordinates_out_of_bounds": 1}
    assert report.files[0].reconciled


def test_strict_adds_nothing_when_rows_are_quarantined(tmp_path):
    text = "\n".join([HEADER, _row("1"), _row("2", received="bad")]) + "\n"
    report = ingest(_write(tmp_path, "s.csv", text), "synth", tmp_path / "s", strict=True)
    assert report.files[0].committed is False
    assert not list((tmp_path / "s" / "calls").glob("*.parquet"))


def test_parquet_input_streams_the_same(tmp_path):
    import pyarrow as pa

    rows = [dict(zip(HEADER.split(","), _row(str(i)).split(","))) for i in range(5)]
    path = tmp_path / "in.parquet"
    pq.write_table(pa.Table.from_pylist(rows), path)
    report = ingest(path, "synth", tmp_path / "s")
    assert (report.rows_read, report.rows_loaded) == (5, 5)


def test_missing_file_is_input_error(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        ingest(tmp_path / "nope.csv", "synth", tmp_path / "s")
