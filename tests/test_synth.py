"""Synthetic calls: determinism, exact columns, calibration against the real Durham and DECC files."""

from __future__ import annotations

import gzip
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from altresponse import synth
from altresponse.cli import app

EXPECTED_COLUMNS = (
    "call_id", "agency", "received_local", "dispatched_local", "enroute_local", "onscene_local",
    "cleared_local", "nature", "priority", "source", "disposition", "beat", "district", "latitude",
    "longitude", "location_text", "cancelled", "units",
)  # fmt: skip
TIMES = ("received_local", "dispatched_local", "enroute_local", "onscene_local", "cleared_local")
NINE_ELIGIBLE = set(synth.REAL_NATURES) | {"ASSIST PERSON", "FOLLOW UP", "INDECENCY"}
SAMPLE_ROWS = 200_000


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    table = pa.Table.from_batches(synth.synthetic_call_batches(SAMPLE_ROWS, seed=7, chunk_rows=50_000))
    df = table.to_pandas()
    for col in TIMES:
        df[col] = pd.to_datetime(df[col], format="%Y-%m-%d %H:%M:%S")
    return df


@pytest.fixture(scope="module")
def public(sample) -> pd.DataFrame:
    """Public-initiated, not-cancelled calls: the population the Durham files count."""
    return sample[(sample.source != "Self Initiated") & (sample.cancelled == 0)]


@pytest.fixture(scope="module")
def real_subset(real_dir) -> pd.DataFrame:
    df = pd.read_csv(real_dir / "durham" / "durham_dpd_cfs_2021_heart_beats_community_safety_types.csv")
    df["at"] = pd.to_datetime(df["Call Date"] + " " + df["Call Time"], format="%m/%d/%Y %I:%M:%S%p")
    df["Beat"] = df["Beat"].astype(str)
    return df


@pytest.fixture(scope="module")
def real_beats(real_dir) -> pd.Series:
    df = pd.read_csv(real_dir / "durham" / "durham_dpd_cfs_2021_calls_per_beat.csv", dtype={"beat": str})
    return df.set_index("beat")["calls_2021"]


# --- columns and determinism -------------------------------------------------------------
def test_columns_are_exactly_the_adapter_contract():
    assert synth.SYNTH_COLUMNS == EXPECTED_COLUMNS
    batch = next(synth.synthetic_call_batches(10, seed=0))
    assert tuple(batch.schema.names) == EXPECTED_COLUMNS


@pytest.mark.parametrize("suffix", ["csv", "csv.gz", "parquet"])
def test_same_seed_gives_identical_bytes_and_other_seeds_differ(tmp_path, suffix):
    paths = [tmp_path / f"{name}.{suffix}" for name in ("a", "b", "c")]
    for path, seed in zip(paths, (11, 11, 12)):
        synth.write_synthetic_calls(path, 5_000, seed=seed, chunk_rows=2_000)
    a, b, c = (p.read_bytes() for p in paths)
    assert a == b
    assert a != c


def test_different_seeds_differ_in_content_not_just_ids():
    one = pa.Table.from_batches(synth.synthetic_call_batches(2_000, seed=1)).to_pandas()
    two = pa.Table.from_batches(synth.synthetic_call_batches(2_000, seed=2)).to_pandas()
    assert (one.received_local != two.received_local).mean() > 0.9
    assert (one.location_text != two.location_text).mean() > 0.9


def test_chunks_cover_whole_days_in_received_order(sample):
    assert sample.call_id.is_unique
    assert sample.received_local.is_monotonic_increasing or (
        # only the repeated 01:00-01:59 hour of the autumn DST change may step back
        sample.received_local.diff().dt.total_seconds().lt(0).sum() <= 2
    )
    assert sample.call_id.iloc[0] == "S7-000000001"
    assert sample.received_local.iloc[0] >= pd.Timestamp("2021-01-01")


# --- calibration -------------------------------------------------------------------------
def test_constants_match_the_real_files(real_subset, real_beats):
    assert real_beats.to_dict() == synth.CALLS_PER_BEAT_2021
    counts = pd.crosstab(real_subset.Beat, real_subset.Nature)[list(synth.REAL_NATURES)]
    assert {b: tuple(int(x) for x in row) for b, row in counts.iterrows()} == synth.REAL_NATURE_COUNTS_BY_BEAT
    prio = pd.crosstab(real_subset.Nature, real_subset.Priority.astype(str))
    for nature, table in synth.REAL_PRIORITY_COUNTS.items():
        assert {k: int(v) for k, v in prio.loc[nature].items() if v} == table
    assert tuple(real_subset["at"].dt.hour.value_counts().sort_index()) == synth.HOUR_COUNTS
    assert tuple(real_subset["at"].dt.day_of_week.value_counts().sort_index()) == synth.WEEKDAY_COUNTS
    assert tuple(real_subset["at"].dt.month.value_counts().sort_index()) == synth.MONTH_COUNTS


def test_decc_interval_constants_match_the_real_file(real_dir):
    cols = ["Agency", "Call_Reception", "Priority_Number", "Incident_Start_Time", "Incident_Dispatch_Time",
            "Incident_Enroute_Time", "Incident_Arrival_Time", "TimeFirstCallCleared"]  # fmt: skip
    d = pd.read_csv(real_dir / "decc_virginia" / "decc_cad_incidents_2025w35_w48.csv.gz", usecols=cols,
                    na_values=["NULL"])  # fmt: skip
    d = d[d.Agency == "POLICE"]
    t = {c: pd.to_datetime(d[c], errors="coerce") for c in cols[3:]}
    spans = {
        "processing": t["Incident_Dispatch_Time"] - t["Incident_Start_Time"],
        "rollout": t["Incident_Enroute_Time"] - t["Incident_Dispatch_Time"],
        "travel": t["Incident_Arrival_Time"] - t["Incident_Enroute_Time"],
        "on_scene": t["TimeFirstCallCleared"] - t["Incident_Arrival_Time"],
    }
    zero = spans["processing"].dt.total_seconds().eq(0) & t["Incident_Arrival_Time"].eq(t["Incident_Start_Time"])
    keep = (d.Call_Reception != "OFFICER") & ~zero
    for name, table in synth.DECC_INTERVALS.items():
        secs = spans[name].dt.total_seconds()
        for prio, (median, p90) in table.items():
            v = secs[keep & (d.Priority_Number == prio) & (secs > 0)]
            assert v.median() == pytest.approx(median, abs=0.06), (name, prio)
            assert v.quantile(0.9) == pytest.approx(p90, abs=0.06), (name, prio)


def test_beat_shares_match_the_2021_per_beat_counts(public, real_beats):
    """Tolerance: 0.3 percentage points per beat (about 5 standard errors at this size)."""
    got = public.beat.value_counts(normalize=True)
    want = real_beats / real_beats.sum()
    assert set(got.index) == set(want.index)
    assert (got.reindex(want.index) - want).abs().max() < 0.003


def test_hour_of_day_profile_correlates_with_the_real_subset(sample, real_subset):
    got = sample.received_local.dt.hour.value_counts().sort_index()
    want = real_subset["at"].dt.hour.value_counts().sort_index()
    assert np.corrcoef(got.to_numpy(), want.to_numpy())[0, 1] > 0.97


def test_weekday_profile_correlates_with_the_real_subset(sample, real_subset):
    got = sample.received_local.dt.day_of_week.value_counts().sort_index()
    want = real_subset["at"].dt.day_of_week.value_counts().sort_index()
    assert np.corrcoef(got.to_numpy(), want.to_numpy())[0, 1] > 0.9


def test_real_natures_share_of_their_beats_matches_within_15_percent(public, real_subset, real_beats):
    beats = sorted(real_subset.Beat.unique())
    in_beats = public[public.beat.isin(beats)]
    denominator = real_beats.loc[beats].sum()
    for nature in synth.REAL_NATURES:
        want = (real_subset.Nature == nature).sum() / denominator
        got = (in_beats.nature == nature).mean()
        assert got == pytest.approx(want, rel=0.15), nature


def test_nine_eligible_types_are_dcsd_share_of_public_calls(public):
    want = synth.ELIGIBLE_CALLS_PER_YEAR / synth.POLICE_CALLS_PER_YEAR  # 14.53%
    assert public.nature.isin(NINE_ELIGIBLE).mean() == pytest.approx(want, abs=0.005)


def test_source_mix_matches_durham_2021_counts(public):
    want = pd.Series({**synth.ALARM_SOURCE_COUNTS, **synth.PUBLIC_SOURCE_COUNTS}, dtype=float)
    want /= want.sum()
    got = public.source.value_counts(normalize=True).reindex(want.index).fillna(0)
    assert (got - want).abs().max() < 0.006
    assert set(public.source) <= set(want.index)


def test_priority_codes_valid_and_real_natures_follow_real_priorities(sample, public):
    assert set(sample.priority) <= set(synth.PRIORITY_CODES)
    for nature, table in synth.REAL_PRIORITY_COUNTS.items():
        rows = public[public.nature == nature]
        got = rows.priority.value_counts(normalize=True)
        total = sum(table.values())
        for code, count in table.items():
            assert got.get(code, 0.0) == pytest.approx(count / total, abs=0.05), (nature, code)


def test_timestamps_ordered_except_the_deliberate_backwards_few(sample):
    t = sample[list(TIMES)]
    bad = np.zeros(len(t), bool)
    for a, b in zip(TIMES, TIMES[1:]):
        bad |= (t[b] < t[a]).to_numpy()  # NaT compares False: missing steps are skipped
    bad |= (t.onscene_local.isna() & (t.cleared_local < t.enroute_local)).to_numpy()
    share = bad.mean()
    # BACKWARDS_SHARE (0.03%) plus a few rows that straddle the autumn DST change
    assert 0.5 * synth.BACKWARDS_SHARE < share < 3 * synth.BACKWARDS_SHARE


def test_response_intervals_follow_the_decc_medians(public):
    processing = (public.dispatched_local - public.received_local).dt.total_seconds()
    for code, decc in (("1", 1), ("2", 2), ("3", 3)):
        median, _ = synth.DECC_INTERVALS["processing"][decc]
        assert processing[public.priority == code].median() == pytest.approx(median, rel=0.1)
    travel = (public.onscene_local - public.enroute_local).dt.total_seconds()
    assert travel[public.priority == "2"].median() == pytest.approx(synth.DECC_INTERVALS["travel"][2][0], rel=0.1)


def test_missing_times_and_cancelled_calls(sample, public):
    assert public.onscene_local.isna().mean() == pytest.approx(synth.MISSING_ONSCENE_SHARE, abs=0.01)
    cancelled = sample[sample.cancelled == 1]
    assert len(cancelled) > 0
    assert cancelled.onscene_local.isna().all()
    assert (cancelled.disposition == synth.CANCELLED_DISPOSITION).all()
    assert sample.received_local.notna().all() and sample.cleared_local.notna().all()
    assert set(sample.cancelled) == {0, 1}
    assert sample.units.min() >= 1


def test_self_initiated_calls_have_zero_response_interval(sample):
    own = sample[sample.source == "Self Initiated"]
    assert own.cancelled.eq(0).all()
    assert (own.onscene_local == own.received_local).mean() > 0.99


def test_points_inside_their_beat_polygon_and_districts_match(sample):
    import shapely

    beats = synth.load_beats()
    rows = sample.sample(20_000, random_state=0)
    for beat, group in rows.groupby("beat"):
        district, geom = beats[beat]
        assert shapely.contains_xy(geom, group.longitude.to_numpy(), group.latitude.to_numpy()).all(), beat
        assert (group.district == district).all()
        assert district == f"D{beat[0]}"


def test_block_level_locations_repeat(sample):
    pattern = re.compile(r"^[1-9]\d*00 BLOCK OF SYNTH [A-Z]+ (ST|AVE|RD|DR|LN|WAY|CT)$")
    assert sample.location_text.map(lambda s: bool(pattern.match(s))).all()
    per_block = sample.location_text.value_counts()
    assert per_block.index.size <= synth.BLOCKS_PER_BEAT * len(synth.CALLS_PER_BEAT_2021)
    top = per_block.head(int(0.01 * per_block.size)).sum() / len(sample)
    assert top > 0.05  # the busiest 1% of blocks get more than 5% of calls
    # a block is one place: one point and one beat
    assert sample.groupby("location_text")[["latitude", "beat"]].nunique().max().max() == 1


def test_violent_and_weapon_natures_present(sample):
    assert {"ASSAULT", "SHOTS FIRED", "DOMESTIC DISTURBANCE", "ARMED PERSON"} <= set(sample.nature)


# --- arguments and CLI -----------------------------------------------------------------
def test_bad_arguments_raise_usage_errors():
    from altresponse.errors import UsageError

    with pytest.raises(UsageError, match="--calls"):
        next(synth.synthetic_call_batches(0))
    with pytest.raises(UsageError, match="--start"):
        next(synth.synthetic_call_batches(5, start="2021-02-30"))
    with pytest.raises(UsageError, match=".csv.gz"):
        synth.output_format("calls.json")


def test_cli_writes_all_three_formats_with_the_same_rows(tmp_path):
    runner = CliRunner()
    tables = {}
    for suffix in ("csv", "csv.gz", "parquet"):
        out = tmp_path / f"calls.{suffix}"
        result = runner.invoke(app, ["synth", "--calls", "3000", "--seed", "5", "--out", str(out), "--start", "2022-03-01"])
        assert result.exit_code == 0, result.output
        if suffix == "parquet":
            tables[suffix] = pq.read_table(out)
        else:
            opts = pacsv.ConvertOptions(column_types=synth.SYNTH_SCHEMA, strings_can_be_null=True, quoted_strings_can_be_null=False)
            tables[suffix] = pacsv.read_csv(out, convert_options=opts)
    assert tables["csv"].num_rows == 3000
    assert tables["csv"].equals(tables["csv.gz"])
    assert tables["csv"].equals(tables["parquet"])
    assert tables["parquet"].column("received_local")[0].as_py().startswith("2022-03-01")
    with gzip.open(tmp_path / "calls.csv.gz", "rt") as fh:
        assert fh.readline().strip().replace('"', "").split(",") == list(EXPECTED_COLUMNS)


def test_cli_rejects_bad_output_name_with_exit_2(tmp_path):
    result = CliRunner().invoke(app, ["synth", "--calls", "10", "--out", str(tmp_path / "calls.xlsx")])
    assert result.exit_code == 2
    assert not (tmp_path / "calls.xlsx").exists()
