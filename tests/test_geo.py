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


def test_durham_cad_beat_vs_geo_beat(real_dir, tmp_path):
    report = ingest(real_dir / "durham/durham_dpd_cfs_2021_heart_beats_community_safety_types.csv", "durham", tmp_path, beats=real_dir / DISSOLVED)
    geo = report.files[0].geo
    assert geo["points"] == 4033
    assert geo["points_in_a_polygon"] == 4029
    assert geo["cad_beat_compared"] == 4029
    assert geo["cad_beat_disagrees"] == 156  # 3.9%: 2021 CAD beats vs 2022-vintage polygons
    assert geo["district_filled_from_geo"] == 4029


def test_portland_districts_fill_district(real_dir, tmp_path):
    report = ingest(real_dir / "portland/ppb_cfs_nij_2016_08_09.csv.gz", "portland", tmp_path, beats=real_dir / "portland/portland_police_districts.geojson")
    geo = report.files[0].geo
    assert geo["points"] == 37818
    assert geo["points_in_a_polygon"] == 37681
    assert geo["cad_beat_compared"] == 0


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
