"""Dallas: where X/Y are missing the point is in the GeoLocation text, as a '(lat, lon)'
line inside a multi-line address (2013, 2016) or as WKT 'POINT (lon lat)' (2017–2019);
2018's points are partly geocoded outside Texas and are nulled by the bounding box.
Also checks the generic ``coordinates.point`` feature on a tiny file."""

from __future__ import annotations

import math

import pytest

from altresponse.adapter import Adapter
from altresponse.ingest import ingest

from _force_helpers import ingest_force, row


def test_multiline_geolocation_2016(real_dir, tmp_path):
    report, t = ingest_force(real_dir / "dallas/dpd_response_to_resistance_2016.csv.gz", "dallas_force", tmp_path)
    assert (report.rows_read, report.rows_loaded) == (2383, 2383)  # embedded newlines read as one record
    r = row(t, "incident_id", "UF2016-1185")  # '211 N ERVAY ST\nDallas, TX\n(32.782205, -96.797461)'
    assert (r["latitude"], r["longitude"]) == (32.782205, -96.797461)
    assert len(t) - t["latitude"].null_count == 2328


def test_wkt_points_outside_dallas_are_nulled_2018(real_dir, tmp_path):
    _, t = ingest_force(real_dir / "dallas/dpd_response_to_resistance_2018.csv.gz", "dallas_force", tmp_path)
    first = row(t, "incident_id", "UF2018-0945")  # POINT (-96.799965 32.782059)
    assert (first["latitude"], first["longitude"]) == (32.782059, -96.799965)
    illinois = row(t, "incident_id", "UF2018-0868")  # POINT (-90.516982 40.552361)
    assert illinois["latitude"] is None
    # 2,417 WKT points, 613 of them outside the Dallas box
    assert len(t) - t["latitude"].null_count == 1804


def test_xy_state_plane_agrees_with_geolocation_2013(real_dir, tmp_path):
    _, t = ingest_force(real_dir / "dallas/dpd_response_to_resistance_2013.csv.gz", "dallas_force", tmp_path)
    # row 3 of the file: X/Y 2504798.67034, 6969124.88107 and GeoLocation (32.77433, -96.754961)
    r = row(t, "source_row", 3)
    assert math.isclose(r["latitude"], 32.77433, abs_tol=5e-4)
    assert math.isclose(r["longitude"], -96.754961, abs_tol=5e-4)
    assert t["latitude"].null_count == 0


def _adapter(**coords) -> Adapter:
    return Adapter.model_validate(
        {
            "name": "pt",
            "table": "force",
            "time_zone": "America/Chicago",
            "timestamps": {"occurred": {"date": ["d"], "date_format": ["%Y-%m-%d"]}},
            "fields": {"incident_id": ["i"]},
            "coordinates": coords,
            "format": {"newlines_in_values": True},
        }
    )


def test_point_text_generic(tmp_path):
    src = tmp_path / "p.csv"
    src.write_text(
        "i,d,x,y,loc\n"
        "1,2020-01-01,,,POINT (-96.5 32.7)\n"
        '2,2020-01-01,,,"1 MAIN ST\nDallas, TX\n(32.8, -96.8)"\n'
        "3,2020-01-01,,,1 MAIN ST Dallas TX\n"
        "4,2020-01-01,2505343.37073,6962661.13331,POINT (-1 1)\n"
        "5,2020-01-01,,,\n"
    )
    a = _adapter(x=["x"], y=["y"], epsg=2276, point=["loc"])
    report = ingest(src, a, tmp_path / "s")
    assert (report.rows_loaded, report.rows_quarantined) == (5, 0)
    import pyarrow.parquet as pq

    t = {r["incident_id"]: r for r in pq.read_table(sorted((tmp_path / "s/force").glob("*.parquet"))).to_pylist()}
    assert (t["1"]["latitude"], t["1"]["longitude"]) == (32.7, -96.5)
    assert (t["2"]["latitude"], t["2"]["longitude"]) == (32.8, -96.8)
    assert t["3"]["latitude"] is None  # an address only: no point, not an error
    assert math.isclose(t["4"]["latitude"], 32.7566, abs_tol=1e-3)  # X/Y wins over the text
    assert t["5"]["latitude"] is None
    only_point = ingest(src, _adapter(point=["loc"]), tmp_path / "s2")
    assert only_point.rows_loaded == 5


def test_coordinates_need_some_source():
    with pytest.raises(ValueError, match="give either"):
        _adapter(bbox=[-97, 32, -96, 33])
