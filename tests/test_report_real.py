"""The report on every real calls data set, and on synthetic calls, checked against the raw files.

Each store is built once per module: ingest the real export through its adapter, classify it
with the Durham HEART program judged ``as_of`` its citywide period (so Durham's service area
is no obstacle in another city), then ``report.build_sections`` (DECC also goes through the
CLI). Expected figures are computed here with pandas straight from the raw files
(``../shared/data/real``), never from the store.

- DECC Virginia: full timestamp chain, no location → response time, no frequency/location.
- Burlington: dates and times (after undoing the shifted offset), BPD's own flags, no
  dispatch/on-scene times → no response time; flags compared with program eligibility.
- Portland: dates only, districts from ``portland_police_districts.geojson``.
- Synthetic (``altresponse.synth``, 30,000 calls, seed 7): every section but use of force.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from altresponse.analyze import SECTIONS
from altresponse.analyze.response_time import response_time

REPO = Path(__file__).resolve().parents[1]
PROGRAM = REPO / "programs" / "durham-heart.yaml"
AS_OF = dt.date(2023, 10, 23)  # Durham's citywide period
TZ_EAST = "America/New_York"
DECC_CSV = "decc_virginia/decc_cad_incidents_2025w35_w48.csv.gz"
BURLINGTON_CSV = "burlington/bpd_police_incidents_2022h1.csv.gz"
PORTLAND_CSV = "portland/ppb_cfs_nij_2016_08_09.csv.gz"
PORTLAND_DISTRICTS = "portland/portland_police_districts.geojson"


def _report(store: Path, adapter: str, files, *, beats=None) -> SimpleNamespace:
    from altresponse.classify import classify_store
    from altresponse.ingest import ingest
    from altresponse.report import build_sections, load_inputs

    ingested = ingest(files, adapter, store, beats=beats)
    classify_store(store, PROGRAM, as_of=AS_OF)
    classified, force, program = load_inputs(store, PROGRAM)
    # planning (it simulates) is tested on Durham in test_report_planning.py; left out here for time
    sections = build_sections(classified, force=force, program=program, planning=False)
    return SimpleNamespace(store=store, ingested=ingested, classified=classified, sections=sections)


def _utc(local: pd.Series) -> pd.Series:
    """Naive local wall clock → UTC by the ingest's rules (repeated DST hour = daylight time)."""
    parsed = pd.to_datetime(local, format="ISO8601")
    return parsed.dt.tz_localize(TZ_EAST, ambiguous=np.ones(len(parsed), dtype=bool), nonexistent="shift_forward").dt.tz_convert("UTC")


def _interval_status(start: pd.Series, end: pd.Series, self_initiated: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Seconds and status of one interval, by the engine's definition (analyze/response_time.py).

    Valid = both timestamps, end not before start, and not a zero-length interval on a
    self-initiated call. Zero-length intervals on other calls (e.g. DECC's Radio calls) stay valid.
    """
    seconds = (end - start).dt.total_seconds()
    status = np.select(
        [start.isna() | end.isna(), seconds < 0, (seconds == 0) & self_initiated],
        ["missing_timestamp", "backwards", "zero_length_self_initiated"],
        "valid",
    )
    return seconds, pd.Series(status, index=start.index)


def _assert_every_section_answers(sections: dict) -> None:
    assert set(sections) == set(SECTIONS)
    for key in SECTIONS:
        sec = sections[key]
        if sec["available"]:
            assert sec["headline"].strip(), key
        else:
            assert set(sec) == {"available", "why"} and sec["why"].strip(), key


# ---------------------------------------------------------------------------------------
# DECC Virginia
# ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def decc(real_dir, tmp_path_factory):
    return _report(tmp_path_factory.mktemp("decc_store"), "decc_virginia", real_dir / DECC_CSV)


@pytest.fixture(scope="module")
def decc_raw(real_dir):
    """The raw CSV with its literal ``NULL`` tokens as missing (and nothing else: "" stays "")."""
    df = pd.read_csv(real_dir / DECC_CSV, na_values=["NULL"], keep_default_na=False, low_memory=False)
    cols = {"received": "Incident_Start_Time", "dispatched": "Incident_Dispatch_Time",
            "onscene": "Incident_Arrival_Time", "cleared": "Incident_First_Close_Time"}
    times = pd.DataFrame({k: _utc(df[c]) for k, c in cols.items()})
    self_init = df["Call_Reception"].eq("OFFICER")
    out = {}
    for name, (a, b) in {"processing": ("received", "dispatched"), "travel": ("dispatched", "onscene"),
                         "response": ("received", "onscene"), "on_scene": ("onscene", "cleared")}.items():
        out[name] = _interval_status(times[a], times[b], self_init)
    return SimpleNamespace(df=df, self_initiated=self_init, intervals=out)


def test_decc_every_section_available_or_says_why(decc):
    s = decc.sections
    _assert_every_section_answers(s)
    for key in ("volume", "risk", "response_time", "workload", "coverage"):
        assert s[key]["available"], key
    assert s["frequency"] == {"available": False, "why": "The source has no block-level location or coordinates, so repeat locations cannot be found."}
    assert s["location"] == {"available": False, "why": "The source has no beat, district or mappable location, so calls cannot be placed."}
    assert "no beats or districts" in s["coverage"]["gaps"]["by_beats"]
    assert s["volume"]["numbers"]["calls"] == 22147


def test_decc_police_total_response_matches_pandas(decc, decc_raw):
    """POLICE calls, not self-initiated (Call_Reception OFFICER): median and p90 received → on scene.

    Both sides use the engine's definition (both times present, not backwards; zero-length
    intervals on non-self-initiated calls count). pandas: 10,468 calls, median 820.99 s
    (13.7 min, as SOURCE.md says), p90 4,538.13 s. Dropping every zero-length interval
    instead would give 9,877 calls, median 890.2 s, p90 4,755.3 s.
    """
    t = decc.classified
    sub = t.filter((t.agency == "POLICE") & (t.channel.fill_null("") != "self_initiated"))
    got = response_time(sub)["tables"]["overall"].set_index("interval").loc["response"]

    seconds, status = decc_raw.intervals["response"]
    keep = decc_raw.df["Agency"].eq("POLICE") & ~decc_raw.self_initiated & status.eq("valid")
    expected = seconds[keep]
    assert len(expected) == 10468
    assert got["calls"] == len(expected)
    assert got["median_seconds"] == pytest.approx(expected.median(), abs=1e-6)
    assert got["p90_seconds"] == pytest.approx(expected.quantile(0.9), abs=1e-6)
    assert got["median_seconds"] == pytest.approx(820.9865, abs=1e-6)
    assert got["p90_seconds"] == pytest.approx(4538.129, abs=1e-6)


def test_decc_report_intervals_match_pandas(decc, decc_raw):
    """Every interval over all 22,147 calls (police, EMS, fire): the report's own numbers."""
    n = decc.sections["response_time"]["numbers"]
    for name, (seconds, status) in decc_raw.intervals.items():
        valid = seconds[status.eq("valid")]
        assert n[f"{name}_median_seconds"] == pytest.approx(valid.median(), abs=1e-6), name
        assert n[f"{name}_p90_seconds"] == pytest.approx(valid.quantile(0.9), abs=1e-6), name
    assert n["response_median_seconds"] == pytest.approx(508.073, abs=1e-6)


def test_decc_intervals_not_computed_by_reason_reconcile(decc, decc_raw):
    nc = decc.sections["response_time"]["tables"]["not_computed"].set_index("interval")
    reasons = ["valid", "missing_timestamp", "backwards", "zero_length_self_initiated"]
    for name, (_seconds, status) in decc_raw.intervals.items():
        row = nc.loc[name, reasons]
        assert int(row.sum()) == 22147, name
        assert row.to_dict() == {r: int(status.eq(r).sum()) for r in reasons}, name
    # the figures, for the record: arrival is NULL on 2,682 rows, first close on 6 more
    assert nc.loc["response", reasons].to_dict() == {
        "valid": 17253, "missing_timestamp": 2682, "backwards": 2, "zero_length_self_initiated": 2210}
    assert nc.loc["on_scene", reasons].to_dict() == {
        "valid": 19304, "missing_timestamp": 2688, "backwards": 155, "zero_length_self_initiated": 0}


def test_decc_report_files_name_the_calls_and_hold_the_figures(decc, tmp_path):
    from altresponse.report import data_summary, write_report

    meta = [data_summary(decc.classified)]
    assert meta == ["Calls: decc_virginia, 22,147 calls received 2025-08-24 to 2025-11-29"]
    written = write_report(decc.sections, tmp_path, meta=meta)
    doc = json.loads(Path(written["json"]).read_text())
    assert doc["meta"] == meta
    assert doc["location"] == {"available": False, "why": decc.sections["location"]["why"]}
    assert doc["response_time"]["numbers"]["response_median_seconds"] == pytest.approx(508.073, abs=1e-6)
    # August 2025 holds only 8 days of data: the month table says so, and so does the page
    aug = doc["volume"]["tables"]["by_month"][0]
    assert (aug["calls"], aug["days"], aug["days_in_month"]) == (1513, 8, 31)
    assert "2025-08: 8 days of data" in Path(written["html"]).read_text()


# ---------------------------------------------------------------------------------------
# Burlington
# ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def burlington(real_dir, tmp_path_factory):
    return _report(tmp_path_factory.mktemp("burlington_store"), "burlington", real_dir / BURLINGTON_CSV)


@pytest.fixture(scope="module")
def burlington_raw(real_dir):
    df = pd.read_csv(real_dir / BURLINGTON_CSV, na_values=["NA", ""], keep_default_na=False)
    # SOURCE.md: call_time's wall clock is shifted by the UTC offset; the true local time is
    # the UTC reading of the value (22BU000002 = 2022-01-01 01:08:55 local)
    df["local"] = pd.to_datetime(df["call_time"], utc=True).dt.tz_localize(None)
    return df


def test_burlington_every_section_available_or_says_why(burlington):
    s = burlington.sections
    _assert_every_section_answers(s)
    assert s["response_time"] == {
        "available": False,
        "why": "The source has no dispatch, on-scene or clear times, so no response interval can be computed.",
    }
    assert s["workload"]["available"] is False and "on-scene" in s["workload"]["why"]
    for key in ("volume", "frequency", "location", "risk", "coverage"):
        assert s[key]["available"], key


def test_burlington_volume_by_month_matches_pandas(burlington, burlington_raw):
    got = burlington.sections["volume"]["tables"]["by_month"]
    expected = burlington_raw["local"].dt.to_period("M").value_counts().sort_index()
    assert [str(m)[:7] for m in got["month"]] == [str(p) for p in expected.index]
    assert list(got["calls"]) == list(expected.values) == [1451, 1396, 1557, 1800, 2181, 2445]
    # the fix moves the first incidents of the year out of December 2021
    first = burlington_raw.loc[burlington_raw["incident_number"] == "22BU000002", "local"].iloc[0]
    assert first == pd.Timestamp("2022-01-01 01:08:55")


def test_burlington_source_flags_against_eligibility(burlington, burlington_raw):
    """BPD's own flags against the program's eligibility: raw flags joined to the classified table."""
    labels = burlington.classified.select("source_call_id", "eligible", "risk_level").to_pandas()
    joined = burlington_raw.merge(labels, left_on="incident_number", right_on="source_call_id", how="left", validate="1:1")
    assert joined["source_call_id"].notna().all()
    eligible = joined["eligible"].fillna(False).astype(bool)
    risky = joined["risk_level"].isin(["elevated", "high"])

    sec = burlington.sections["risk"]
    flags = sec["tables"]["source_flags"].set_index("flag")
    raw_cols = {"flag_mental_health": "mental_health", "flag_drug": "drug_related",
                "flag_alcohol": "alcohol_related", "flag_dv": "dv_related"}
    for flag, col in raw_cols.items():
        flagged = joined[col].eq(1)
        row = flags.loc[flag]
        assert row["calls_with_flag"] == joined[col].notna().sum() == 10830, flag
        assert row["flagged_calls"] == flagged.sum(), flag
        assert row["flagged_eligible"] == (flagged & eligible).sum(), flag
        assert row["eligible_with_flag"] == eligible.sum(), flag
        assert row["share_of_eligible_flagged"] == pytest.approx((flagged & eligible).sum() / eligible.sum()), flag
        assert row["flagged_eligible_elevated_or_high"] == (flagged & eligible & risky).sum(), flag
    # SOURCE.md's counts of the raw flags, and what the program makes of them
    assert list(flags["flagged_calls"]) == [639, 574, 559, 513]
    mh, dv = flags.loc["flag_mental_health"], flags.loc["flag_dv"]
    assert (mh["flagged_eligible"], dv["flagged_eligible"], dv["eligible_with_flag"]) == (362, 12, 1602)
    assert sec["numbers"]["share_flagged_mental_health_eligible"] == pytest.approx(362 / 639)
    assert (
        "Of the 639 calls the source itself flagged mental health, 362 (57%) are eligible for a program response; "
        "of eligible calls, 0.7% (12) carry its domestic-violence flag" in sec["findings"][-1]
    )


# ---------------------------------------------------------------------------------------
# Portland
# ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def portland(real_dir, tmp_path_factory):
    return _report(tmp_path_factory.mktemp("portland_store"), "portland", real_dir / PORTLAND_CSV,
                   beats=real_dir / PORTLAND_DISTRICTS)


@pytest.fixture(scope="module")
def portland_raw(real_dir):
    return pd.read_csv(real_dir / PORTLAND_CSV)


def test_portland_every_section_available_or_says_why(portland):
    s = portland.sections
    _assert_every_section_answers(s)
    for key in ("volume", "frequency", "location", "risk", "coverage"):
        assert s[key]["available"], key
    assert s["response_time"]["available"] is False and "no time of day" in s["response_time"]["why"]
    assert "by_hour_weekday" not in s["volume"]["tables"]
    assert "dates only" in s["volume"]["gaps"]["by_hour_weekday"]
    assert "no beats" in s["location"]["gaps"]["by_beat"]
    # coverage falls back to districts
    assert s["coverage"]["numbers"]["area_unit"] == "district"
    assert s["coverage"]["numbers"]["beats"] == 60
    assert "district" in s["coverage"]["tables"]["by_beats"].columns
    assert "dates only" in s["coverage"]["gaps"]["by_hours"]


def test_portland_volume_by_month_matches_pandas(portland, portland_raw):
    got = portland.sections["volume"]["tables"]["by_month"]
    dated = pd.to_datetime(portland_raw["occ_date"]).dropna()  # one August row has no date (quarantined)
    expected = dated.dt.to_period("M").value_counts().sort_index()
    assert list(got["calls"]) == list(expected.values) == [19375, 18443]


def test_portland_calls_per_district_match_point_in_polygon(portland, portland_raw, real_dir):
    """Districts by point-in-polygon of the raw x/y (EPSG:2913 feet, reprojected as the adapter does)."""
    import pyproj
    import shapely
    from shapely.geometry import shape

    raw = portland_raw[portland_raw["occ_date"].notna()]
    lon, lat = pyproj.Transformer.from_crs(2913, 4326, always_xy=True).transform(
        raw["x_coordinate"].to_numpy(float), raw["y_coordinate"].to_numpy(float))
    district = np.full(len(raw), None, dtype=object)
    for feature in json.loads((real_dir / PORTLAND_DISTRICTS).read_text())["features"]:
        inside = shapely.contains_xy(shape(feature["geometry"]), lon, lat) & (district == None)  # noqa: E711 (first polygon wins)
        district[inside] = str(feature["properties"]["DISTRICT"])
    expected = pd.Series(district).dropna().value_counts().to_dict()

    by_district = portland.sections["location"]["tables"]["by_district"]
    assert dict(zip(by_district["district"], by_district["calls"])) == expected
    assert sum(expected.values()) == 37681 and len(expected) == 60


# ---------------------------------------------------------------------------------------
# Synthetic calls
# ---------------------------------------------------------------------------------------
SYNTH_CALLS, SYNTH_SEED = 30_000, 7


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    from altresponse.synth import default_beats_path, write_synthetic_calls

    tmp = tmp_path_factory.mktemp("synth")
    path = tmp / "calls.parquet"
    write_synthetic_calls(path, SYNTH_CALLS, seed=SYNTH_SEED)
    rep = _report(tmp / "store", "synth", path, beats=default_beats_path())
    rep.raw = pd.read_parquet(path)
    return rep


def test_synthetic_every_section_but_use_of_force(synthetic):
    s = synthetic.sections
    _assert_every_section_answers(s)
    for key in SECTIONS:
        assert s[key]["available"] is (key != "use_of_force"), key
    assert "force" in s["use_of_force"]["why"]
    assert s["volume"]["numbers"]["calls"] == SYNTH_CALLS
    assert {"by_priority", "by_beat", "by_hour", "eligible_vs_other", "not_computed"} <= set(s["response_time"]["tables"])


def test_synthetic_response_times_match_pandas(synthetic):
    raw = synthetic.raw
    self_init = raw["source"].eq("Self Initiated")
    times = {c: _utc(raw[f"{c}_local"]) for c in ("received", "dispatched", "onscene", "cleared")}
    n = synthetic.sections["response_time"]["numbers"]
    nc = synthetic.sections["response_time"]["tables"]["not_computed"].set_index("interval")
    for name, (a, b) in {"processing": ("received", "dispatched"), "travel": ("dispatched", "onscene"),
                         "response": ("received", "onscene"), "on_scene": ("onscene", "cleared")}.items():
        seconds, status = _interval_status(times[a], times[b], self_init)
        valid = seconds[status.eq("valid")]
        assert n[f"{name}_median_seconds"] == pytest.approx(valid.median(), abs=1e-6), name
        assert n[f"{name}_p90_seconds"] == pytest.approx(valid.quantile(0.9), abs=1e-6), name
        assert int(nc.loc[name, "valid"]) == len(valid), name
        assert int(nc.loc[name, ["valid", "missing_timestamp", "backwards", "zero_length_self_initiated"]].sum()) == SYNTH_CALLS
