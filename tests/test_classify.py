"""classify() on the real Durham 2021 subset, premise history, explain().

The real subset (../shared/data/real/durham, SOURCE.md) holds six natures in beats 111, 112,
113, 122, 213, 214, 222, 223, 411, 511, 512, 513: ten of the twelve HEART pilot beats (114 and
413 are missing) plus 213 and 222, which were not pilot beats. The calls are from 2021, before
the pilot (mid-2022), so they are judged ``as_of`` the pilot's first day (a what-if).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import ibis
import pandas as pd
import pytest

from altresponse import store
from altresponse.classify import classify, explain, summary
from altresponse.program import load_program
from altresponse.rules import FACT_COLUMNS, compile_program

REPO = Path(__file__).resolve().parents[1]
PROGRAM = REPO / "programs" / "durham-heart.yaml"
PILOT_START = dt.date(2022, 6, 1)
PILOT_BEATS = ["111", "112", "113", "114", "122", "214", "223", "411", "413", "511", "512", "513"]


@pytest.fixture(scope="module")
def durham_store(real_dir, tmp_path_factory) -> Path:
    from altresponse.ingest import ingest

    path = tmp_path_factory.mktemp("durham_store")
    report = ingest(real_dir / "durham" / "durham_dpd_cfs_2021_heart_beats_community_safety_types.csv", "durham", path)
    assert report.rows_loaded == 4033
    return path


@pytest.fixture(scope="module")
def program():
    return load_program(PROGRAM)


@pytest.fixture(scope="module")
def pilot(durham_store, program) -> pd.DataFrame:
    return classify(store.calls(durham_store), program, as_of=PILOT_START).to_pandas()


# --- the expected figures, derived here from the raw CSV with pandas ----------------------------
# The six natures map one to one (typemaps/durham.yaml); the program (programs/durham-heart.yaml,
# pilot period): crt takes all six in 12 beats on weekdays 09:00-17:00; ccd takes EDP and
# SUICTHRT citywide 09:00-17:00 every day; crt falls back to ccd, ccd to police.
NATURE_TYPES = {"CRISIS": "EDP", "SUICIDE THREAT": "SUICTHRT", "TRESPASS OR UNWANTED": "TRESPASS",
                "WELFARE CHECK": "WELFARE", "INTOXICATED PERSON": "INTOX", "PANHANDLING OR NUISANCE": "PHANDLE"}


@pytest.fixture(scope="module")
def raw(real_dir) -> pd.DataFrame:
    df = pd.read_csv(real_dir / "durham" / "durham_dpd_cfs_2021_heart_beats_community_safety_types.csv", dtype=str)
    local = pd.to_datetime(df["Call Date"] + " " + df["Call Time"], format="%m/%d/%Y %I:%M:%S%p")
    day_hours = local.dt.hour.between(9, 16)
    out = pd.DataFrame({"type": df.Nature.map(NATURE_TYPES), "beat": df.Beat, "in_area": df.Beat.isin(PILOT_BEATS),
                        "crt_hours": day_hours & (local.dt.day_of_week < 5), "ccd_hours": day_hours})
    out["ccd_type"] = out.type.isin(["EDP", "SUICTHRT"])
    return out


def _counts(frame, hours) -> dict:
    return {(t, bool(h)): int(n) for (t, h), n in frame.groupby(["type", hours]).size().items()}


def _recommended(raw) -> dict:
    crt = raw.in_area & raw.crt_hours
    ccd = ~crt & raw.ccd_type
    rec = pd.Series("", index=raw.index)
    rec[crt] = "crt|crt.pilot"
    rec[ccd & raw.ccd_hours] = "ccd|ccd.pilot"
    rec[ccd & ~raw.ccd_hours] = "police|ccd.out_of_hours"
    rest = ~crt & ~raw.ccd_type
    rec[rest & ~raw.in_area] = "police|crt.out_of_area"
    rec[rest & raw.in_area] = "police|crt.out_of_hours"
    return {tuple(k.split("|")): int(v) for k, v in rec.value_counts().items()}


def test_the_raw_derivation_matches_the_pinned_figures(raw):
    # The figures pinned below are these, computed from the raw file (not from classify).
    assert raw.type.notna().all() and len(raw) == 4033
    crt = _counts(raw, "crt_hours")
    assert crt[("TRESPASS", True)] == 665 and crt[("EDP", False)] == 369
    assert _counts(raw[raw.ccd_type], "ccd_hours") == {("EDP", True): 215, ("EDP", False): 330, ("SUICTHRT", True): 67, ("SUICTHRT", False): 132}
    assert _recommended(raw)[("police", "crt.out_of_area")] == 377


def test_eligible_by_response_type_and_pilot_hours(pilot, raw):
    """Eligible calls per response and canonical type, inside / outside that response's pilot hours."""
    got = {}
    for r in ("ccd", "crt", "co_response", "care_nav"):
        e = pilot[pilot[f"eligible_{r}"]]
        got[r] = {(t, bool(h)): int(n) for (t, h), n in e.groupby(["canonical_type", f"in_hours_{r}"]).size().items()}
    crt = {  # weekdays 09:00-17:00
        ("EDP", True): 176, ("EDP", False): 369,
        ("INTOX", True): 40, ("INTOX", False): 148,
        ("PHANDLE", True): 142, ("PHANDLE", False): 229,
        ("SUICTHRT", True): 59, ("SUICTHRT", False): 140,
        ("TRESPASS", True): 665, ("TRESPASS", False): 1545,
        ("WELFARE", True): 147, ("WELFARE", False): 373,
    }
    assert got["crt"] == crt == _counts(raw, "crt_hours") and got["care_nav"] == crt
    assert got["co_response"] == {k: v for k, v in crt.items() if k[0] in ("EDP", "SUICTHRT")}
    # Crisis Call Diversion: assumed 09:00-17:00 every day
    assert got["ccd"] == {("EDP", True): 215, ("EDP", False): 330, ("SUICTHRT", True): 67, ("SUICTHRT", False): 132}
    assert got["ccd"] == _counts(raw[raw.ccd_type], "ccd_hours")
    assert sum(crt.values()) == len(pilot) == 4033  # no call in the subset names a weapon or violence


def test_recommended_response_under_pilot(pilot, raw):
    got = pilot.groupby(["recommended_response", "recommended_rule"]).size().to_dict()
    assert got == _recommended(raw)
    assert got == {
        ("crt", "crt.pilot"): 1084,
        ("ccd", "ccd.pilot"): 83,
        ("police", "crt.out_of_hours"): 2027,
        ("police", "ccd.out_of_hours"): 462,
        ("police", "crt.out_of_area"): 377,  # beats 213 and 222: not pilot beats
    }
    assert set(pilot.loc[pilot.recommended_rule == "crt.out_of_area", "beat"]) == {"213", "222"}
    assert (pilot.risk_level == "low").all() and (pilot.premise_violence == 0).all()
    assert pilot.program_id.unique().tolist() == ["durham-heart"]


def test_share_of_2021_pilot_beat_calls_eligible(pilot, real_dir, raw):
    per_beat = pd.read_csv(real_dir / "durham" / "durham_dpd_cfs_2021_calls_per_beat.csv", dtype={"beat": str})
    covered = sorted(set(PILOT_BEATS) & set(pilot.beat))
    assert covered == ["111", "112", "113", "122", "214", "223", "411", "511", "512", "513"]  # 114, 413 missing
    eligible = int((pilot.beat.isin(PILOT_BEATS) & pilot.eligible).sum())
    all_12 = int(per_beat[per_beat.beat.isin(PILOT_BEATS)].calls_2021.sum())
    all_10 = int(per_beat[per_beat.beat.isin(covered)].calls_2021.sum())
    assert (eligible, all_12, all_10) == (3527, 40939, 34219)
    assert eligible == int(raw.in_area.sum())  # every call in the file is of an eligible nature
    # A lower bound for the 12 beats (no eligible calls counted in 114 and 413; six natures only)
    assert round(eligible / all_12, 4) == 0.0862
    assert round(eligible / all_10, 4) == 0.1031
    # Taken by the field team in area and in pilot hours
    in_service = int((pilot.beat.isin(PILOT_BEATS) & pilot.eligible_crt & pilot.in_area_crt & pilot.in_hours_crt).sum())
    assert (in_service, round(in_service / all_12, 4)) == (1084, 0.0265)
    assert in_service == int((raw.in_area & raw.crt_hours).sum())


def test_dates_before_the_pilot_are_not_in_operation(durham_store, program):
    out = ibis.memtable(classify(store.calls(durham_store), program).to_pyarrow())
    s = summary(out, program)
    assert s["calls"] == 4033 and s["by_recommended_response"] == {"police": 4033}
    rules = out.recommended_rule.to_pandas().value_counts().to_dict()
    assert rules == {"crt.not_in_operation": 3289, "ccd.not_in_operation": 744}  # ccd: EDP + SUICTHRT


def test_engine_agrees_with_single_call_evaluator_on_real_calls(pilot, program):
    tree = compile_program(program, as_of=PILOT_START)
    facts = pilot[list(FACT_COLUMNS)].astype(object).where(pilot[list(FACT_COLUMNS)].notna(), None)
    for row, (_, labels) in zip(facts.to_dict("records"), pilot[tree.output_columns].iterrows()):
        row["received_local"] = row["received_local"].to_pydatetime() if row["received_local"] is not None else None
        row["received_date"] = pd.Timestamp(row["received_date"]).date() if row["received_date"] is not None else None
        row["priority"] = int(row["priority"]) if row["priority"] is not None else None
        row["premise_violence"] = int(row["premise_violence"]) if row["premise_violence"] is not None else None
        one = tree.evaluate(row)
        assert one == {k: (None if pd.isna(v) else (bool(v) if isinstance(v, (bool,)) or type(v).__name__ == "bool_" else v))
                       for k, v in labels.items()}


def test_explain_a_real_call(durham_store, program, pilot):
    row = pilot[(pilot.canonical_type == "SUICTHRT") & (pilot.beat == "411") & pilot.in_hours_crt].sort_values("received_local").iloc[0]
    got = explain(row.call_id, durham_store, program, as_of=PILOT_START)
    assert got["labels"]["recommended_response"] == "crt" == row.recommended_response
    assert got["labels"]["recommended_rule"] == "crt.pilot"
    assert got["facts"]["type_desc"] == "SUICIDE THREAT" and got["facts"]["beat"] == "411"
    fired = [(s["stage"], s["rule"]) for s in got["steps"] if s["fired"]]
    assert fired[0] == ("type", "durham.exact:SUICIDE THREAT")
    assert ("eligible crt", "crt.types") in fired and fired[-1] == ("route", "crt.pilot")
    assert not any(s["fired"] for s in got["steps"] if s["rule"] in ("crt.weapon", "crt.violence", "risk.weapon_words"))
    with pytest.raises(Exception, match="no call with call_id"):
        explain("durham:nope", durham_store, program)


def _calls(rows: list[dict]) -> ibis.Table:
    base = {"call_id": None, "source": "test", "canonical_type": "WELFARE", "category": "welfare", "type_rule": "t",
            "type_desc": "WELFARE CHECK", "narrative": None, "priority": 3, "beat": "111", "location_text": None,
            "latitude": None, "longitude": None, "received_local": None, "received_date": None}
    df = pd.DataFrame([{**base, **r} for r in rows])
    schema = {"call_id": "string", "source": "string", "canonical_type": "string", "category": "string", "type_rule": "string",
              "type_desc": "string", "narrative": "string", "priority": "int8", "beat": "string", "location_text": "string",
              "latitude": "float64", "longitude": "float64", "received_local": "timestamp", "received_date": "date"}
    return ibis.memtable(df, schema=schema)


def test_premise_history_and_force(program):
    ts = pd.Timestamp
    rows = [
        {"call_id": "a1", "location_text": "100 BLOCK MAIN ST", "type_desc": "ASSAULT", "canonical_type": "ASSAULT",
         "category": "violent_crime", "received_local": ts("2022-01-10 10:00")},
        {"call_id": "a2", "location_text": " 100 block main st ", "narrative": "man with a knife", "received_local": ts("2022-03-01 10:00")},
        {"call_id": "a3", "location_text": "100 BLOCK MAIN ST", "received_local": ts("2022-07-04 10:00")},
        {"call_id": "a4", "location_text": "100 BLOCK MAIN ST", "received_local": ts("2023-02-15 10:00")},  # a1 > 365 days ago, a2 within
        {"call_id": "b1", "latitude": 35.99412, "longitude": -78.89871, "received_local": ts("2022-07-03 11:00")},
        {"call_id": "b2", "latitude": 35.99449, "longitude": -78.89889, "received_local": ts("2022-07-05 11:00")},
        {"call_id": "c1", "received_local": ts("2022-07-05 11:00")},  # no location
    ]
    rows = [{**r, "received_date": r["received_local"].date()} for r in rows]
    force = ibis.memtable(pd.DataFrame({"latitude": [35.9942], "longitude": [-78.8987], "location_text": [None],
                                        "occurred_date": [dt.date(2022, 7, 4)]}),
                          schema={"latitude": "float64", "longitude": "float64", "location_text": "string", "occurred_date": "date"})
    out = classify(_calls(rows), program, force=force).to_pandas().set_index("call_id")
    counts = {k: None if pd.isna(v) else int(v) for k, v in out.premise_violence.items()}
    assert counts == {"a1": 0, "a2": 1, "a3": 2, "a4": 1, "b1": 0, "b2": 0, "c1": None}
    assert pd.isna(out.premise_force["c1"])
    assert [int(v) for v in out.premise_force[["a1", "b1", "b2"]]] == [0, 0, 1]  # the force incident is after b1, before b2 (same ~block)
    assert out.risk_rule[["a1", "a2", "a3", "a4", "b2"]].tolist() == [
        "risk.violence_words", "risk.weapon_words", "risk.premise_violence", "risk.premise_violence", "risk.premise_force"]
    assert out.eligible_rule_crt["a2"] == "crt.weapon"


def test_premise_force_uses_the_date_when_the_time_is_null(program):
    # the canonical force table has occurred_local; a date-only source (New Orleans) leaves it
    # null, so the date must count (as local midnight), and rows of one incident count once
    ts = pd.Timestamp
    rows = [{"call_id": c, "location_text": "200 BLOCK ELM ST", "received_local": ts(t)}
            for c, t in (("d1", "2022-07-04 10:00"), ("d2", "2022-07-06 10:00"), ("d3", "2022-07-09 10:00"))]
    rows = [{**r, "received_date": r["received_local"].date()} for r in rows]
    force = ibis.memtable(
        pd.DataFrame({
            "force_id": ["no:1", "no:2", "x:3"],
            "incident_id": ["FTN1", "FTN1", None],
            "location_text": ["200 BLOCK ELM ST"] * 3,
            "latitude": [None] * 3, "longitude": [None] * 3,
            "occurred_local": [None, None, ts("2022-07-08 23:00")],
            "occurred_date": [dt.date(2022, 7, 5), dt.date(2022, 7, 5), dt.date(2022, 7, 8)],
        }),
        schema={"force_id": "string", "incident_id": "string", "location_text": "string", "latitude": "float64",
                "longitude": "float64", "occurred_local": "timestamp", "occurred_date": "date"},
    )
    out = classify(_calls(rows), program, force=force).to_pandas().set_index("call_id")
    assert {k: int(v) for k, v in out.premise_force.items()} == {"d1": 0, "d2": 1, "d3": 2}


def test_cli_classify_explain_check(durham_store, tmp_path):
    import json

    from typer.testing import CliRunner

    from altresponse.cli import app

    runner = CliRunner()
    res = runner.invoke(app, ["classify", "--store", str(durham_store), "--program", str(PROGRAM), "--as-of", "2022-06-01", "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["calls"] == 4033
    assert doc["by_recommended_response"] == {"police": 2866, "crt": 1084, "ccd": 83}
    assert doc["eligible"] == {"ccd": 744, "crt": 4033, "co_response": 744, "care_nav": 4033}
    assert doc["by_risk_level"] == {"low": 4033, "elevated": 0, "high": 0}
    assert (durham_store / "classified" / "durham-heart.parquet").is_file()
    call_id = store.read_table(durham_store, "classified").call_id.to_pandas().iloc[0]
    res = runner.invoke(app, ["explain", call_id, "--store", str(durham_store), "--program", str(PROGRAM), "--json"])
    assert res.exit_code == 0 and json.loads(res.stdout)["call_id"] == call_id
    assert runner.invoke(app, ["check", str(PROGRAM)]).exit_code == 0
    assert runner.invoke(app, ["check", str(REPO / "src" / "altresponse" / "adapters" / "durham.yaml")]).exit_code == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text(PROGRAM.read_text().replace("fallback: police", "fallback: nobody", 1))
    res = runner.invoke(app, ["check", str(bad)])
    assert res.exit_code == 2 and '"nobody" is not a response id' in res.output
