"""New Orleans: 'Date Occurred' is a date only, several rows per incident, no row id and
311 rows that repeat another row exactly: every row loads, with distinct stable hash ids."""

from __future__ import annotations

import pyarrow.compute as pc

from _force_helpers import ingest_force


def test_date_only_and_repeated_rows(real_dir, tmp_path):
    path = real_dir / "new_orleans/nopd_use_of_force_incidents_2016_2020.csv.gz"
    report, t = ingest_force(path, "new_orleans_force", tmp_path / "a")
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (5750, 5750, 0)
    assert t["occurred_at"].null_count == 5750
    assert t["occurred_date"].null_count == 0
    assert (str(pc.min(t["occurred_date"]).as_py()), str(pc.max(t["occurred_date"]).as_py())) == ("2016-01-01", "2020-09-24")
    assert len(set(t["force_id"].to_pylist())) == 5750
    assert all(i.startswith("new_orleans_force:h") for i in t["force_id"].to_pylist())
    # the same file into a fresh store gives the same ids
    _, again = ingest_force(path, "new_orleans_force", tmp_path / "b")
    assert again["force_id"].to_pylist() == t["force_id"].to_pylist()
