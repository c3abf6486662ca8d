"""Coordinates: lon/lat columns, or projected x/y and the EPSG code that puts them in the city.

The EPSG code is found from the value ranges: every projected CRS in the EPSG database whose
area of use covers the city (from lon/lat columns in the same file, or ``bbox``; else any US
State Plane zone) is tried on the median point, and the one that lands on the lon/lat columns
(or inside its own area of use) wins. pyproj is a dependency.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

# Margin around the sample's 1st-99th percentile box (degrees, ~50 km): the adapter's bbox
# catches gross errors (a wrong sign, swapped columns), not calls just outside the city.
BBOX_MARGIN = 0.5
US_BOX = (-180.0, 15.0, -60.0, 72.0)


@dataclass
class CoordGuess:
    latitude: str | None = None
    longitude: str | None = None
    x: str | None = None
    y: str | None = None
    epsg: int | None = None
    epsg_name: str = ""
    bbox: tuple[float, float, float, float] | None = None
    zero_is_null: bool = False
    center: tuple[float, float] | None = None
    """Median (lon, lat) of the points."""
    notes: list[str] | None = None
    left_out: list[str] | None = None
    """lon/lat columns not used because the x/y they were derived from are."""


def _name(h: str) -> str:
    return re.sub(r"[^a-z]+", " ", re.sub(r"([a-z])([A-Z])", r"\1 \2", h).lower()).strip()


def find_coordinates(columns: dict[str, list[str | None]], *, bbox=None) -> CoordGuess | None:
    """Guess the coordinate columns from names and value ranges.

    ``columns``: row-aligned values per column, ``None`` for a null cell.
    """
    num = {h: _floats(v) for h, v in columns.items()}
    num = {h: v for h, v in num.items() if v is not None}
    lat = _pick(num, ("latitude", "lat"), lambda v: -90 <= v <= 90)
    lon = _pick(num, ("longitude", "long", "lon", "lng"), lambda v: -180 <= v <= 180)
    x = _pick(num, ("x coordinate", "x coord", "xcoord", "x", "point x", "easting"), lambda v: abs(v) > 1000 or v == 0)
    y = _pick(num, ("y coordinate", "y coord", "ycoord", "y", "point y", "northing"), lambda v: abs(v) > 1000 or v == 0)
    if not ((lat and lon) or (x and y)):
        return None
    notes: list[str] = []
    guess = CoordGuess(notes=notes, zero_is_null=True)
    if any(0.0 in num[c] for c in (lat, lon, x, y) if c):
        notes.append("0/0 appears: a placeholder for no location (zero_is_null)")
    pairs = []
    if lat and lon:
        pts = _points(num[lon], num[lat])
        guess.latitude, guess.longitude = lat, lon
        guess.center = (statistics.median(p[0] for p in pts), statistics.median(p[1] for p in pts))
        guess.bbox = _box(pts)
        notes.append(f"{lat}/{lon} hold WGS84 degrees (median {guess.center[1]:.4f}, {guess.center[0]:.4f})")
    if x and y:
        xy = _points(num[x], num[y])
        if lat and lon:
            pairs = [(a, b, c, d) for a, b, c, d in zip(num[x], num[y], num[lon], num[lat]) if None not in (a, b, c, d) and 0 not in (a, b, c, d)]
        found = find_epsg(xy, pairs=pairs, bbox=bbox)
        if found is not None:
            guess.x, guess.y = x, y
            guess.epsg, guess.epsg_name, why, box = found
            guess.bbox = guess.bbox or box
            guess.center = guess.center or ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
            notes.append(f"{x}/{y} are projected: EPSG:{guess.epsg} ({guess.epsg_name}); {why}")
            if lat and lon:
                notes.append(f"the city's own x/y are used; {lat}/{lon} are a copy derived from them")
                guess.left_out = [lat, lon]
                guess.latitude = guess.longitude = None
        elif not (lat and lon):
            notes.append(f"{x}/{y} look projected but no EPSG code puts them in a US State Plane zone: set coordinates by hand")
            return None
    if bbox is not None:
        guess.bbox = tuple(bbox)
    return guess


def _floats(values: list[str | None]) -> list[float | None] | None:
    out: list[float | None] = []
    bad = 0
    for v in values:
        if v is None:
            out.append(None)
            continue
        try:
            out.append(float(v))
        except ValueError:
            out.append(None)
            bad += 1
    filled = sum(v is not None for v in out)
    return out if filled and bad <= 0.02 * filled else None


def _points(xs, ys) -> list[tuple[float, float]]:
    return [(a, b) for a, b in zip(xs, ys) if a is not None and b is not None and a != 0 and b != 0]


def _pick(num: dict[str, list[float]], names: tuple[str, ...], ok) -> str | None:
    for want in names:
        for h, vals in num.items():
            n = _name(h)
            if (n == want or n.startswith(want + " ") or n.endswith(" " + want)) and all(ok(v) for v in vals if v is not None):
                return h
    return None


def _box(pts: list[tuple[float, float]]) -> tuple[float, float, float, float]:
    xs = sorted(p[0] for p in pts)
    ys = sorted(p[1] for p in pts)
    lo, hi = int(0.01 * (len(xs) - 1)), int(0.99 * (len(xs) - 1))
    m = BBOX_MARGIN
    return (round(xs[lo] - m, 1), round(ys[lo] - m, 1), round(xs[hi] + m, 1), round(ys[hi] + m, 1))


def find_epsg(xy, *, pairs=None, bbox=None):
    """``(epsg, name, why, bbox)`` of the projected CRS that puts the x/y points in the city, or None.

    ``pairs``: rows with both x/y and lon/lat ``(x, y, lon, lat)``; the CRS with the smallest
    median distance wins. Without them, US State Plane zones (NAD83) are screened on the
    median point: it must land inside the zone's area of use (and ``bbox`` if given).
    """
    from pyproj import Proj

    if not xy:
        return None
    mx, my = statistics.median(p[0] for p in xy), statistics.median(p[1] for p in xy)
    if pairs:
        cx, cy = statistics.median(p[2] for p in pairs), statistics.median(p[3] for p in pairs)
        infos = _crs_near(cx, cy)
    else:
        infos = [i for i in _crs_near(*((bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2) if bbox else (None, None))
                 if bbox or (i.name.startswith("NAD83 / ") and "UTM" not in i.name)]
    scored = []
    for info in infos:
        try:
            proj = Proj(f"EPSG:{info.code}")
            lon, lat = proj(mx, my, inverse=True)
        except Exception:  # noqa: BLE001 - a CRS pyproj cannot build is just not a candidate
            continue
        a = info.area_of_use
        if a is None or not (a.west <= lon <= a.east and a.south <= lat <= a.north):
            continue
        if bbox is not None and not (bbox[0] <= lon <= bbox[2] and bbox[1] <= lat <= bbox[3]):
            continue
        err = 0.0
        if pairs:
            step = max(1, len(pairs) // 500)
            sub = pairs[::step]
            lons, lats = proj([p[0] for p in sub], [p[1] for p in sub], inverse=True)
            err = statistics.median(abs(a - p[2]) + abs(b - p[3]) for a, b, p in zip(lons, lats, sub)) * 111_000
            if err > 1000:
                continue
        scored.append((round(err, 3), _preference(info.name), int(info.code), info.name, (lon, lat)))
    if not scored:
        return None
    scored.sort()
    err, _, code, name, (lon, lat) = scored[0]
    if pairs:
        why = f"it puts each point a median {err:.1f} m from the same row's lon/lat" + (
            f" (next best: EPSG:{scored[1][2]}, {scored[1][0]:.1f} m)" if len(scored) > 1 else "")
    else:
        fits = [s[2] for s in scored[1:6]] + [int(i.code) for i in _crs_near(lon, lat) if int(i.code) != code and _same_spot(i.code, mx, my, lon, lat)][:5]
        fits = list(dict.fromkeys(f for f in fits if f != code))[:5]
        why = f"the median point lands at {lat:.4f}, {lon:.4f}, inside the zone" + (
            f" (also lands there: EPSG:{', '.join(map(str, fits))}; they differ by datum realisation or foot: check which the city uses)" if fits else "")
    from pyproj import Transformer

    tr = Transformer.from_crs(f"EPSG:{code}", "EPSG:4326", always_xy=True)
    pts = [tr.transform(a, b) for a, b in xy[:: max(1, len(xy) // 2000)]]
    return code, name, why, _box(pts)


def _crs_near(lon, lat):
    from pyproj.aoi import AreaOfInterest
    from pyproj.database import query_crs_info
    from pyproj.enums import PJType

    aoi = AreaOfInterest(*US_BOX) if lon is None else AreaOfInterest(lon, lat, lon, lat)
    return [i for i in query_crs_info(auth_name="EPSG", pj_types=PJType.PROJECTED_CRS, area_of_interest=aoi, contains=False)
            if not i.deprecated]


def _same_spot(code, x, y, lon, lat) -> bool:
    from pyproj import Proj

    try:
        a, b = Proj(f"EPSG:{code}")(x, y, inverse=True)
    except Exception:  # noqa: BLE001
        return False
    return abs(a - lon) + abs(b - lat) < 0.01


def _preference(name: str) -> int:
    # Plain NAD83 State Plane in US feet is what most US cities publish.
    return (0 if "ftUS" in name or "(ft)" in name else 1) + (0 if name.startswith("NAD83 /") else 1)
