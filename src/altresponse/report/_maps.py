"""Beat polygons for the report map: match the GeoJSON's beat property, simplify, orient."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import mapping, shape

from ..geo import read_features


def beat_features(geojson_path: str | Path, beats: list[str], *, tolerance: float = 0.0002) -> tuple[list[dict], str | None]:
    """Features of a beats GeoJSON with a ``beat`` property, ready for ``mark_geoshape``.

    The beat property is whichever feature property matches the most of ``beats`` (e.g.
    Durham's ``LAWBEAT``, Portland's ``DISTRICT``). Polygons are simplified (~20 m) and
    oriented clockwise so Vega-Lite fills the inside, not the whole frame.

    Returns
    -------
    (list of features, name of the matched property or None)
    """
    features = read_features(geojson_path)
    wanted = {str(b) for b in beats}
    best, best_hits = None, 0
    for key in {k for f in features for k in (f.get("properties") or {})}:
        hits = len({_norm(f["properties"].get(key)) for f in features} & wanted)
        if hits > best_hits or (hits == best_hits and best is not None and key < best):
            best, best_hits = key, hits
    out = []
    for f in features:
        geom = f.get("geometry")
        if not geom:
            continue
        g = shapely.orient_polygons(shape(geom).simplify(tolerance, preserve_topology=True), exterior_cw=True)
        g = shapely.set_precision(g, 1e-5)
        props: dict[str, Any] = {"beat": _norm((f.get("properties") or {}).get(best)) if best else None}
        out.append({"type": "Feature", "properties": props, "geometry": mapping(g)})
    return out, best


def _norm(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()
