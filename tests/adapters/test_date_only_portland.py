"""Portland: date only (no time of day), x/y in EPSG:2913, no call id, identical rows kept."""

from __future__ import annotations

import pyarrow.parquet as pq

from altresponse.ingest import ingest


def test_portland_date_only_and_reprojection(real_dir, tmp_path):
    report = ingest(real_dir / "portland/ppb_cfs_nij_2016_08_09.csv.gz", "portland", tmp_path)
    f = report.files[0]
    assert f.rows_read == 37819
    assert (f.rows_loaded, f.quarantine_reasons) == (37818, {"missing_required_field": 1})  # the one empty row
    assert f.reconciled
    rows = pq.read_table(sorted((tmp_path / "calls").glob("*.parquet"))).to_pylist()
    assert all(r["received_at"] is None and r["received_local"] is None for r in rows)
    assert {str(r["received_date"])[:7] for r in rows} == {"2016-08", "2016-09"}
    assert len({r["call_id"] for r in rows}) == 37818  # 516 identical rows still get distinct ids
    first = rows[0]  # x 7660085, y 672910; the file's own lon/lat: -122.613925, 45.492962
    assert abs(first["longitude"] - -122.613925) < 1e-5 and abs(first["latitude"] - 45.492962) < 1e-5
    assert first["type_code"] == "PROWLP"
