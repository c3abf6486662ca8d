"""The public site: built from the bundled Durham sample and from synthetic calls with the
service's records injected; scanned for anything private; every published count checked.

Private strings come from the inputs themselves (the raw CSV's coordinates and times, the
store's call ids, the synthetic block addresses, planted narratives), never from a list.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from pathlib import Path

import ibis
import pandas as pd
import pytest
from paths import REPO, SAMPLES

from altresponse.program import load_program
from altresponse.publish.site import build_site

PROGRAM = REPO / "programs" / "durham-heart.yaml"
DURHAM = SAMPLES / "durham"
DURHAM_CSV = DURHAM / "durham_dpd_cfs_2021_heart_beats_community_safety_types.csv"
BEATS = DURHAM / "durham_police_beats_dissolved.geojson"
K = 11


def _classified(store: Path):
    from altresponse.report import load_inputs

    classified, _force, program = load_inputs(store, PROGRAM, as_of=dt.date(2022, 6, 1))
    return classified, program


@pytest.fixture(scope="module")
def durham_site(tmp_path_factory):
    from _shared_builds import durham_sample_site

    from altresponse.publish.suppress import MIN_CELL

    assert MIN_CELL == K  # the shared site is built with the default smallest cell
    built = durham_sample_site(tmp_path_factory)  # once per run (test_pages_browser.py opens the same site)
    classified, _ = _classified(built["store"])
    ids = set(classified.select("call_id").to_pandas()["call_id"])
    return built["site"], ids


def _site_text(site: Path) -> dict[Path, str]:
    files = {p: p.read_text() for p in site.rglob("*") if p.is_file()}
    assert any(p.suffix == ".html" for p in files) and any(p.suffix == ".csv" for p in files)
    return files


_GRAM = 6  # needles at least this long are first looked up by their first and last 6 characters


def _hits(files: dict[Path, str], needles: set[str]) -> list[tuple[str, str]]:
    """(file, needle) for every needle found in a file's text. Exact: a needle in the text has its
    first and its last ``_GRAM`` characters among the text's ``_GRAM``-grams, so only needles with
    both there are searched in full (10,000 needles each scanning every file took ~20 s of CPU)."""
    found = []
    for path, text in files.items():
        grams = {text[i:i + _GRAM] for i in range(len(text) - _GRAM + 1)}
        for needle in needles:
            if not needle or (len(needle) >= _GRAM and (needle[:_GRAM] not in grams or needle[-_GRAM:] not in grams)):
                continue
            if needle in text:
                found.append((path.name, needle))
    return found


def _coordinate_needles(values) -> set[str]:
    """Each coordinate written with 5 or more decimals (~1 m), as the file writes it and at 5
    decimals. A value with fewer decimals is checked as a pair instead (:func:`_pair_hits`): a
    lone "35.9893" also names a line of latitude every beat outline crosses."""
    out = set()
    for v in values:
        if v in (None, "") or pd.isna(v):
            continue
        text = str(v)
        if len(text.split(".")[-1]) >= 5:
            out |= {text, f"{float(v):.5f}"}
    return out


_NUMBER = re.compile(r"-?\d+\.\d+")


def _pair_hits(files: dict[Path, str], points) -> list[tuple[str, tuple[float, float]]]:
    """Input points (lon, lat) that appear as two neighbouring numbers in a file, in either
    order, equal at the precision the input wrote them (or at 5 decimals)."""
    wanted = set()
    for lon, lat in points:
        if pd.isna(lon) or pd.isna(lat):
            continue
        wanted.add((round(float(lon), 5), round(float(lat), 5)))
    found = []
    for path, text in files.items():
        nums = [round(float(m), 5) for m in _NUMBER.findall(text)]
        for a, b in zip(nums, nums[1:]):
            if (a, b) in wanted or (b, a) in wanted:
                found.append((path.name, (a, b)))
    return found


@pytest.mark.slow
def test_durham_site_carries_no_coordinate_time_or_id(durham_site):
    site, ids = durham_site
    with DURHAM_CSV.open() as f:
        rows = list(csv.DictReader(f))
    needles = _coordinate_needles(r["Longitude"] for r in rows) | _coordinate_needles(r["Latitude"] for r in rows)
    times = {r["Call Time"] for r in rows}  # e.g. 12:41:53AM: the exact time of a single call
    needles |= times | {t[:-2] for t in times}
    needles |= ids | {i.split(":", 1)[-1] for i in ids}
    assert len(needles) > 10_000
    files = _site_text(site)
    assert _hits(files, needles) == []
    assert _pair_hits(files, [(r["Longitude"], r["Latitude"]) for r in rows]) == []


def test_durham_site_publishes_no_small_count(durham_site):
    site, _ = durham_site
    for path in (site / "data").glob("*.csv"):
        df = pd.read_csv(path)
        for col in df.columns[1:]:
            values = df[col].dropna()
            assert not ((values > 0) & (values < K)).any(), f"{path.name} {col}: a count below {K}"
    html = (site / "index.html").read_text()
    specs = json.loads(re.search(r"const SPECS = (\{.*?\});\n", html, re.S).group(1).replace("<\\/", "</"))
    for spec in specs.values():  # chart data carry only published counts
        for values in _data_values(spec):
            for row in values:
                for key in ("calls", "value"):
                    v = row.get(key, row.get("properties", {}).get(key))
                    assert v is None or v == 0 or v >= K


def _data_values(spec):
    if isinstance(spec, dict):
        if "values" in spec and isinstance(spec["values"], list):
            yield spec["values"]
        for v in spec.values():
            yield from _data_values(v)
    elif isinstance(spec, list):
        for v in spec:
            yield from _data_values(v)


def test_every_published_total_is_the_same_grand_total(durham_site):
    """Two tables with different totals would publish their difference (4 calls with no beat
    in the sample) unsuppressed; every table's total is all calls."""
    site, _ = durham_site
    totals = set()
    for path in (site / "data").glob("*.csv"):
        df = pd.read_csv(path)
        last = df.iloc[-1]
        assert last.iloc[0] == "Total"
        totals.add(int(last.iloc[-1]))
    assert totals == {4033}


def test_calls_without_a_beat_are_a_row_of_their_own():
    from altresponse.publish.figures import NO_BEAT, calls_by_beat

    t = ibis.memtable(pd.DataFrame({"beat": ["111"] * 30 + ["112"] * 20 + [None] * 4}))
    beats = calls_by_beat(t)
    assert beats.to_dict() == {"111": 30, "112": 20, NO_BEAT: 4}


def test_durham_site_reads_the_program_file_and_says_what_is_missing(durham_site):
    site, _ = durham_site
    text = (site / "index.html").read_text()
    program = load_program(PROGRAM)
    for r in program.responses:
        assert r.name in text
    assert "Trespass or unwanted person" in text  # a plain name from the taxonomy, not TRESPASS
    assert "needs the care service&#x27;s outcome records" in text
    assert "No evaluation has been run" in text
    assert "Data as of 31 December 2021" in text
    body = text.split("<main>", 1)[1].split("</main>", 1)[0]  # the words on the page, not the inlined JS
    assert not re.search(r"\d\.\d+e[+-]\d|\b0\.\d{2,}\b", body)  # no 1.82e+03, no raw fraction like 0.25


# --------------------------------------------------------------------------- synthetic + service records


EVALUATION = {"headline": {"outcome": "police use of force", "estimator": "staggered difference-in-differences",
                           "relative_effect": -0.12, "ci_low": -0.30, "ci_high": 0.05, "interval": "95%",
                           "sentence": "Placebo checks passed."}}


def _with_narrative(classified):
    # plant a narrative per call: the site must never carry one
    return classified.mutate(narrative=ibis.literal("CALLER SAYS ROSALIND QUIXOTE-") + classified.call_id)


def synthetic_service_site(root: Path) -> dict:
    """2,500 synthetic calls (a narrative planted in each) published with the scripted service records
    and an evaluation. Built once per run through tests/_shared_builds.py (test_pages_browser.py opens it)."""
    from altresponse.ingest import ingest
    from altresponse.synth import default_beats_path, write_synthetic_calls

    write_synthetic_calls(root / "calls.csv", 2500, seed=3, start="2023-11-01")
    ingest([root / "calls.csv"], "synth", root / "store")
    classified, program = _classified(root / "store")
    build_site(_with_narrative(classified), program, root / "site", outcomes=_outcomes(), followups=_followups(),
               evaluation=EVALUATION, beats_geojson=default_beats_path(), min_cell=K)
    return {"store": root / "store", "site": root / "site"}


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    from _shared_builds import shared

    built = shared(tmp_path_factory, "synthetic_service_site", synthetic_service_site)
    classified, program = _classified(built["store"])  # the labels the build stored
    return tmp_path_factory.mktemp("synth_site"), _with_narrative(classified), program, built["site"]


def _outcomes() -> pd.DataFrame:
    """A scripted quarter of service outcome records with known small cells."""
    rows = []
    weeks = pd.date_range("2023-11-06", periods=12, freq="W-MON").date
    for i, week in enumerate(weeks):
        rows += [
            dict(week=week, beat="111", recommended_response="crt", sent="recommended_team", reason=None, backup_requested=False, calls=30 + i),
            dict(week=week, beat="111", recommended_response="crt", sent="recommended_team", reason=None, backup_requested=True, calls=1 if i < 3 else 0),
            dict(week=week, beat="112", recommended_response="crt", sent="police", reason="out_of_hours", backup_requested=None, calls=6),
            dict(week=week, beat="112", recommended_response="crt", sent="police", reason="no_team_available", backup_requested=None, calls=4),
        ]
    rows.append(dict(week=weeks[5], beat="113", recommended_response="crt", sent="none", reason="caller_declined", backup_requested=None, calls=2))
    df = pd.DataFrame(rows).assign(care_eligible=True)
    # police calls the service also records: not eligible, so on no figure of the site
    police = dict(week=weeks[0], beat="111", recommended_response="police", care_eligible=False, sent="recommended_team",
                  reason=None, backup_requested=None, calls=500)
    return pd.concat([df, pd.DataFrame([police])], ignore_index=True)


def _followups() -> pd.DataFrame:
    weeks = pd.date_range("2023-11-06", periods=12, freq="W-MON").date
    rows = []
    for week in weeks:
        rows += [
            dict(week=week, beat="111", outcome="connected", followups=5, within_48h=4, connected_services="housing"),
            dict(week=week, beat="111", outcome="reached", followups=3, within_48h=3, connected_services=None),
            dict(week=week, beat="112", outcome="unreachable", followups=2, within_48h=1, connected_services=None),
        ]
    rows.append(dict(week=weeks[0], beat="112", outcome="declined", followups=1, within_48h=1, connected_services=None))
    return pd.DataFrame(rows)


def test_synthetic_site_with_service_records(synthetic):
    _, classified, program, site = synthetic  # the site is built by synthetic_service_site
    files = _site_text(site)
    cols = classified.select("call_id", "location_text", "latitude", "longitude", "narrative", "received_local").to_pandas()
    needles = set(cols["call_id"]) | {i.split(":", 1)[-1] for i in cols["call_id"]}
    needles |= {t for t in cols["location_text"].dropna()} | set(cols["narrative"])
    needles |= _coordinate_needles(cols["latitude"].dropna()) | _coordinate_needles(cols["longitude"].dropna())
    needles |= {pd.Timestamp(t).strftime("%H:%M:%S") for t in cols["received_local"].dropna()}
    assert _hits(files, needles) == []
    assert _pair_hits(files, zip(cols["longitude"], cols["latitude"])) == []
    text = files[site / "index.html"]
    # the reasons: 'caller declined' (2 calls) is hidden with a partner; the large ones show
    reasons = pd.read_csv(site / "data" / "service_no_team_by_reason.csv")
    shown = dict(zip(reasons["reason"], reasons["calls"]))
    assert pd.isna(shown["the caller declined"])
    assert sum(pd.isna(v) for v in shown.values()) == 2
    assert shown["outside the team's hours"] == 72
    # backup: 3 of ~420 team responses asked for police: a share that would name 3 people is hidden
    assert "of care-team responses needed no police backup: hidden" in text
    # follow-ups: 121 made; 48 h, reached and connected shares are shown (each part ≥ 11)
    assert "Care Navigation follow-ups made" in text and ">121<" in text
    assert "connected the person to services (of 121)" in text
    outcome = pd.read_csv(site / "data" / "followups_by_outcome.csv")
    assert outcome["followups"].isna().sum() == 2  # 'declined' (1) and its partner
    # the evaluation headline with its uncertainty in words
    assert "12% fewer police use of force" in text and "includes no change at all" in text


def test_missing_evaluation_and_service_say_what_they_need(synthetic):
    root, classified, program, _ = synthetic
    build_site(classified, program, root / "bare", min_cell=K, service_note="The service's records could not be read (test).")
    text = (root / "bare" / "index.html").read_text()
    assert "could not be read (test)" in text
    assert "No evaluation has been run" in text
    assert "Team response times need the time each team was dispatched" in text


def test_service_outcomes_keep_eligible_calls_and_name_police_as_police():
    """The service's "recommended_team" for a call recommended to police is police, not a care
    team; calls not eligible for any program response are on no service figure."""
    from altresponse.publish.figures import care_outcomes, outcome_tables

    df = pd.DataFrame([
        dict(week=dt.date(2024, 1, 1), beat="111", recommended_response="crt", care_eligible=True, sent="recommended_team",
             reason=None, backup_requested=False, calls=20),
        dict(week=dt.date(2024, 1, 1), beat="111", recommended_response="police", care_eligible=True, sent="recommended_team",
             reason="out_of_hours", backup_requested=None, calls=12),
        dict(week=dt.date(2024, 1, 1), beat="111", recommended_response="crt", care_eligible=True, sent="co_response",
             reason=None, backup_requested=None, calls=13),
        dict(week=dt.date(2024, 1, 1), beat="111", recommended_response="police", care_eligible=False, sent="recommended_team",
             reason=None, backup_requested=None, calls=900),
    ])
    o = outcome_tables(care_outcomes(df, {"crt", "co_response"}))
    assert int(o["sent"].to_numpy().sum()) == 45
    assert o["team_calls"] == 20
    assert o["sent"].iloc[0].to_dict() == {"the recommended care team went": 20, "no care team went (why: below)": 25}
    assert o["reasons"].to_dict() == {"a co-response (clinician with an officer) went instead": 13,
                                      "outside the team's hours": 12}
    with pytest.raises(ValueError, match="care_eligible"):
        care_outcomes(df.drop(columns="care_eligible"), {"crt"})


def test_a_service_week_counts_in_the_month_of_its_thursday():
    from altresponse.publish.figures import week_month

    assert week_month(dt.date(2023, 10, 30)) == "2023-11"  # Wed 1 Nov - Sun 5 Nov are November
    assert week_month(dt.date(2023, 11, 27)) == "2023-11"  # Thu 30 Nov
    assert week_month(dt.date(2024, 1, 29)) == "2024-02"   # Thu 1 Feb
