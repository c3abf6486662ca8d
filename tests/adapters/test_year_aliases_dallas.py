"""Dallas: the 2015 file renames the date, time, activity and injury columns
(OCCURRED_DT, OCCURRED_TM, SERVICE_TYPE, CIT_INJURED); the same adapter reads it."""

from __future__ import annotations

from _force_helpers import ingest_force, row


def test_2015_column_names_map_through_aliases(real_dir, tmp_path):
    report, t = ingest_force(real_dir / "dallas/dpd_response_to_resistance_2015.csv.gz", "dallas_force", tmp_path)
    used = report.files[0].columns_used
    assert used["timestamps.occurred.date"] == "OCCURRED_DT"
    assert used["timestamps.occurred.time"] == "OCCURRED_TM"
    assert used["fields.service_type"] == "SERVICE_TYPE"
    assert used["fields.subject_injured"] == "CIT_INJURED"
    assert (report.rows_read, report.rows_loaded) == (2243, 2243)
    # 'MM/DD/YYYY 12:00:00 AM' + 24-hour 'H:MM': UF2015-0108, 02/10/2015 16:00 Central = 22:00 UTC
    r = row(t, "incident_id", "UF2015-0108")
    assert str(r["occurred_local"]) == "2015-02-10 16:00:00"
    assert str(r["occurred_at"]) == "2015-02-10 22:00:00+00:00"
    assert len(t) - t["occurred_at"].null_count == 2236  # 7 blank times: date only


def test_2016_and_2017_time_formats(real_dir, tmp_path):
    files = [real_dir / f"dallas/dpd_response_to_resistance_{y}.csv.gz" for y in (2016, 2017)]
    _, t = ingest_force(files, "dallas_force", tmp_path)
    # 2016 '4:14:00 AM'; 2017 '10:30 AM'
    assert str(row(t, "incident_id", "UF2016-1185")["occurred_local"]) == "2016-09-03 04:14:00"
    assert str(row(t, "incident_id", "UF2017-1685")["occurred_local"]) == "2017-10-24 10:30:00"
