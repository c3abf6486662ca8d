"""Beats: point-in-polygon, CAD-vs-geo beat agreement, adjacency, centroids (real Durham and Portland polygons)."""

from __future__ import annotations

import numpy as np
import pytest

from altresponse.errors import ConfigError
from altresponse.geo import beat_adjacency, beat_centroids, load_beats
from altresponse.ingest import ingest

DISSOLVED = "durham/durham_police_beats_dissolved.geojson"
MULTIPART = "durham/durham_police_beats.geojson"


@pytest.fixture(scope="module")
def durham_beats(real_dir):
    return load_beats(real_dir / DISSOLVED)


def test_properties_detected_and_points_assigned(durham_beats):
    assert (durham_beats.beat_property, durham_beats.district_property) == ("LAWBEAT", "LAWDIST")
    assert len(durham_beats.geometries) == 35
    # centroid of beat 111 falls in 111 / D1; a point in the ocean and a missing point get None
    lon, lat = beat_centroids(durham_beats)["111"]
    beat, district = durham_beats.assign([lon, -70.0, np.nan], [lat, 30.0, np.nan])
    assert list(beat) == ["111", None, None]
    assert list(district) == ["D1", None, None]


def _raw_points_in_polygons(lon, lat, path, key):
    """Polygon key of each point (None outside all), with shapely directly on the GeoJSON: the
    expected figures below come from here, not from geo.assign."""
    import json

    import shapely

    out = np.full(len(lon), None, dtype=object)
    ok = np.isfinite(lon) & np.isfinite(lat)
    for f in json.loads(path.read_text())["features"]:
        poly = shapely.from_geojson(json.dumps(f["geometry"]))
        inside = ok & shapely.contains_xy(poly, np.nan_to_num(lon), np.nan_to_num(lat)) & (out == None)  # noqa: E711
        out[inside] = str(f["properties"][key])
    return out


def test_durham_cad_beat_vs_geo_beat(real_dir, tmp_path):
    report = ingest(real_dir / "durham/durham_dpd_cfs_2021_heart_beats_community_safety_types.csv", "durham", tmp_path, beats=real_dir / DISSOLVED)
    geo = report.files[0].geo
    assert geo["points"] == 4033
    assert geo["points_in_a_polygon"] == 4029
    assert geo["cad_beat_compared"] == 4029
    assert geo["cad_beat_disagrees"] == 156  # 3.9%: 2021 CAD beats vs 2022-vintage polygons
    assert geo["district_filled_from_geo"] == 4029
    import pandas as pd

    raw = pd.read_csv(real_dir / "durham/durham_dpd_cfs_2021_heart_beats_community_safety_types.csv", dtype={"Beat": str})
    lon, lat = raw.Longitude.to_numpy(float), raw.Latitude.to_numpy(float)
    beat = _raw_points_in_polygons(lon, lat, real_dir / DISSOLVED, "LAWBEAT")
    inside = beat != None  # noqa: E711
    assert geo["points"] == int((np.isfinite(lon) & np.isfinite(lat)).sum())
    assert geo["points_in_a_polygon"] == geo["cad_beat_compared"] == geo["district_filled_from_geo"] == int(inside.sum())
    assert geo["cad_beat_disagrees"] == int((raw.Beat.to_numpy()[inside] != beat[inside]).sum())


def test_portland_districts_fill_district(real_dir, tmp_path):
    report = ingest(real_dir / "portland/ppb_cfs_nij_2016_08_09.csv.gz", "portland", tmp_path, beats=real_dir / "portland/portland_police_districts.geojson")
    geo = report.files[0].geo
    assert geo["points"] == 37818
    assert geo["points_in_a_polygon"] == 37681
    assert geo["cad_beat_compared"] == 0
    # from the raw file: the adapter reprojects x/y (EPSG:2913, feet; 0 = none) and keeps WGS84
    # points in its bbox; the one quarantined row has no case type
    import pandas as pd
    from pyproj import Transformer

    raw = pd.read_csv(real_dir / "portland/ppb_cfs_nij_2016_08_09.csv.gz", dtype={"final_case_type": str})
    raw = raw[raw.final_case_type.notna() & raw.occ_date.notna()]
    x, y = raw.x_coordinate.to_numpy(float), raw.y_coordinate.to_numpy(float)
    x[(x == 0) | (y == 0)] = np.nan
    lon, lat = Transformer.from_crs(2913, 4326, always_xy=True).transform(x, y)
    box = (lon >= -123.2) & (lon <= -122.2) & (lat >= 45.2) & (lat <= 45.8)
    lon, lat = np.where(box, lon, np.nan), np.where(box, lat, np.nan)
    assert geo["points"] == int(np.isfinite(lon).sum())
    district = _raw_points_in_polygons(lon, lat, real_dir / "portland/portland_police_districts.geojson", "DISTRICT")
    assert geo["points_in_a_polygon"] == int((district != None).sum())  # noqa: E711


def test_adjacency_is_symmetric_and_local(real_dir, durham_beats):
    adj = beat_adjacency(durham_beats)
    assert len(adj) == 35
    assert adj["111"] == ["112", "113", "212", "213", "214", "512", "513"]
    for beat, neighbours in adj.items():
        assert beat not in neighbours
        for other in neighbours:
            assert beat in adj[other]


def test_multipart_beats_are_merged(real_dir):
    beats = load_beats(real_dir / MULTIPART)
    assert len(beats.geometries) == 129
    merged = beats.merged()
    assert {"111", "513", "299", "999"} <= set(merged)
    assert len(beat_centroids(beats)) == len(merged)


def test_named_property_must_exist(real_dir):
    with pytest.raises(ConfigError, match="NOPE"):
        load_beats(real_dir / DISSOLVED, beat_property="NOPE")
