"""Cincinnati: CFS_NO is the CAD event number (the join key to calls); 'N/A' and 'NA'
in it are null tokens, so 22,276 of 22,619 rows (98.5%) carry one."""

from __future__ import annotations

from _force_helpers import ingest_force, row


def test_cfs_number_kept_as_given(real_dir, tmp_path):
    _, t = ingest_force(real_dir / "cincinnati/cpd_pdi_use_of_force_1996_2020.csv.gz", "cincinnati_force", tmp_path)
    assert len(t) - t["cfs_number"].null_count == 22276
    assert not {"N/A", "NA", ""} & set(t["cfs_number"].drop_null().to_pylist())
    r = row(t, "source_row", 2)  # INCIDENT_NO 6912, 05/28/2013 02:48:00 AM, CFS_NO LCP130528000184
    assert (r["incident_id"], r["cfs_number"], str(r["occurred_local"])) == ("6912", "LCP130528000184", "2013-05-28 02:48:00")
    assert str(r["occurred_at"]) == "2013-05-28 06:48:00+00:00"
