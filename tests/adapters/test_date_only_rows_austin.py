"""Austin: 'Date Occurred' is a date; 'Time Occurred' is often blank. A row with no time
loads date-only (occurred_at null, occurred_date set); it is not quarantined."""

from __future__ import annotations

from _force_helpers import ingest_force, row


def test_blank_time_loads_date_only(real_dir, tmp_path):
    report, t = ingest_force(real_dir / "austin/apd_response_to_resistance_2009.csv.gz", "austin_force", tmp_path)
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (1696, 1696, 0)
    assert t["occurred_at"].null_count == 916  # ' ' in Time Occurred
    assert t["occurred_date"].null_count == 0
    blank = row(t, "source_force_id", "19654")  # 01/01/2009 12:00:00 AM, time ' '
    assert (str(blank["occurred_date"]), blank["occurred_at"], blank["occurred_local"]) == ("2009-01-01", None, None)
    timed = row(t, "source_force_id", "19656")  # 01/01/2009, '0330' Central = 09:30 UTC
    assert str(timed["occurred_at"]) == "2009-01-01 09:30:00+00:00"
