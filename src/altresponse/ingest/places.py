"""Where a call happened: coordinates parsed, projected and checked, and beats by point-in-polygon."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..calls import QuarantineReason as R
from .values import parse_number, parse_point


def map_coordinates(c, a_raw: pa.Array, b_raw: pa.Array, point_raw, transformer, problems: list, changes: list):
    """Coordinates of a batch → (latitude, longitude); appends row problems and (reason, mask) of nulled values."""
    a, bad_a, inf_a = parse_number(a_raw, pa.float64())
    b, bad_b, inf_b = parse_number(b_raw, pa.float64())
    pair = pc.binary_join_element_wise(a_raw, b_raw, ",")
    problems.append((R.UNPARSEABLE_NUMBER.value, "coordinates", bad_a | bad_b, pair))
    overflow = (inf_a | inf_b) & ~(bad_a | bad_b)
    changes.append(("unparseable_number", overflow))
    av = a.to_numpy(zero_copy_only=False).astype(float)
    bv = b.to_numpy(zero_copy_only=False).astype(float)
    if c.latitude or not c.x:
        lat, lon = av, bv
    else:
        x, y = av, bv
        if c.zero_is_null:
            zero = (x == 0) & (y == 0)
            changes.append(("coordinates_zero", zero))
            x, y = np.where(zero, np.nan, x), np.where(zero, np.nan, y)
        lon, lat = transformer.transform(x, y)
        lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    if point_raw is not None:
        p_lat, p_lon = parse_point(point_raw)
        fill = ~(np.isfinite(lat) & np.isfinite(lon))
        lat, lon = np.where(fill, p_lat, lat), np.where(fill, p_lon, lon)
    if c.zero_is_null:
        zero = (lat == 0) & (lon == 0)
        changes.append(("coordinates_zero", zero))
        lat, lon = np.where(zero, np.nan, lat), np.where(zero, np.nan, lon)
    finite = np.isfinite(lat) & np.isfinite(lon)
    if c.bbox:
        mn_lon, mn_lat, mx_lon, mx_lat = c.bbox
        with np.errstate(invalid="ignore"):
            outside = finite & ~((lon >= mn_lon) & (lon <= mx_lon) & (lat >= mn_lat) & (lat <= mx_lat))
        if c.out_of_bounds == "quarantine":
            problems.append((R.COORDINATES_OUT_OF_BOUNDS.value, f"coordinates (bbox {list(c.bbox)})", outside, pair))
        else:
            changes.append(("coordinates_out_of_bounds", outside))
            finite = finite & ~outside
    half = np.isfinite(lat) ^ np.isfinite(lon)  # one of the two missing: the point is dropped
    changes.append(("coordinates_half_missing", half & ~(inf_a | inf_b)))
    return (
        pa.array(np.where(finite, lat, np.nan), type=pa.float64(), from_pandas=True),
        pa.array(np.where(finite, lon, np.nan), type=pa.float64(), from_pandas=True),
    )


def assign_geo(geo, out: dict, n: int, stats: Counter) -> None:
    """Point-in-polygon beat and district; fills the CAD's blanks and counts disagreements."""
    lat = out["latitude"].to_numpy(zero_copy_only=False)
    lon = out["longitude"].to_numpy(zero_copy_only=False)
    beat, district = geo.assign(lon, lat)
    gb, gd = pa.array(beat, type=pa.string()), pa.array(district, type=pa.string())
    out["geo_beat"], out["geo_district"] = gb, gd
    has_point = np.isfinite(lat.astype(float)) & np.isfinite(lon.astype(float))
    stats["geo.points"] += int(has_point.sum())
    stats["geo.matched"] += int(np.asarray(pc.is_valid(gb if geo.beat_property else gd)).sum())
    for name, geo_arr in (("beat", gb), ("district", gd)):
        cad = out.get(name)
        if cad is None:
            cad = pa.nulls(n, pa.string())
        stats[f"geo.{name}_filled"] += int(np.asarray(pc.and_(pc.is_null(cad), pc.is_valid(geo_arr))).sum())
        if name == "beat":
            both = pc.and_(pc.is_valid(cad), pc.is_valid(geo_arr))
            stats["geo.beat_compared"] += int(np.asarray(both).sum())
            differs = pc.and_(both, pc.not_equal(cad, geo_arr))
            stats["geo.beat_disagree"] += int(np.asarray(pc.fill_null(differs, False)).sum())
        out[name] = pc.coalesce(cad, geo_arr)
