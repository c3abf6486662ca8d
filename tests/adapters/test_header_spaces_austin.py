"""Austin: header names have leading spaces (2009–2015: ' Date Occurred') or double spaces
(2016–2017: 'Date  Occurred'); both match the adapter's single-spaced names."""

from __future__ import annotations

from _force_helpers import ingest_force


def test_leading_and_double_spaces(real_dir, tmp_path):
    files = [real_dir / f"austin/apd_response_to_resistance_{y}.csv.gz" for y in (2009, 2016)]
    report, _ = ingest_force(files, "austin_force", tmp_path)
    for f in report.files:
        assert f.columns_missing == []
        assert f.columns_used["timestamps.occurred.date"] == "Date Occurred"
        assert f.columns_used["fields.district"] == "Area Command"
    assert [f.rows_loaded for f in report.files] == [1696, 3293]
