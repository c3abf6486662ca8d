"""compare: programs applied to other cities (areas), published figures as data, the table's numbers.

Expected values come from the raw Durham CSV (read with pandas here) or from the program files
(read with yaml here), never from the code under test.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from altresponse.cli import app
from altresponse.compare import compare, localise, write_compare
from altresponse.compare.localise import area_status, default_as_of
from altresponse.errors import ProgramError
from altresponse.program import Program, load_program

REPO = Path(__file__).resolve().parents[1]
DURHAM = REPO / "programs" / "durham-heart.yaml"
DENVER = REPO / "programs" / "denver-star.yaml"
BHEARD = REPO / "programs" / "nyc-bheard.yaml"
DURHAM_CSV = "durham/durham_dpd_cfs_2021_heart_beats_community_safety_types.csv"
# The sample's six natures (its SOURCE.md); the program file lists each one's canonical type
# (TRESPASS, EDP, WELFARE, PHANDLE, SUICTHRT, INTOX) among crt's eligible types.
SIX_NATURES = {"TRESPASS OR UNWANTED", "CRISIS", "WELFARE CHECK", "PANHANDLING OR NUISANCE", "SUICIDE THREAT", "INTOXICATED PERSON"}
runner = CliRunner()


def _program(area, *, city="durham") -> Program:
    return Program.from_dict({
        "id": "t", "version": "1", "timezone": "UTC", "planned_response": "team", "city": city,
        "responses": [{"id": "team", "name": "T", "kind": "field_team", "eligible_types": ["MNTL"], "fallback": "police",
                       "periods": [{"id": "p", "start": "2020-01-01", "service_area": area, "hours": "always", "teams_per_shift": 1}]}],
    })


def test_beat_lists_apply_only_in_their_own_city():
    prog = _program(["111", "112"])
    assert localise(prog, sources={"durham"}).responses[0].periods[0].service_area == ["111", "112"]
    # in Portland no beat is in area, and the in-area figure is flagged as not meaningful
    assert localise(prog, sources={"portland"}).responses[0].periods[0].service_area == []
    assert area_status(prog, "team", dt.date(2021, 1, 1), sources={"portland"})[0] == "other_city"
    assert area_status(prog, "team", dt.date(2021, 1, 1), sources={"durham"})[0] == "beats"


def test_local_area_is_named_by_the_city_applying_it(tmp_path):
    prog = _program({"local": "pilot", "note": "the first beats"})
    period = prog.responses[0].periods[0]
    assert (period.local_area, period.service_area) == ("pilot", [])  # no beats until a city names them
    assert area_status(prog, "team", dt.date(2021, 1, 1), sources={"portland"})[0] == "unnamed"
    named = localise(prog, sources={"portland"}, areas={"pilot": ["A", "B"]})
    assert named.responses[0].periods[0].service_area == ["A", "B"]
    assert localise(prog, sources={"x"}, areas={"pilot": None}).responses[0].periods[0].service_area is None
    # the YAML form survives a round trip, and never carries beats a city named
    back = load_program(prog.to_yaml(tmp_path / "p.yaml"))
    assert back == prog
    assert yaml.safe_load((tmp_path / "p.yaml").read_text())["responses"][0]["periods"][0]["service_area"] == {"local": "pilot"}


def test_local_area_bad_forms_are_rejected():
    for bad in ({"local": "Pilot Area"}, {"beats": ["1"]}, {"local": "p", "extra": 1}):
        with pytest.raises(ProgramError, match="service_area"):
            _program(bad)


def test_default_as_of_is_the_latest_period():
    assert default_as_of(load_program(DURHAM)) == dt.date(2023, 10, 23)  # the citywide period's start in the file


def test_published_figures_are_data_in_the_program_files():
    raw = yaml.safe_load(DURHAM.read_text())["published"][0]
    fig = load_program(DURHAM).published[0]
    assert fig.share == pytest.approx(raw["eligible_calls"] / raw["calls"])  # ≈ 14.5%
    assert fig.per_year == raw["eligible_calls"]
    star = yaml.safe_load(DENVER.read_text())["published"][0]
    assert load_program(DENVER).published[0].share == star["eligible_share"]


@pytest.fixture(scope="module")
def durham_doc(real_stores, tmp_path_factory):
    doc = compare([real_stores["durham"]], [DURHAM, DENVER])
    out = tmp_path_factory.mktemp("compare_durham")
    return doc, write_compare(doc, out)


@pytest.fixture(scope="module")
def durham_raw(real_dir):
    df = pd.read_csv(real_dir / DURHAM_CSV)
    df["hour"] = pd.to_datetime(df["Call Time"], format="%I:%M:%S%p").dt.hour
    return df


@pytest.mark.slow
def test_durham_heart_on_durham_counts_match_the_raw_file(durham_doc, durham_raw):
    doc, _ = durham_doc
    row = next(r for r in doc["rows"] if (r["program_id"], r["response"], r["store"]) == ("durham-heart", "crt", "durham"))
    assert row["calls"] == len(durham_raw)
    assert row["eligible_calls"] == int(durham_raw["Nature"].isin(SIX_NATURES).sum())
    # judged as of the citywide period: 08:00-20:00 every day (program file), Durham's own beats
    assert row["answerable_in_hours"] == int(durham_raw["hour"].between(8, 19).sum())
    assert row["in_area_and_hours"] == row["answerable_in_hours"]  # citywide
    assert row["answerable_share"] == pytest.approx(row["answerable_in_hours"] / len(durham_raw))


@pytest.mark.slow
def test_durham_sample_is_flagged_as_a_subset(durham_doc):
    doc, _ = durham_doc
    codes = [c["code"] for c in doc["stores"][0]["caveats"]]
    assert "subset" in codes and "dates_only" not in codes
    assert all("subset" in r["caveats"] for r in doc["rows"])


@pytest.mark.slow
def test_published_figure_beside_ours_with_why(durham_doc):
    doc, written = durham_doc
    heart = next(f for f in doc["published"] if f["program_id"] == "durham-heart")
    raw = yaml.safe_load(DURHAM.read_text())["published"][0]
    assert heart["theirs_share"] == pytest.approx(raw["eligible_calls"] / raw["calls"])
    any_row = next(r for r in doc["rows"] if (r["program_id"], r["response"]) == ("durham-heart", "any"))
    assert heart["ours_share"] == pytest.approx(any_row["eligible_calls"] / any_row["calls"])
    assert any("filtered subset" in w for w in heart["why_they_differ"])
    star = next(f for f in doc["published"] if f["program_id"] == "denver-star")
    assert any("what-if" in w for w in star["why_they_differ"])  # Denver's figure, Durham's calls
    page = Path(written["html"]).read_text()
    assert "Published figures beside ours" in page and "14.5%" in page and "2.8%" in page
    saved = json.loads(Path(written["json"]).read_text())
    assert saved["published"][0]["published_source"]


@pytest.mark.slow
def test_cli_compare_writes_the_page_and_json(real_stores, tmp_path):
    out = tmp_path / "cmp"
    result = runner.invoke(app, ["compare", "--store", str(real_stores["burlington"]), "--program", str(DENVER),
                                 "--program", str(BHEARD), "--area", "pilot=citywide", "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert {r["store"] for r in doc["rows"]} == {"burlington"}
    assert {p.name for p in out.iterdir()} >= {"compare.html", "compare.json", "compare__rows.csv", "compare__published.csv"}
    # B-HEARD's latest area is local: named citywide here, so its in-area figure is computed
    (bheard,) = [r for r in doc["rows"] if r["program_id"] == "nyc-bheard"]
    assert "area_unnamed" not in bheard["caveats"] and bheard["in_area_and_hours"] == bheard["answerable_in_hours"]


def test_cli_compare_bad_input_is_one_line(tmp_path):
    result = runner.invoke(app, ["compare", "--store", str(tmp_path), "--program", str(DENVER), "--area", "pilot"])
    assert result.exit_code == 2 and "--area" in result.output
    result = runner.invoke(app, ["compare", "--store", str(tmp_path / "none"), "--program", str(DENVER)])
    assert result.exit_code == 3 and "no calls table" in result.output


def _stats(**over):
    base = {"calls": 1000, "timed": 1000, "unmapped": 0, "behavioral_health": 10, "channel_known": 1000,
            "days": 400, "sources": ["x"]}
    return {**base, **over}


@pytest.mark.parametrize(("over", "code", "present"), [
    ({"unmapped": 21}, "unmapped_types", True),     # 2.1% > 2%
    ({"unmapped": 20}, "unmapped_types", False),    # exactly 2% is not above it
    ({"timed": 0}, "dates_only", True),
    ({"timed": 900}, "partly_timed", True),
    ({"channel_known": 0}, "no_channel", True),
    ({"days": 61}, "short_span", True),
    ({"sources": ["synth"]}, "synthetic", True),
    ({"behavioral_health": 0}, "no_behavioral_health", True),
    ({}, None, False),
])
def test_store_caveats_thresholds(tmp_path, over, code, present):
    from altresponse.compare.caveats import store_caveats

    codes = [c["code"] for c in store_caveats(tmp_path, _stats(**over))]
    assert (code in codes) is present if code else codes == []


def test_subset_caveat_quotes_the_source_md(tmp_path, samples_dir):
    import shutil

    from altresponse.compare.caveats import _subset_notes

    store = tmp_path / "store"
    (store / "ingests").mkdir(parents=True)
    csv = samples_dir / "durham" / "durham_dpd_cfs_2021_heart_beats_community_safety_types.csv"
    (store / "ingests" / "x.json").write_text(json.dumps({"path": str(csv)}))
    (note,) = _subset_notes(store)
    assert "filtered subset" in note and csv.name in note
    # a source folder whose SOURCE.md does not call the file a subset gives no note
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(csv, other / csv.name)
    (other / "SOURCE.md").write_text(f"# {csv.name}\nEvery call of the year.\n")
    (store / "ingests" / "x.json").write_text(json.dumps({"path": str(other / csv.name)}))
    assert _subset_notes(store) == []
