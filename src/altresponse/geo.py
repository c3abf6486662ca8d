"""Beats and districts: GeoJSON polygons, vectorised point-in-polygon, adjacency, centroids.

A beats file is a GeoJSON FeatureCollection in WGS84 lon/lat. Which property holds the
beat and which the district is an option (Durham: ``LAWBEAT``/``LAWDIST``; Portland's
districts file: ``DISTRICT``). A beat may be split over several features (multi-part
beats); they are merged by beat id for adjacency and centroids.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import shapely
from shapely import STRtree

from .errors import ConfigError, InputError

BEAT_PROPERTIES = ("LAWBEAT", "BEAT", "Beat", "beat", "BEAT_ID")
DISTRICT_PROPERTIES = ("LAWDIST", "DISTRICT", "District", "district", "PRECINCT")


@dataclass
class Beats:
    """Polygons of one beats (or districts) file, ready for point-in-polygon."""

    path: Path
    beat_property: str | None
    district_property: str | None
    geometries: np.ndarray  # one shapely geometry per feature
    beat: np.ndarray  # beat id per feature (str or None)
    district: np.ndarray  # district per feature (str or None)
    tree: STRtree = field(repr=False)

    def assign(self, lon, lat) -> tuple[np.ndarray, np.ndarray]:
        """Beat and district of each point (None outside every polygon or without a point).

        Where polygons overlap, the first feature in the file wins (deterministic).

        Parameters
        ----------
        lon, lat
            Arrays of WGS84 coordinates (NaN/None = no point).

        Returns
        -------
        (beat, district)
            Object arrays of strings or None, aligned with the input.
        """
        lon = np.asarray(lon, dtype=float)
        lat = np.asarray(lat, dtype=float)
        n = len(lon)
        beat = np.full(n, None, dtype=object)
        district = np.full(n, None, dtype=object)
        ok = np.isfinite(lon) & np.isfinite(lat)
        if not ok.any():
            return beat, district
        idx = np.flatnonzero(ok)
        points = shapely.points(lon[idx], lat[idx])
        pt, poly = self.tree.query(points, predicate="within")
        if len(pt):
            order = np.lexsort((poly, pt))
            pt, poly = pt[order], poly[order]
            first = np.concatenate([[True], pt[1:] != pt[:-1]])
            pt, poly = pt[first], poly[first]
            beat[idx[pt]] = self.beat[poly]
            district[idx[pt]] = self.district[poly]
        return beat, district

    def merged(self) -> dict[str, shapely.Geometry]:
        """One (multi)polygon per beat id (or per district when the file has no beat property)."""
        keys = self.beat if self.beat_property else self.district
        out = {}
        for key in sorted({k for k in keys if k is not None}, key=_sort_key):
            out[key] = shapely.union_all(self.geometries[keys == key])
        return out


def _as_id(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, float):
        if np.isnan(value):
            return None
        if value.is_integer():
            return str(int(value))
    text = str(value).strip()
    return text or None


def _sort_key(value: str):
    return (0, int(value), value) if value.isdigit() else (1, 0, value)


def read_features(path: str | Path) -> list[dict]:
    """The features of a beats GeoJSON FeatureCollection.

    Raises
    ------
    InputError
        The file is missing, is not JSON, or holds no features.
    """
    path = Path(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        msg = f"{path}: no such beats file"
        raise InputError(msg) from None
    except (OSError, ValueError) as exc:
        msg = f"{path}: not a readable GeoJSON file ({exc})"
        raise InputError(msg) from None
    features = doc.get("features") if isinstance(doc, dict) else None
    if not features or not isinstance(features, list):
        msg = f"{path}: no features (expected a GeoJSON FeatureCollection of beat polygons)"
        raise InputError(msg)
    return features


def load_beats(path: str | Path, *, beat_property: str | None = None, district_property: str | None = None) -> Beats:
    """Load a beats GeoJSON.

    Parameters
    ----------
    path
        GeoJSON FeatureCollection (WGS84).
    beat_property, district_property
        Property names. When both are None they are detected from common names
        (``LAWBEAT``/``BEAT``..., ``LAWDIST``/``DISTRICT``...).

    Returns
    -------
    Beats

    Raises
    ------
    InputError
        The file cannot be read or is not GeoJSON.
    ConfigError
        A named property is not in the file.
    """
    path = Path(path)
    features = read_features(path)
    props = [f.get("properties") or {} for f in features]
    names = set().union(*(p.keys() for p in props))
    if beat_property is None and district_property is None:
        beat_property = next((n for n in BEAT_PROPERTIES if n in names), None)
        district_property = next((n for n in DISTRICT_PROPERTIES if n in names and n != beat_property), None)
        if beat_property is None and district_property is None:
            msg = f"{path}: no beat or district property found; properties are {', '.join(sorted(names))}"
            raise ConfigError(msg)
    for label, prop in (("beat_property", beat_property), ("district_property", district_property)):
        if prop is not None and prop not in names:
            msg = f"{path}: {label} {prop!r} is not a property; properties are {', '.join(sorted(names))}"
            raise ConfigError(msg)
    try:
        geoms = np.array(
            [shapely.from_geojson(json.dumps(f["geometry"])) for f in features], dtype=object
        )
    except (KeyError, TypeError, shapely.errors.GEOSException) as exc:
        msg = f"{path}: a feature has no readable geometry ({exc})"
        raise InputError(msg) from None
    geoms = shapely.make_valid(geoms)
    beat = np.array([_as_id(p.get(beat_property)) if beat_property else None for p in props], dtype=object)
    district = np.array([_as_id(p.get(district_property)) if district_property else None for p in props], dtype=object)
    return Beats(path, beat_property, district_property, geoms, beat, district, STRtree(geoms))


def _beats(beats) -> Beats:
    return beats if isinstance(beats, Beats) else load_beats(beats)


def beat_adjacency(beats_geojson, *, min_shared_m: float = 10.0) -> dict[str, list[str]]:
    """Beats that share a border (not just a corner).

    Parameters
    ----------
    beats_geojson
        Path to a beats GeoJSON, or a :class:`Beats`.
    min_shared_m
        Minimum shared border length in metres (geodesic) to count as neighbours;
        small digitising gaps (~2 m) between neighbours are tolerated.

    Returns
    -------
    dict
        Beat id → sorted list of neighbouring beat ids (every beat is a key).
    """
    b = _beats(beats_geojson)
    merged = b.merged()
    keys = list(merged)
    geoms = np.array([merged[k] for k in keys], dtype=object)
    tol = 2.0 / 111_000  # 2 m in degrees of latitude: a buffer, so an approximation is enough
    grown = shapely.buffer(geoms, tol)
    tree = STRtree(geoms)
    left, right = tree.query(grown, predicate="intersects")
    out: dict[str, set] = {k: set() for k in keys}
    for i, j in zip(left, right):
        if i >= j:
            continue
        shared = shapely.intersection(grown[i], shapely.boundary(geoms[j]))
        if _geod().geometry_length(shared) >= min_shared_m:  # geodesic metres on WGS84
            out[keys[i]].add(keys[j])
            out[keys[j]].add(keys[i])
    return {k: sorted(v, key=_sort_key) for k, v in out.items()}


def beat_centroids(beats_geojson) -> dict[str, tuple[float, float]]:
    """Centroid (lon, lat) of each beat (all its parts merged).

    A beat whose centroid falls outside it (a crescent) gets a point on its surface instead.
    """
    b = _beats(beats_geojson)
    out = {}
    for key, geom in b.merged().items():
        c = shapely.centroid(geom)
        if not shapely.contains(geom, c):
            c = shapely.point_on_surface(geom)
        out[key] = (float(shapely.get_x(c)), float(shapely.get_y(c)))
    return out


@cache
def _geod():
    from pyproj import Geod

    return Geod(ellps="WGS84")


def distance_km(lat1, lon1, lat2, lon2):
    """Geodesic distance on WGS84 in km (scalars or arrays; NaN where a point is missing).

    The one great-circle distance of the project (plan's distance limit, simulate's travel).

    Examples
    --------
    >>> round(float(distance_km(36.0, -78.9, 36.0, -78.8)), 3)
    9.016
    """
    lat1, lon1, lat2, lon2 = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (lat1, lon1, lat2, lon2)))
    _, _, metres = _geod().inv(lon1, lat1, lon2, lat2)
    return np.asarray(metres, dtype=float) / 1000.0
