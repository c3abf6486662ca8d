"""Seeded synthetic police calls for service, calibrated to Durham NC.

For scale tests, demos and the ingest adapter ``adapters/synth.yaml``: the same seed
gives byte-identical output, and the generator streams in chunks, so ten million rows
fit in a few hundred MB. The output is **synthetic**: no row is a real call.

Output columns (:data:`SYNTH_COLUMNS`, fixed; ``adapters/synth.yaml`` reads exactly
these): ``call_id, agency, received_local, dispatched_local, enroute_local,
onscene_local, cleared_local, nature, priority, source, disposition, beat, district,
latitude, longitude, location_text, cancelled, units``. Times are local wall clock
(America/New_York) as ``"YYYY-MM-DD HH:MM:SS"``; a missing time is empty in CSV and
null in Parquet.

Calibration (every figure is a constant below; ``tests/test_synth.py`` recomputes the
data-derived ones from the real files). Marked **[data]** or **[assumed]**:

* Per-beat volume **[data]**: ``durham_dpd_cfs_2021_calls_per_beat.csv`` (35 beats,
  122,107 public-initiated, not-cancelled 2021 calls; Duke Data+ 2022). Public,
  not-cancelled synthetic calls are spread over beats in these proportions;
  self-initiated and cancelled calls use the same proportions **[assumed]**.
* Community-safety natures **[data]**: counts of the six natures (CRISIS, INTOXICATED
  PERSON, PANHANDLING OR NUISANCE, SUICIDE THREAT, TRESPASS OR UNWANTED, WELFARE CHECK)
  per beat in ``durham_dpd_cfs_2021_heart_beats_community_safety_types.csv`` (4,033
  calls in 12 beats), divided by those beats' totals from the per-beat file. The other
  23 beats use the pooled 12-beat share **[assumed; the 12 were chosen for high
  community-safety volume, so this probably overstates them]**.
* Eligible share: DCSD counted nine types, about 18,710 of 128,790 police calls a year
  (FACTS.md; DCSD 2021 report-out). The three of the nine not in the real subset
  (ASSIST PERSON, FOLLOW UP, INDECENCY) fill the gap between 18,710/128,790 = 14.53%
  and the six natures' pooled share **[data for the total; split among the three
  assumed]**. DCSD's "Mental Health Crisis" is taken to be the CAD nature CRISIS
  **[assumed]**.
* Alarm natures are 10.74% of public calls = (Alarm Line 9,382 + ASAP Alarm Interface
  3,806) / 122,782 (2021 ``Source`` counts in durham/SOURCE.md) **[data; that every
  alarm-line call is an alarm nature is assumed]**. All other natures and their
  shares, names included, are **[assumed]** (:data:`OTHER_NATURES`).
* Source (channel) **[data]**: the 2021 ``Source`` counts quoted in durham/SOURCE.md;
  alarm natures draw from the two alarm sources, other public calls from the rest.
* Self-initiated share 45% and cancelled share 8% of the rest **[assumed]**: the 2021
  file had ~278,272 rows and 122,782 after dropping cancelled, self-initiated and
  no-X/Y rows, so those three together were ~56%; the DECC file has 17% OFFICER calls
  and 1.6% CN-Cancellation. Default volume is 122,107 / (0.55 x 0.92) = ~241,000
  calls a year, so a year of output has the real per-beat public volume.
* Hour of day, weekday and month **[data]**: ``Call Time``/``Call Date`` of the real
  subset (six natures only; applied to every nature **[assumed]**).
* Priority **[data]** for the six real natures (2/3/4 counts per nature); every other
  nature's priority mix **[assumed]**. Codes used: "0".."9" and "P" (P's meaning in
  Durham's CAD is unknown; it is given to a few self-initiated calls).
* Intervals **[data]**: lognormal per priority group with the medians and p90s of the
  DECC Virginia POLICE file (``decc_cad_incidents_2025w35_w48.csv.gz``; calls that
  are not OFFICER-initiated, not zero-length, positive intervals): call processing
  (dispatch - start), rollout (en route - dispatch), travel (arrival - en route) and
  on scene (first clear - arrival). Durham priority 0/1 -> DECC 1, 2 -> 2, 3 -> 3,
  4..9 and P -> 4 **[assumed]**. Self-initiated calls: received = dispatched = en route
  = on scene (88% of DECC OFFICER calls have zero processing), on-scene time from
  DECC OFFICER calls **[data]**.
* Missing on-scene time: 12.7% of public, not-cancelled calls (DECC POLICE) **[data]**;
  missing en route 2% **[assumed; DECC 2.3% overall]**. Cancelled calls have no
  on-scene time; 60% were dispatched **[assumed]**.
* Backwards intervals: 0.03% of calls get one interval made negative (1 s to 10 min)
  **[assumed; DECC has 2 in 19,465]** so the ingest's time flags are exercised.
  Around the autumn DST change local times can also run backwards, as in real CADs.
* Disposition: DECC POLICE disposition shares by group (alarm, violent,
  self-initiated, other) **[data from Virginia, not Durham; Durham's codes are not in
  any file we have]**.
* Locations: 300 synthetic blocks per beat, each a uniform random point inside the
  beat polygon, called with Zipf weights (exponent 0.8) so a few blocks produce many
  calls **[assumed]**. ``location_text`` is block level, e.g. "1200 BLOCK OF SYNTH
  MAPLE ST"; every street name starts with SYNTH, so none is a real address.
* Units: 1 + Poisson(lambda by group) **[assumed; no source has unit counts]**.

Examples
--------
>>> import pyarrow as pa
>>> table = pa.Table.from_batches(synthetic_call_batches(50, seed=1))
>>> table.num_rows, table.column_names == list(SYNTH_COLUMNS)
(50, True)
"""

from __future__ import annotations

import gzip
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable, Iterator

import numpy as np
import pandas as pd
import pyarrow as pa

from .errors import ConfigError, InputError, UsageError

TZ = "America/New_York"
AGENCY = "DPD"

SYNTH_SCHEMA = pa.schema(
    [
        ("call_id", pa.string()),
        ("agency", pa.string()),
        ("received_local", pa.string()),
        ("dispatched_local", pa.string()),
        ("enroute_local", pa.string()),
        ("onscene_local", pa.string()),
        ("cleared_local", pa.string()),
        ("nature", pa.string()),
        ("priority", pa.string()),
        ("source", pa.string()),
        ("disposition", pa.string()),
        ("beat", pa.string()),
        ("district", pa.string()),
        ("latitude", pa.float64()),
        ("longitude", pa.float64()),
        ("location_text", pa.string()),
        ("cancelled", pa.int8()),
        ("units", pa.int16()),
    ]
)
SYNTH_COLUMNS = tuple(SYNTH_SCHEMA.names)

# --- [data] durham_dpd_cfs_2021_calls_per_beat.csv -----------------------------------
CALLS_PER_BEAT_2021 = {
    "111": 2730, "112": 2662, "113": 3095, "114": 3059, "121": 2812, "122": 3494,
    "123": 2928, "124": 2067, "211": 4174, "212": 3404, "213": 4018, "214": 3829,
    "221": 4274, "222": 3348, "223": 5371, "224": 2883, "311": 2848, "312": 2963,
    "313": 3759, "314": 3381, "321": 3357, "322": 2626, "323": 3085, "324": 3807,
    "411": 3926, "412": 3462, "413": 3661, "414": 3627, "415": 3124, "421": 4679,
    "422": 4647, "423": 5895, "511": 2564, "512": 2931, "513": 3617,
}  # fmt: skip

# --- [data] durham_dpd_cfs_2021_heart_beats_community_safety_types.csv ---------------
REAL_NATURES = (
    "CRISIS", "INTOXICATED PERSON", "PANHANDLING OR NUISANCE",
    "SUICIDE THREAT", "TRESPASS OR UNWANTED", "WELFARE CHECK",
)  # fmt: skip
REAL_NATURE_COUNTS_BY_BEAT = {  # beat -> counts in REAL_NATURES order
    "111": (24, 12, 40, 7, 147, 31),
    "112": (50, 15, 11, 25, 142, 39),
    "113": (74, 12, 11, 24, 166, 30),
    "122": (29, 18, 38, 10, 219, 50),
    "213": (57, 8, 15, 14, 193, 45),
    "214": (23, 15, 75, 11, 247, 34),
    "222": (43, 8, 9, 15, 46, 53),
    "223": (51, 23, 58, 21, 209, 58),
    "411": (59, 19, 20, 14, 215, 60),
    "511": (39, 21, 35, 19, 205, 27),
    "512": (38, 17, 31, 13, 217, 38),
    "513": (58, 20, 28, 26, 204, 55),
}
REAL_PRIORITY_COUNTS = {  # nature -> {priority: count}
    "CRISIS": {"2": 27, "3": 513, "4": 5},
    "INTOXICATED PERSON": {"2": 1, "3": 187},
    "PANHANDLING OR NUISANCE": {"2": 1, "3": 1, "4": 369},
    "SUICIDE THREAT": {"2": 187, "3": 9, "4": 3},
    "TRESPASS OR UNWANTED": {"2": 55, "3": 2147, "4": 8},
    "WELFARE CHECK": {"2": 15, "3": 501, "4": 4},
}
HOUR_COUNTS = (
    149, 125, 104, 74, 95, 75, 131, 118, 184, 161, 174, 170,
    206, 221, 221, 206, 211, 217, 206, 239, 197, 200, 167, 182,
)  # fmt: skip
WEEKDAY_COUNTS = (594, 630, 557, 601, 612, 525, 514)  # Monday .. Sunday
MONTH_COUNTS = (284, 271, 306, 330, 390, 365, 378, 332, 371, 361, 293, 352)

# --- [data] 2021 Source counts (durham/SOURCE.md; after the Data+ filters) -----------
ALARM_SOURCE_COUNTS = {"Alarm Line": 9382, "ASAP Alarm Interface": 3806}
PUBLIC_SOURCE_COUNTS = {
    "Wireless 911 Call": 57063, "Phone Call": 38122, "E-911": 8740, "{Other}": 2525,
    "Language Line": 1442, "Report Only": 816, "Radio": 412, "Texting": 287,
}  # fmt: skip
FILTERED_CALLS_2021 = 122_782
SELF_INITIATED_SOURCE = "Self Initiated"

# --- [data] FACTS.md: DCSD nine care-eligible types, 2018-19 ---------------------------
ELIGIBLE_CALLS_PER_YEAR = 18_710
POLICE_CALLS_PER_YEAR = 128_790

# --- [data] DECC Virginia POLICE, not OFFICER-initiated, not zero-length, > 0 s -------
# (median_seconds, p90_seconds) per DECC priority 1..4
DECC_INTERVALS = {
    "processing": {1: (97.8, 233.0), 2: (293.6, 1698.6), 3: (754.3, 4621.8), 4: (1287.4, 10634.7)},
    "rollout": {1: (4.6, 22.8), 2: (3.8, 17.7), 3: (3.8, 25.4), 4: (3.7, 21.2)},
    "travel": {1: (166.6, 356.2), 2: (349.7, 916.9), 3: (397.6, 1268.0), 4: (444.9, 1755.1)},
    "on_scene": {1: (977.9, 4472.8), 2: (1090.4, 4867.7), 3: (1231.0, 5564.9), 4: (1122.7, 9178.9)},
}
DECC_OFFICER_ON_SCENE = (583.3, 15187.3)
MISSING_ONSCENE_SHARE = 0.127  # [data] DECC public, not-cancelled calls without arrival

# --- DECC POLICE dispositions by group [data, Virginia codes], renormalised -----------
DISPOSITIONS = {
    "alarm": {"FALSE-False Alarm": 0.56, "NR-No Report": 0.42, "RE-Report": 0.02},
    "self": {"NR-No Report": 0.61, "CI-Citation": 0.34, "RE-Report": 0.045, "SUP-Supplement": 0.005},
    "violent": {"NR-No Report": 0.60, "RE-Report": 0.39, "SUP-Supplement": 0.01},
    "other": {"NR-No Report": 0.71, "RE-Report": 0.19, "CI-Citation": 0.05, "SUP-Supplement": 0.01},
}  # fmt: skip  (animal-control codes, 4% of DECC "other", left out)
CANCELLED_DISPOSITION = "CN-Cancellation"

# --- [assumed] ---------------------------------------------------------------------------
SELF_INITIATED_SHARE = 0.45
CANCELLED_SHARE = 0.08
MISSING_ENROUTE_SHARE = 0.02
CANCELLED_DISPATCHED_SHARE = 0.60
BACKWARDS_SHARE = 0.0003
BLOCKS_PER_BEAT = 300
ZIPF_EXPONENT = 0.8
CALLS_PER_YEAR = CALLS_PER_YEAR_DEFAULT = round(
    sum(CALLS_PER_BEAT_2021.values()) / ((1 - SELF_INITIATED_SHARE) * (1 - CANCELLED_SHARE))
)
UNITS_LAMBDA = {"care": 0.4, "alarm": 0.3, "violent": 1.2, "other": 0.4, "self": 0.15}
CANCEL_CLOSE = (420.0, 1800.0)  # median, p90 seconds from received to close of a cancelled call

# (nature, group, assumed share of the group's mass, {priority: weight})
EXTRA_CARE_NATURES = (  # the other three of DCSD's nine; split of their 4.8% is assumed
    ("ASSIST PERSON", "care", 0.45, {"3": 0.8, "4": 0.2}),
    ("FOLLOW UP", "care", 0.40, {"4": 0.6, "5": 0.4}),
    ("INDECENCY", "care", 0.15, {"2": 0.2, "3": 0.8}),
)
ALARM_NATURES = (
    ("ALARM BURGLAR", "alarm", 0.9, {"2": 0.3, "3": 0.7}),
    ("ALARM HOLDUP/PANIC", "alarm", 0.1, {"1": 0.8, "2": 0.2}),
)
OTHER_NATURES = (  # public-initiated police natures, shares relative to each other
    ("ASSAULT", "violent", 0.028, {"1": 0.3, "2": 0.6, "3": 0.1}),
    ("DOMESTIC DISTURBANCE", "violent", 0.040, {"1": 0.25, "2": 0.7, "3": 0.05}),
    ("SHOTS FIRED", "violent", 0.020, {"1": 0.8, "2": 0.2}),
    ("FIGHT", "violent", 0.010, {"1": 0.6, "2": 0.4}),
    ("ROBBERY", "violent", 0.005, {"1": 0.9, "2": 0.1}),
    ("ARMED PERSON", "violent", 0.004, {"1": 0.9, "2": 0.1}),
    ("SHOOTING", "violent", 0.002, {"1": 1.0}),
    ("STABBING", "violent", 0.001, {"1": 1.0}),
    ("DISTURBANCE", "other", 0.065, {"2": 0.3, "3": 0.7}),
    ("SUSPICIOUS PERSON", "other", 0.045, {"2": 0.2, "3": 0.8}),
    ("SUSPICIOUS VEHICLE", "other", 0.030, {"3": 0.9, "4": 0.1}),
    ("LARCENY", "other", 0.055, {"3": 0.6, "4": 0.4}),
    ("BURGLARY", "other", 0.018, {"2": 0.5, "3": 0.5}),
    ("BREAKING AND ENTERING AUTO", "other", 0.012, {"3": 0.5, "4": 0.5}),
    ("STOLEN VEHICLE", "other", 0.010, {"3": 0.8, "4": 0.2}),
    ("FRAUD", "other", 0.018, {"4": 0.8, "5": 0.2}),
    ("VANDALISM", "other", 0.015, {"3": 0.4, "4": 0.6}),
    ("MVA PROPERTY DAMAGE", "other", 0.045, {"3": 0.7, "4": 0.3}),
    ("MVA WITH INJURY", "other", 0.012, {"1": 0.4, "2": 0.6}),
    ("HIT AND RUN", "other", 0.018, {"3": 0.6, "4": 0.4}),
    ("NOISE COMPLAINT", "other", 0.035, {"4": 1.0}),
    ("911 HANG UP", "other", 0.050, {"2": 0.3, "3": 0.7}),
    ("HARASSMENT", "other", 0.020, {"3": 0.5, "4": 0.5}),
    ("DRUG ACTIVITY", "other", 0.012, {"3": 0.6, "4": 0.4}),
    ("PARKING COMPLAINT", "other", 0.022, {"4": 0.8, "5": 0.2}),
    ("TRAFFIC HAZARD", "other", 0.012, {"2": 0.5, "3": 0.5}),
    ("ASSIST MOTORIST", "other", 0.015, {"3": 0.5, "4": 0.5}),
    ("ANIMAL COMPLAINT", "other", 0.012, {"4": 1.0}),
    ("MISSING PERSON", "other", 0.007, {"2": 0.6, "3": 0.4}),
    ("ASSIST OTHER AGENCY", "other", 0.018, {"2": 0.3, "3": 0.7}),
    ("INFORMATION", "other", 0.015, {"5": 0.5, "6": 0.3, "9": 0.2}),
    ("PROPERTY FOUND", "other", 0.008, {"4": 0.5, "7": 0.5}),
)
SELF_INITIATED_NATURES = (
    ("TRAFFIC STOP", "self", 0.45, {"3": 0.5, "4": 0.48, "P": 0.02}),
    ("PROPERTY CHECK", "self", 0.12, {"4": 0.3, "8": 0.7}),
    ("SUSPICIOUS VEHICLE", "self", 0.10, {"3": 0.9, "4": 0.1}),
    ("DIRECTED PATROL", "self", 0.08, {"9": 0.97, "P": 0.03}),
    ("FOLLOW UP", "self", 0.08, {"4": 0.5, "5": 0.5}),
    ("SUSPICIOUS PERSON", "self", 0.05, {"2": 0.2, "3": 0.8}),
    ("WARRANT SERVICE", "self", 0.04, {"3": 1.0}),
    ("SUBJECT STOP", "self", 0.03, {"3": 1.0}),
    ("ASSIST MOTORIST", "self", 0.03, {"3": 0.5, "4": 0.5}),
    ("ASSIST OTHER AGENCY", "self", 0.018, {"2": 0.3, "3": 0.7}),
    ("OFFICER NEEDS ASSISTANCE", "self", 0.002, {"0": 1.0}),
)
PRIORITY_CODES = ("0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "P")
_DECC_GROUP = {"0": 1, "1": 1, "2": 2, "3": 3}  # everything else -> 4 [assumed]

_STREET_WORDS = (
    "ALDER", "ASH", "ASPEN", "BAY", "BIRCH", "CEDAR", "CHERRY", "CYPRESS", "DOGWOOD", "ELM",
    "FIR", "HAZEL", "HICKORY", "HOLLY", "JUNIPER", "LARCH", "LAUREL", "LINDEN", "LOCUST",
    "MAGNOLIA", "MAPLE", "MULBERRY", "OAK", "OLIVE", "PALM", "PEACH", "PECAN", "PINE", "PLUM",
    "POPLAR", "REDBUD", "SPRUCE", "SUMAC", "SYCAMORE", "TUPELO", "WALNUT", "WILLOW", "YEW",
    "AMBER", "AZURE", "COBALT", "CORAL", "CRIMSON", "EMERALD", "GARNET", "IVORY", "JADE",
    "ONYX", "OPAL", "RUBY", "SCARLET", "SILVER", "TOPAZ", "VIOLET",
)  # fmt: skip
_STREET_SUFFIXES = ("ST", "AVE", "RD", "DR", "LN", "WAY", "CT")
_STREETS_PER_BEAT = 10
_BLOCKS_PER_STREET = BLOCKS_PER_BEAT // _STREETS_PER_BEAT

DEFAULT_CHUNK_ROWS = 250_000
GZIP_LEVEL = 6
_REPO_BEATS = Path(__file__).resolve().parents[2] / "data" / "samples" / "durham" / "durham_police_beats_dissolved.geojson"
_PACKAGE_BEATS = Path(__file__).resolve().parent / "data" / "durham_police_beats_dissolved.geojson"


def default_beats_path() -> Path:
    """The bundled Durham beats GeoJSON (package copy, else the repo sample)."""
    return _PACKAGE_BEATS if _PACKAGE_BEATS.is_file() else _REPO_BEATS


# ---------------------------------------------------------------------------------------
# Calibration tables (pure functions of the constants above)
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Natures:
    names: tuple[str, ...]
    groups: tuple[str, ...]
    public_probs: np.ndarray  # [n_beats, n_natures], rows sum to 1 (zero for self natures)
    self_probs: np.ndarray  # [n_natures]
    priority_cum: np.ndarray  # [n_natures, n_codes] cumulative


def eligible_extra_share() -> float:
    """Share of public calls given to ASSIST PERSON + FOLLOW UP + INDECENCY."""
    return ELIGIBLE_CALLS_PER_YEAR / POLICE_CALLS_PER_YEAR - _pooled_real_share().sum()


def _pooled_real_share() -> np.ndarray:
    counts = np.array(list(REAL_NATURE_COUNTS_BY_BEAT.values()), dtype=float).sum(axis=0)
    total = sum(CALLS_PER_BEAT_2021[b] for b in REAL_NATURE_COUNTS_BY_BEAT)
    return counts / total


def _nature_table(beats: tuple[str, ...]) -> _Natures:
    alarm_share = sum(ALARM_SOURCE_COUNTS.values()) / FILTERED_CALLS_2021
    extra_share = eligible_extra_share()
    rest_share = 1.0 - extra_share - alarm_share - _pooled_real_share().sum()
    specs: list[tuple[str, str, float, dict]] = []  # (name, group, citywide public share, prio)
    for name in REAL_NATURES:
        specs.append((name, "care", np.nan, {k: float(v) for k, v in REAL_PRIORITY_COUNTS[name].items()}))
    for block, mass in ((EXTRA_CARE_NATURES, extra_share), (ALARM_NATURES, alarm_share), (OTHER_NATURES, rest_share)):
        weight = sum(s for _, _, s, _ in block)
        specs.extend((n, g, mass * s / weight, p) for n, g, s, p in block)
    n_public = len(specs)
    self_weight = sum(s for _, _, s, _ in SELF_INITIATED_NATURES)
    self_specs = [(n, g, s / self_weight, p) for n, g, s, p in SELF_INITIATED_NATURES]
    names = tuple(s[0] for s in specs) + tuple("SELF:" + s[0] for s in self_specs)
    groups = tuple(s[1] for s in specs + self_specs)

    n_nat = len(names)
    public = np.zeros((len(beats), n_nat))
    pooled = _pooled_real_share()
    other_share = np.array([s[2] for s in specs[len(REAL_NATURES):]])
    for i, beat in enumerate(beats):
        if beat in REAL_NATURE_COUNTS_BY_BEAT:
            real = np.array(REAL_NATURE_COUNTS_BY_BEAT[beat], float) / CALLS_PER_BEAT_2021[beat]
        else:
            real = pooled
        public[i, : len(REAL_NATURES)] = real
        public[i, len(REAL_NATURES) : n_public] = other_share / other_share.sum() * (1.0 - real.sum())
    selfp = np.zeros(n_nat)
    selfp[n_public:] = [s[2] for s in self_specs]

    prio = np.zeros((n_nat, len(PRIORITY_CODES)))
    for j, (_, _, _, p) in enumerate(specs + self_specs):
        for code, w in p.items():
            prio[j, PRIORITY_CODES.index(code)] = w
    display = tuple(n.removeprefix("SELF:") for n in names)
    return _Natures(display, groups, public, selfp, _cum(prio))


def _lognormal_params(median: float, p90: float) -> tuple[float, float]:
    return float(np.log(median)), float((np.log(p90) - np.log(median)) / 1.2815515655446004)


# ---------------------------------------------------------------------------------------
# Beats and block locations
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Blocks:
    beats: tuple[str, ...]
    districts: tuple[str, ...]
    lat: np.ndarray  # [n_beats, BLOCKS_PER_BEAT]
    lon: np.ndarray
    text: pa.Array  # flat, index beat * BLOCKS_PER_BEAT + block
    block_cum: np.ndarray  # cumulative Zipf weights over a beat's blocks


def load_beats(path: str | os.PathLike | None = None) -> dict[str, tuple[str, object]]:
    """Read a beats GeoJSON into ``{beat: (district, shapely geometry)}``.

    Parameters
    ----------
    path
        GeoJSON with a beat property (``LAWBEAT`` or ``beat``) and optionally a district
        (``LAWDIST`` or ``district``; else ``D`` + the beat's first digit). Features of the
        same beat are unioned. Default: :func:`default_beats_path`.

    Raises
    ------
    InputError
        The file cannot be read or is not GeoJSON.
    ConfigError
        A feature has no beat property.
    """
    import shapely
    from shapely.geometry import shape

    from .geo import read_features

    path = Path(path) if path is not None else default_beats_path()
    features = read_features(path)
    parts: dict[str, list] = {}
    districts: dict[str, str] = {}
    for i, feature in enumerate(features):
        props = feature.get("properties") or {}
        raw = props.get("LAWBEAT", props.get("beat"))
        if raw is None or feature.get("geometry") is None:
            msg = f"{path}: feature {i} has no LAWBEAT/beat property or no geometry; each beat feature needs both"
            raise ConfigError(msg)
        beat = str(raw).strip()
        parts.setdefault(beat, []).append(shape(feature["geometry"]))
        districts[beat] = str(props.get("LAWDIST", props.get("district")) or f"D{beat[0]}")
    return {b: (districts[b], shapely.union_all(g) if len(g) > 1 else g[0]) for b, g in sorted(parts.items())}


def _sample_points(geom, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """n uniform points inside geom: vectorised rejection sampling in its bounding box."""
    import shapely

    shapely.prepare(geom)
    minx, miny, maxx, maxy = geom.bounds
    xs, ys, have = [], [], 0
    ratio = max(geom.area / ((maxx - minx) * (maxy - miny)), 0.01)
    while have < n:
        m = int((n - have) / ratio * 1.3) + 16
        x = rng.uniform(minx, maxx, m)
        y = rng.uniform(miny, maxy, m)
        inside = shapely.contains_xy(geom, x, y)
        xs.append(x[inside])
        ys.append(y[inside])
        have += int(inside.sum())
    return np.concatenate(xs)[:n], np.concatenate(ys)[:n]


def _blocks(beats: dict[str, tuple[str, object]], rng: np.random.Generator) -> _Blocks:
    names = tuple(beats)
    n_streets = len(_STREET_WORDS) * len(_STREET_SUFFIXES)
    if len(names) * _STREETS_PER_BEAT > n_streets:
        msg = f"at most {n_streets // _STREETS_PER_BEAT} beats are supported, got {len(names)}"
        raise UsageError(msg)
    street_ids = rng.permutation(n_streets)
    lat = np.empty((len(names), BLOCKS_PER_BEAT))
    lon = np.empty_like(lat)
    texts: list[str] = []
    for i, beat in enumerate(names):
        lon[i], lat[i] = _sample_points(beats[beat][1], BLOCKS_PER_BEAT, rng)
        streets = street_ids[i * _STREETS_PER_BEAT : (i + 1) * _STREETS_PER_BEAT]
        numbers = rng.permutation(np.arange(1, 60))[:_BLOCKS_PER_STREET] * 100
        order = rng.permutation(BLOCKS_PER_BEAT)  # popularity rank is not tied to street
        beat_texts = [
            f"{numbers[k % _BLOCKS_PER_STREET]} BLOCK OF SYNTH "
            f"{_STREET_WORDS[streets[k // _BLOCKS_PER_STREET] % len(_STREET_WORDS)]} "
            f"{_STREET_SUFFIXES[streets[k // _BLOCKS_PER_STREET] // len(_STREET_WORDS)]}"
            for k in range(BLOCKS_PER_BEAT)
        ]
        texts.extend(beat_texts[k] for k in order)
    cum = _cum(np.arange(1, BLOCKS_PER_BEAT + 1, dtype=float) ** -ZIPF_EXPONENT)
    return _Blocks(names, tuple(beats[b][0] for b in names), lat, lon, pa.array(texts), cum)


# ---------------------------------------------------------------------------------------
# Generation
# ---------------------------------------------------------------------------------------
def _day_counts(n: int, start: date, calls_per_year: float, rng: np.random.Generator) -> tuple[pd.DatetimeIndex, np.ndarray]:
    n_days = max(1, int(round(n / (calls_per_year / 365.25))))
    days = pd.date_range(pd.Timestamp(start), periods=n_days, freq="D")
    weekday = np.array(WEEKDAY_COUNTS, float) / np.mean(WEEKDAY_COUNTS)
    month_days = np.array([31, 28.25, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
    month = np.array(MONTH_COUNTS, float) / month_days
    w = weekday[days.day_of_week.to_numpy()] * month[days.month.to_numpy() - 1]
    return days, rng.multinomial(n, w / w.sum())


def _cum(p: np.ndarray) -> np.ndarray:
    """Cumulative probabilities along the last axis, exactly 1.0 from the last non-zero on."""
    p = np.asarray(p, float)
    cum = np.cumsum(p / p.sum(axis=-1, keepdims=True), axis=-1)
    last = p.shape[-1] - 1 - np.argmax((p > 0)[..., ::-1], axis=-1)
    cols = np.arange(p.shape[-1])
    return np.where(cols >= np.expand_dims(last, -1), 1.0, cum)


def _pick(cum: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Index into a cumulative table; cum is 1-D or [rows, k] matched to u's rows."""
    if cum.ndim == 1:
        return np.minimum(np.searchsorted(cum, u, side="right"), len(cum) - 1)
    return np.minimum((cum < u[:, None]).sum(axis=1), cum.shape[1] - 1)


def _lognormal(rng: np.random.Generator, params: np.ndarray, idx: np.ndarray) -> np.ndarray:
    mu, sigma = params[idx, 0], params[idx, 1]
    return np.exp(mu + sigma * rng.standard_normal(len(idx)))


def _to_local_strings(utc_seconds: np.ndarray, valid: np.ndarray) -> pa.Array:
    local = pd.to_datetime(utc_seconds, unit="s", utc=True).tz_convert(TZ).tz_localize(None)
    secs = local.to_numpy().astype("datetime64[s]").astype(np.int64)
    arr = pa.array(secs, pa.timestamp("s"), mask=~valid)
    return arr.cast(pa.string())


def synthetic_call_batches(
    calls: int,
    *,
    seed: int = 0,
    start: date | str = "2021-01-01",
    beats: str | os.PathLike | None = None,
    calls_per_year: float = CALLS_PER_YEAR_DEFAULT,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
) -> Iterator[pa.RecordBatch]:
    """Yield synthetic Durham-like calls as record batches of about ``chunk_rows`` rows.

    Calls are in received order, spread over ``calls / calls_per_year`` years from
    ``start``; each batch covers whole days. The output depends only on the arguments.

    Parameters
    ----------
    calls
        Number of rows in total (>= 1).
    seed
        Random seed; the same arguments give identical batches.
    start
        First local calendar day (``YYYY-MM-DD``).
    beats
        Beats GeoJSON (see :func:`load_beats`); its beats must be Durham's (those in
        :data:`CALLS_PER_BEAT_2021`), since volumes are calibrated per beat.
    calls_per_year
        Volume of all calls (including self-initiated and cancelled) per year.
    chunk_rows
        Target rows per batch.

    Returns
    -------
    Iterator[pyarrow.RecordBatch]
        Batches with schema :data:`SYNTH_SCHEMA`.

    Raises
    ------
    UsageError
        ``calls``, ``start``, ``calls_per_year`` or ``chunk_rows`` is invalid.
    ConfigError
        The GeoJSON's beats do not match Durham's.
    """
    if calls < 1:
        raise UsageError(f"--calls must be at least 1, got {calls}")
    if chunk_rows < 1000:
        raise UsageError(f"chunk_rows must be at least 1000, got {chunk_rows}")
    if not calls_per_year > 0:
        raise UsageError(f"calls_per_year must be positive, got {calls_per_year}")
    try:
        start_day = date.fromisoformat(str(start))
    except ValueError:
        raise UsageError(f"--start {start!r} is not a date YYYY-MM-DD") from None
    geo = load_beats(beats)
    unknown = sorted(set(geo) - set(CALLS_PER_BEAT_2021))
    if unknown:
        msg = (f"{beats or default_beats_path()}: beats {', '.join(unknown)} have no 2021 Durham volume; "
               f"valid beats: {', '.join(CALLS_PER_BEAT_2021)}")
        raise ConfigError(msg)
    setup = np.random.default_rng(np.random.SeedSequence([seed, 0]))
    blocks = _blocks(geo, setup)
    natures = _nature_table(blocks.beats)
    days, per_day = _day_counts(calls, start_day, calls_per_year, setup)

    beat_w = np.array([CALLS_PER_BEAT_2021[b] for b in blocks.beats], float)
    beat_cum = _cum(beat_w)
    hour_cum = _cum(np.array(HOUR_COUNTS, float))
    public_cum = _cum(natures.public_probs)
    self_cum = _cum(natures.self_probs)
    groups = np.array(natures.groups)
    nature_arr = pa.array(natures.names)
    prio_arr = pa.array(PRIORITY_CODES)
    beat_arr = pa.array(blocks.beats)
    district_arr = pa.array(blocks.districts)
    decc_group = np.array([_DECC_GROUP.get(c, 4) - 1 for c in PRIORITY_CODES])
    interval_params = {
        k: np.array([_lognormal_params(*v[g]) for g in (1, 2, 3, 4)]) for k, v in DECC_INTERVALS.items()
    }
    officer_scene = np.array([_lognormal_params(*DECC_OFFICER_ON_SCENE)])
    cancel_close = np.array([_lognormal_params(*CANCEL_CLOSE)])
    alarm_sources = list(ALARM_SOURCE_COUNTS)
    public_sources = list(PUBLIC_SOURCE_COUNTS)
    source_arr = pa.array(alarm_sources + public_sources + [SELF_INITIATED_SOURCE])
    alarm_src_cum = _cum(np.array(list(ALARM_SOURCE_COUNTS.values()), float))
    public_src_cum = _cum(np.array(list(PUBLIC_SOURCE_COUNTS.values()), float))
    dispo_names = sorted({d for g in DISPOSITIONS.values() for d in g} | {CANCELLED_DISPOSITION})
    dispo_arr = pa.array(dispo_names)
    dispo_cum = {}
    for g, table in DISPOSITIONS.items():
        p = np.zeros(len(dispo_names))
        for name, w in table.items():
            p[dispo_names.index(name)] = w
        dispo_cum[g] = _cum(p)
    group_dispo = {"care": "other", "other": "other", "alarm": "alarm", "violent": "violent", "self": "self"}
    units_lambda = np.array([UNITS_LAMBDA[g] for g in natures.groups])

    day_start_local = days.to_numpy().astype("datetime64[s]").astype(np.int64)
    row0 = 0
    chunk = 0
    d0 = 0
    cum_rows = np.cumsum(per_day)
    while d0 < len(days):
        # whole days until the chunk holds ~chunk_rows
        d1 = int(np.searchsorted(cum_rows, (cum_rows[d0 - 1] if d0 else 0) + chunk_rows, side="left")) + 1
        d1 = min(max(d1, d0 + 1), len(days))
        chunk += 1
        rng = np.random.default_rng(np.random.SeedSequence([seed, chunk]))
        counts = per_day[d0:d1]
        n = int(counts.sum())
        if n == 0:
            d0 = d1
            continue
        local = np.repeat(day_start_local[d0:d1], counts)
        local += _pick(hour_cum, rng.random(n)) * 3600 + rng.integers(0, 3600, n)
        ambiguous = rng.random(n) < 0.5
        received = (
            pd.DatetimeIndex(local.astype("datetime64[s]"))
            .tz_localize(TZ, ambiguous=ambiguous, nonexistent="shift_forward")
            .as_unit("s")
            .asi8
        )
        received = np.sort(received)  # received order within the chunk (chunks are whole days)

        is_self = rng.random(n) < SELF_INITIATED_SHARE
        cancelled = ~is_self & (rng.random(n) < CANCELLED_SHARE)
        beat_idx = _pick(beat_cum, rng.random(n))
        nat = np.empty(n, np.int64)
        nat[is_self] = _pick(self_cum, rng.random(int(is_self.sum())))
        pub = ~is_self
        nat[pub] = _pick(public_cum[beat_idx[pub]], rng.random(int(pub.sum())))
        grp = groups[nat]
        prio_idx = _pick(natures.priority_cum[nat], rng.random(n))

        src = np.empty(n, np.int64)
        is_alarm = grp == "alarm"
        src[is_self] = len(source_arr) - 1
        src[is_alarm] = _pick(alarm_src_cum, rng.random(int(is_alarm.sum())))
        other_pub = pub & ~is_alarm
        src[other_pub] = len(alarm_sources) + _pick(public_src_cum, rng.random(int(other_pub.sum())))

        dispo = np.empty(n, np.int64)
        for g, dg in group_dispo.items():
            m = grp == g
            if m.any():
                dispo[m] = _pick(dispo_cum[dg], rng.random(int(m.sum())))
        dispo[cancelled] = dispo_names.index(CANCELLED_DISPOSITION)

        # intervals (seconds): processing, rollout, travel, on scene
        dg = decc_group[prio_idx]
        proc = _lognormal(rng, interval_params["processing"], dg)
        roll = _lognormal(rng, interval_params["rollout"], dg)
        trav = _lognormal(rng, interval_params["travel"], dg)
        scene = _lognormal(rng, interval_params["on_scene"], dg)
        scene[is_self] = _lognormal(rng, officer_scene, np.zeros(int(is_self.sum()), np.int64))
        proc[is_self] = roll[is_self] = trav[is_self] = 0.0
        back = rng.random(n) < BACKWARDS_SHARE
        which = rng.integers(0, 4, n)
        flip = -rng.uniform(1, 600, n)
        for k, arr in enumerate((proc, roll, trav, scene)):
            m = back & (which == k)
            arr[m] = flip[m]
        proc, roll, trav, scene = (np.rint(a).astype(np.int64) for a in (proc, roll, trav, scene))
        dispatched = received + proc
        enroute = dispatched + roll
        onscene = enroute + trav
        cleared = onscene + scene

        has_dispatch = ~cancelled | (rng.random(n) < CANCELLED_DISPATCHED_SHARE)
        has_enroute = has_dispatch & ((rng.random(n) >= MISSING_ENROUTE_SHARE) | is_self)
        has_onscene = ~cancelled & ((rng.random(n) >= MISSING_ONSCENE_SHARE) | is_self)
        close = received + np.rint(_lognormal(rng, cancel_close, np.zeros(n, np.int64))).astype(np.int64)
        last_step = np.where(has_enroute, enroute, np.where(has_dispatch, dispatched, received))
        cleared = np.where(cancelled, np.maximum(close, last_step + 1), cleared)
        units = 1 + rng.poisson(units_lambda[nat])
        units[cancelled & ~has_dispatch] = 1

        block = _pick(blocks.block_cum, rng.random(n))
        flat = beat_idx * BLOCKS_PER_BEAT + block
        ids = [f"S{seed}-{i:09d}" for i in range(row0 + 1, row0 + n + 1)]
        everything = np.ones(n, bool)
        yield pa.record_batch(
            [
                pa.array(ids),
                pa.array([AGENCY] * n),
                _to_local_strings(received, everything),
                _to_local_strings(dispatched, has_dispatch),
                _to_local_strings(enroute, has_enroute),
                _to_local_strings(onscene, has_onscene),
                _to_local_strings(cleared, everything),
                nature_arr.take(nat),
                prio_arr.take(prio_idx),
                source_arr.take(src),
                dispo_arr.take(dispo),
                beat_arr.take(beat_idx),
                district_arr.take(beat_idx),
                pa.array(np.round(blocks.lat.ravel()[flat], 6)),
                pa.array(np.round(blocks.lon.ravel()[flat], 6)),
                blocks.text.take(flat),
                pa.array(cancelled.astype(np.int8)),
                pa.array(np.minimum(units, 12).astype(np.int16)),
            ],
            schema=SYNTH_SCHEMA,
        )
        row0 += n
        d0 = d1


def output_format(path: str | os.PathLike) -> str:
    """``csv``, ``csv.gz`` or ``parquet`` from the file name; UsageError otherwise."""
    name = str(path).lower()
    for fmt in ("csv.gz", "csv", "parquet"):
        if name.endswith("." + fmt):
            return fmt
    raise UsageError(f"--out {path}: the name must end in .csv, .csv.gz or .parquet")


def write_synthetic_calls(
    out: str | os.PathLike,
    calls: int,
    *,
    seed: int = 0,
    start: date | str = "2021-01-01",
    beats: str | os.PathLike | None = None,
    calls_per_year: float = CALLS_PER_YEAR_DEFAULT,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    on_batch: Callable[[int], None] | None = None,
) -> dict:
    """Write synthetic calls to ``out`` (.csv, .csv.gz or .parquet), one chunk at a time.

    The file appears only when complete (written to ``<out>.partial``, then renamed).
    Arguments as in :func:`synthetic_call_batches`; ``on_batch(rows)`` is called after
    each chunk with its row count.

    Returns
    -------
    dict
        ``{"path", "format", "rows", "chunks", "seed"}``.

    Raises
    ------
    UsageError
        Unsupported file name or bad arguments.
    InputError
        The file cannot be written.
    """
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    out = Path(out)
    fmt = output_format(out)
    batches = synthetic_call_batches(
        calls, seed=seed, start=start, beats=beats, calls_per_year=calls_per_year, chunk_rows=chunk_rows
    )
    first = next(batches)  # validates arguments before any file is created
    tmp = out.with_name(out.name + ".partial")
    rows = chunks = 0
    try:
        if fmt == "parquet":
            writer = pq.ParquetWriter(tmp, SYNTH_SCHEMA, compression="zstd")
        elif fmt == "csv.gz":
            # gzip level 6 (Arrow's default is 9: 3x slower for 6% smaller); mtime 0 and no
            # file name in the header keep the bytes identical across runs
            raw = open(tmp, "wb")  # noqa: SIM115 - closed with sink below
            sink = gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=GZIP_LEVEL, mtime=0)
            writer = pacsv.CSVWriter(sink, SYNTH_SCHEMA)
        else:
            raw = None
            sink = pa.OSFile(str(tmp), "wb")
            writer = pacsv.CSVWriter(sink, SYNTH_SCHEMA)
        with writer:
            for batch in _chain(first, batches):
                if fmt == "parquet":
                    writer.write_table(pa.Table.from_batches([batch]))
                else:
                    writer.write_batch(batch)
                rows += batch.num_rows
                chunks += 1
                if on_batch is not None:
                    on_batch(batch.num_rows)
        if fmt != "parquet":
            sink.close()
            if raw is not None:
                raw.close()
        os.replace(tmp, out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InputError(f"{out}: cannot write ({exc.strerror or exc})") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return {"path": str(out), "format": fmt, "rows": rows, "chunks": chunks, "seed": seed}


def _chain(first, rest):
    yield first
    yield from rest
