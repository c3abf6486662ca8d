"""Issue 8, the ingest items: one regression test per item, each on the smallest file that shows
it, black-box through ``ingest()`` or ``altresponse ingest --json``."""

from __future__ import annotations

import json

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from altresponse.adapter import Adapter
from altresponse.cli import app
from altresponse.errors import UsageError
from altresponse.ingest import ingest

runner = CliRunner()


def _adapter(**over) -> Adapter:
    spec = {
        "name": "newcity",
        "time_zone": "America/Chicago",
        "id": {"column": ["id"]},
        "timestamps": {"received": {"column": ["received"], "format": ["%Y-%m-%d"]}},
        "fields": {"type_desc": ["nature"], "beat": ["beat"], "location_text": ["address"]},
        "format": {"null_values": ["NA"]},
    }
    spec.update(over)
    return Adapter.model_validate(spec)


def _file(tmp_path, rows, header="id,received,nature,beat,address", name="in.csv"):
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n")
    return path


def _calls(store):
    return pq.read_table(sorted((store / "calls").glob("*.parquet"))).to_pylist()


def test_item8_1_date_only_format_is_stored_as_date(tmp_path):
    path = _file(tmp_path, ["1,2024-03-01,CRISIS,11,", "2,2024-03-02,CRISIS,12,"])
    f = ingest(path, _adapter(), tmp_path / "s").files[0]
    rows = _calls(tmp_path / "s")
    assert [str(r["received_date"]) for r in rows] == ["2024-03-01", "2024-03-02"]
    assert all(r["received_at"] is None and r["received_local"] is None for r in rows)
    assert "date only" in f.date_only["received"]


def test_item8_1_all_midnight_values_are_stored_as_date(tmp_path):
    path = _file(tmp_path, ["1,2024-03-01 00:00:00,CRISIS,11,", "2,2024-03-02 00:00:00,CRISIS,12,"])
    adapter = _adapter(timestamps={"received": {"column": ["received"], "format": ["%Y-%m-%d %H:%M:%S"]}})
    f = ingest(path, adapter, tmp_path / "s").files[0]
    rows = _calls(tmp_path / "s")
    assert [str(r["received_date"]) for r in rows] == ["2024-03-01", "2024-03-02"]
    assert all(r["received_at"] is None and r["received_local"] is None for r in rows)
    assert "00:00:00" in f.date_only["received"]
    # one value with a time of day: the column has times, all are kept
    path = _file(tmp_path, ["1,2024-03-01 00:00:00,CRISIS,11,", "2,2024-03-02 13:05:00,CRISIS,12,"], name="t.csv")
    f = ingest(path, adapter, tmp_path / "s2").files[0]
    assert f.date_only == {} and all(r["received_at"] is not None for r in _calls(tmp_path / "s2"))


def test_item8_2_date_only_later_timestamps_are_reported(tmp_path):
    path = _file(tmp_path, ["1,2024-03-01,2024-03-01,CRISIS", "2,2024-03-02,2024-03-03,CRISIS"], header="id,received,dispatched,nature")
    adapter = _adapter(
        timestamps={
            "received": {"date": ["received"], "date_format": ["%Y-%m-%d"]},
            "dispatched": {"date": ["dispatched"], "date_format": ["%Y-%m-%d"]},
        },
        fields={"type_desc": ["nature"]},
    )
    f = ingest(path, adapter, tmp_path / "s").files[0]
    assert f.rows_loaded == 2
    note = f.date_only["dispatched"]
    assert "2 dates" in note and "not kept" in note and "dispatched_date" in note
    assert "stored as received_date" in f.date_only["received"]


def test_item8_3_blank_is_null(tmp_path):
    path = _file(tmp_path, ["1,2024-03-01,CRISIS,,", "2,2024-03-02,CRISIS,  ,", "3,2024-03-02,CRISIS,NA,", "4,2024-03-02,CRISIS,12,"])
    ingest(path, _adapter(), tmp_path / "s")  # null_values has no "" in it
    assert [r["beat"] for r in _calls(tmp_path / "s")] == [None, None, None, "12"]


def test_item8_4_reingest_after_adapter_edit_says_so_and_replace_swaps(tmp_path):
    path = _file(tmp_path, ["1,2024-03-01,CRISIS,11,", "2,2024-03-02,CRISIS,12,"])
    first = ingest(path, _adapter(), tmp_path / "s").files[0]
    edited = _adapter(description="beats fixed")
    with pytest.raises(UsageError, match=f"part {first.ingest_id}.*hash {first.adapter_hash}.*--replace"):
        ingest(path, edited, tmp_path / "s")
    yaml_path = tmp_path / "newcity.yaml"
    yaml_path.write_text(json.dumps(edited.model_dump(mode="json")))  # JSON is YAML
    result = runner.invoke(app, ["ingest", str(path), "--adapter", str(yaml_path), "--store", str(tmp_path / "s")])
    assert result.exit_code == 2 and len(result.output.strip().splitlines()) == 1 and "--replace" in result.output
    result = runner.invoke(app, ["ingest", str(path), "--adapter", str(yaml_path), "--store", str(tmp_path / "s"), "--replace", "--json"])
    assert result.exit_code == 0, result.output
    f = json.loads(result.stdout)["files"][0]
    assert (f["rows_loaded"], f["replaced"]) == (2, [first.ingest_id])
    assert len(_calls(tmp_path / "s")) == 2
    assert sorted(p.stem for p in (tmp_path / "s/calls").glob("*.parquet")) == [f["ingest_id"]]
    # other bytes, same ids (an export saved again): every row a duplicate, and the report says why
    again = tmp_path / "again.csv"
    again.write_text(path.read_text() + "\n")
    note = ingest(again, edited, tmp_path / "s").files[0].note
    assert "all 2 rows are duplicate_id" in note and "already in the store" in note


def test_item8_5_values_changed_by_rules_are_counted(tmp_path):
    path = _file(
        tmp_path,
        ["1,2024-03-01,CRISIS,41.88,-87.63", "2,2024-03-01,CRISIS,0,0", "3,2024-03-01,CRISIS,10.0,10.0", "4,2024-03-01,CRISIS,41.88,"],
        header="id,received,nature,lat,lon",
    )
    adapter = _adapter(coordinates={"latitude": ["lat"], "longitude": ["lon"], "bbox": [-88.0, 41.6, -87.5, 42.1], "out_of_bounds": "null"})
    f = ingest(path, adapter, tmp_path / "s").files[0]
    assert f.rows_loaded == 4
    assert f.values_changed == {"coordinates_zero": 1, "coordinates_out_of_bounds": 1, "coordinates_half_missing": 1, "coordinates_nulled": 3}
    assert [r["latitude"] is None for r in _calls(tmp_path / "s")] == [False, True, True, True]


def test_item8_11_addresses_cut_to_hundred_block_by_default(tmp_path):
    addresses = ["2412 MAIN ST", "24TH ST / MAIN ST", "1ST AVE / 2ND ST", "7 ELM ST", "200 BLOCK OF OAK"]
    path = _file(tmp_path, [f"{i},2024-03-01,CRISIS,11,{a}" for i, a in enumerate(addresses)])
    f = ingest(path, _adapter(), tmp_path / "s").files[0]
    got = [r["location_text"] for r in _calls(tmp_path / "s")]
    assert got == ["24XX MAIN ST", "24TH ST / MAIN ST", "1ST AVE / 2ND ST", "XX ELM ST", "200 BLOCK OF OAK"]
    assert f.values_changed["address_cut_to_block"] == 2
    ingest(path, _adapter(block_level=[]), tmp_path / "s2")  # an explicit opt-out keeps them
    assert [r["location_text"] for r in _calls(tmp_path / "s2")] == addresses
