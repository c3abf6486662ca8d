"""Regression tests for issue 8 items 6, 7 and 10 (time zones, stale labels, --typemap).

Fixture: the real Durham 2021 HEART-types export (4,033 calls) ingested once.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest
import yaml
from typer.testing import CliRunner

from altresponse import store as store_mod
from altresponse.classify import classify, classify_store
from altresponse.cli import app
from altresponse.ingest import ingest
from altresponse.relabel import stored_or_fresh
from altresponse.program import load_program

from paths import REAL, REPO

DURHAM = REAL / "durham" / "durham_dpd_cfs_2021_heart_beats_community_safety_types.csv"
PROGRAM = REPO / "programs" / "durham-heart.yaml"
AS_OF = dt.date(2023, 11, 1)  # citywide 08:00-20:00: hours decide many calls


@pytest.fixture(scope="module")
def durham_store(tmp_path_factory):
    store = tmp_path_factory.mktemp("durham") / "store"
    ingest([DURHAM], "durham", store)
    return store


def _copy(store, tmp_path):
    dst = tmp_path / "store"
    shutil.copytree(store, dst)
    return dst


def test_item6_program_tz_converted(durham_store):
    # The same instants labelled as Los Angeles calls (LA wall clocks) must be judged on the
    # program's New York clock: every label equals the New York original's.
    prog = load_program(PROGRAM)
    calls = store_mod.calls(durham_store)
    df = calls.execute()
    import ibis
    import pandas as pd

    la = df.copy()
    la["source_tz"] = "America/Los_Angeles"
    la["received_local"] = pd.to_datetime(la["received_at"]).dt.tz_convert("America/Los_Angeles").dt.tz_localize(None)
    la["received_date"] = la["received_local"].dt.date
    assert (la["received_local"] != df["received_local"]).all()  # the wall clocks do differ
    cols = ["call_id", "in_hours_crt", "eligible_crt", "recommended_response"]
    ny = classify(ibis.memtable(df), prog, as_of=AS_OF).select(*cols).execute().set_index("call_id").sort_index()
    out = classify(ibis.memtable(la), prog, as_of=AS_OF)
    got = out.select(*cols).execute().set_index("call_id").sort_index()
    pd.testing.assert_frame_equal(got, ny)
    # the calls keep their own local times in the output
    back = out.select("call_id", "received_local").execute().set_index("call_id").sort_index()
    assert (back["received_local"].values == la.set_index("call_id").sort_index()["received_local"].values).all()
    # ... and the program's clock beside them: the New York wall clock of the same instants
    ny_clock = out.select("call_id", "received_program_local").execute().set_index("call_id").sort_index()
    assert (ny_clock["received_program_local"].values == df.set_index("call_id").sort_index()["received_local"].values).all()


def test_item6_mismatch_stated_in_summary_and_report(durham_store, tmp_path):
    store = _copy(durham_store, tmp_path)
    prog = load_program(PROGRAM).model_copy(update={"timezone": "America/Chicago"})
    doc = classify_store(store, prog, as_of=AS_OF)
    assert doc["time_zone"] == {"program": "America/Chicago", "data": ["America/New_York"]}
    assert any("America/New_York" in n and "program's clock" in n for n in doc["notes"])
    from altresponse.report import load_inputs

    notes: list[str] = []
    program_file = tmp_path / "chicago.yaml"
    data = yaml.safe_load(PROGRAM.read_text())
    data["timezone"] = "America/Chicago"
    program_file.write_text(yaml.safe_dump(data))
    load_inputs(store, program_file, as_of=AS_OF, notes=notes)
    assert any("America/New_York" in n for n in notes)


def test_item7_labels_recomputed_when_as_of_differs(durham_store, tmp_path):
    store = _copy(durham_store, tmp_path)
    prog = load_program(PROGRAM)
    classify_store(store, prog, as_of=None)
    record = json.loads(store_mod.label_record_path(store, prog.id).read_text())
    assert record["as_of"] is None and record["program_version"] == prog.version and "durham" in record["typemaps"]
    table, note = stored_or_fresh(store, prog, as_of=None)
    assert note is None
    table, note = stored_or_fresh(store, prog, as_of=AS_OF)
    assert note is not None and "as of" in note and "recomputed" in note
    assert json.loads(store_mod.label_record_path(store, prog.id).read_text())["as_of"] == AS_OF.isoformat()
    # the recomputed labels are the as-of ones
    fresh = classify(store_mod.calls(store), prog, as_of=AS_OF).eligible_crt.sum().execute()
    assert table.eligible_crt.sum().execute() == fresh


def test_item7_labels_recomputed_when_program_or_typemap_differs(durham_store, tmp_path):
    store = _copy(durham_store, tmp_path)
    prog = load_program(PROGRAM)
    classify_store(store, prog, as_of=AS_OF)
    newer = prog.model_copy(update={"version": "2099.1"})
    _, note = stored_or_fresh(store, newer, as_of=AS_OF)
    assert "program version" in note
    tm = tmp_path / "tm.yaml"
    data = yaml.safe_load((REPO / "src" / "altresponse" / "typemaps" / "durham.yaml").read_text())
    data["exact"]["CRISIS"] = "WELFARE"
    tm.write_text(yaml.safe_dump(data))
    _, note = stored_or_fresh(store, newer, as_of=AS_OF, typemap=str(tm))
    assert "type map" in note


def test_item7_report_cli_says_labels_were_recomputed(durham_store, tmp_path):
    store = _copy(durham_store, tmp_path)
    classify_store(store, load_program(PROGRAM), as_of=None)
    res = CliRunner().invoke(app, ["report", "--store", str(store), "--program", str(PROGRAM), "--out", str(tmp_path / "r"),
                                   "--as-of", AS_OF.isoformat()])
    assert res.exit_code == 0, res.output
    assert "recomputed" in res.output


def _own_adapter(tmp_path, *, typemap_line: str | None):
    """The Durham adapter as a new city's own file (source newtown), with its own type map."""
    data = yaml.safe_load((REPO / "src" / "altresponse" / "adapters" / "durham.yaml").read_text())
    data["name"] = "newtown"
    data.pop("typemap")
    if typemap_line:
        data["typemap"] = typemap_line
    tm = yaml.safe_load((REPO / "src" / "altresponse" / "typemaps" / "durham.yaml").read_text())
    tm["source"] = "newtown"
    (tmp_path / "maps").mkdir(exist_ok=True)
    (tmp_path / "maps" / "newtown-types.yaml").write_text(yaml.safe_dump(tm))
    path = tmp_path / "newtown.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_item10_classify_without_a_type_map_says_how_to_give_one(tmp_path):
    adapter = _own_adapter(tmp_path, typemap_line=None)
    store = tmp_path / "store"
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", str(DURHAM), "--adapter", str(adapter), "--store", str(store)]).exit_code == 0
    res = runner.invoke(app, ["classify", "--store", str(store), "--program", str(PROGRAM)])
    assert res.exit_code == 2 and "--typemap" in res.output


def test_item10_typemap_option_and_adapter_typemap_file(tmp_path):
    adapter = _own_adapter(tmp_path, typemap_line="maps/newtown-types.yaml")  # relative to the adapter
    store = tmp_path / "store"
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", str(DURHAM), "--adapter", str(adapter), "--store", str(store)]).exit_code == 0
    res = runner.invoke(app, ["classify", "--store", str(store), "--program", str(PROGRAM), "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["typemaps"] == {"newtown": "newtown"}
    labels = store_mod.read_table(store, "classified").execute()
    assert labels["type_rule"].str.startswith("newtown.").all()
    # --typemap wins over the adapter's, on every verb that classifies
    res = runner.invoke(app, ["classify", "--store", str(store), "--program", str(PROGRAM), "--typemap", "durham", "--json"])
    assert json.loads(res.stdout)["typemaps"] == {"newtown": "durham"}
    call_id = labels["call_id"].iloc[0]
    res = runner.invoke(app, ["explain", call_id, "--store", str(store), "--program", str(PROGRAM), "--typemap",
                              str(tmp_path / "maps" / "newtown-types.yaml"), "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["labels"]["type_rule"].startswith("newtown.")
