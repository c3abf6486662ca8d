"""Seattle: '-', 'X' and 'XX' in Precinct/Sector/Beat mean unknown; they load as null."""

from __future__ import annotations

from _force_helpers import ingest_force


def test_unknown_markers_are_null(real_dir, tmp_path):
    report, t = ingest_force(real_dir / "seattle/spd_use_of_force_2014_2020.csv.gz", "seattle_force", tmp_path)
    assert report.rows_loaded == 11661
    assert t["district"].null_count == 979  # Precinct '-' 610, 'X' 369
    assert t["beat"].null_count == 951  # Beat '-' 608, 'XX' 343
    values = set(t["district"].drop_null().to_pylist()) | set(t["beat"].drop_null().to_pylist())
    assert not values & {"-", "X", "XX"}
