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

Calibration (every figure is in ``data/synth_calibration.yaml`` with its source, and is an
attribute of this module, e.g. ``synth.CALLS_PER_BEAT_2021``; ``tests/test_synth.py``
recomputes the data-derived ones from the real files). Marked **[data]** or **[assumed]**:

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

Files: ``calibration.py`` (the constants and the tables made from them), ``places.py``
(beats and synthetic blocks), ``generate.py`` (the chunked generator) and ``write.py``.

Examples
--------
>>> import pyarrow as pa
>>> table = pa.Table.from_batches(synthetic_call_batches(50, seed=1))
>>> table.num_rows, table.column_names == list(SYNTH_COLUMNS)
(50, True)
"""

from __future__ import annotations

from typing import Any

from .calibration import calibration, eligible_extra_share
from .generate import AGENCY, DEFAULT_CHUNK_ROWS, SYNTH_COLUMNS, SYNTH_SCHEMA, TZ, synthetic_call_batches
from .places import default_beats_path, load_beats
from .write import GZIP_LEVEL, output_format, write_synthetic_calls

__all__ = ["AGENCY", "DEFAULT_CHUNK_ROWS", "GZIP_LEVEL", "SYNTH_COLUMNS", "SYNTH_SCHEMA", "TZ", "default_beats_path",
           "eligible_extra_share", "load_beats", "output_format", "synthetic_call_batches", "write_synthetic_calls"]


def __getattr__(name: str) -> Any:
    """The calibration constants (``synth.CALLS_PER_BEAT_2021``...), read from the data file on first use."""
    if name.isupper():
        cal = calibration()
        if name in cal:
            return cal[name]
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)
