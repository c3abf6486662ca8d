"""Beat polygons for the report map: match the GeoJSON's beat property, simplify, orient."""

from __future__ import annotations

import math
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


def beat_map(
    features: list[dict],
    values: dict[str, float | None],
    *,
    area: str = "beat",
    value_title: str = "Eligible calls",
    hidden: set[str] | frozenset[str] = frozenset(),
    hidden_label: str = "hidden",
    width: int = 640,
    height: int = 460,
):
    """A choropleth of beats that tells no-data beats from zero, and labels every beat.

    Parameters
    ----------
    features
        From :func:`beat_features` (``properties.beat`` set).
    values
        Beat → value; a beat absent from ``values`` has no data (drawn white with a dashed
        outline and labelled "no data"), a beat with 0 is coloured as zero.
    hidden
        Beats whose value is withheld (the public site's small cells): grey, labelled ``hidden_label``.

    Returns
    -------
    altair.LayerChart
    """
    import altair as alt

    feats, labels = [], []
    for f in features:
        b = f["properties"]["beat"]
        state = "hidden" if b in hidden else ("data" if b in values and values[b] is not None else "no data")
        v = values.get(b) if state == "data" else None
        text = f"{b}: {v:,.0f}" if state == "data" else f"{b}: {hidden_label if state == 'hidden' else 'no data'}"
        feats.append({"type": "Feature", "properties": {"beat": b, "value": v, "state": state, "label": text}, "geometry": f["geometry"]})
        if state != "no data" or len(features) <= 20:  # a citywide map labels the beats the data covers
            c = shape(f["geometry"]).representative_point()
            labels.append({"lon": round(c.x, 4), "lat": round(c.y, 4), "label": text})
    data = alt.Data(values=feats)
    # frame the beats that have data (a citywide outline would shrink them to a corner); others are clipped
    framed = [f for f in feats if f["properties"]["state"] != "no data"] or feats
    tooltip = [alt.Tooltip("properties.label:N", title=area)]
    base = alt.Chart(data).mark_geoshape(fill="#ffffff", stroke="#555", strokeDash=[3, 2], strokeWidth=0.8, clip=True).encode(tooltip=tooltip)
    shaded = alt.Chart(data).transform_filter("datum.properties.state == 'hidden'").mark_geoshape(
        fill="#cfcfcf", stroke="white", strokeWidth=0.6, clip=True).encode(tooltip=tooltip)
    coloured = alt.Chart(data).transform_filter("datum.properties.state == 'data'").mark_geoshape(
        stroke="white", strokeWidth=0.6, clip=True).encode(
        color=alt.Color("properties.value:Q", title=value_title, scale=alt.Scale(scheme="greens", domainMin=0)),
        tooltip=tooltip)
    size = 11 if len(labels) <= 15 else 9  # a citywide map has many small beats
    text = alt.Chart(alt.Data(values=labels)).mark_text(fontSize=size, fontWeight="bold", color="#111", stroke="white",
                                                         strokeWidth=3, strokeOpacity=0.8).encode(
        longitude="lon:Q", latitude="lat:Q", text="label:N")
    text_top = alt.Chart(alt.Data(values=labels)).mark_text(fontSize=size, fontWeight="bold", color="#111").encode(
        longitude="lon:Q", latitude="lat:Q", text="label:N")
    return alt.layer(base, shaded, coloured, text, text_top).project(type="mercator", fit=_corners(framed)).properties(
        width=width, height=height)


def _corners(features: list[dict]) -> dict | list:
    """The features' bounding box as its four corners, for the projection's ``fit`` ([] if none).

    On a Mercator map x depends on longitude only and y on latitude only, so the corners frame
    exactly what the outlines would. The outlines themselves made Altair validate every
    coordinate twice (~2 s per citywide map) and wrote every polygon into the page a second time.
    """
    if not features:
        return []
    x0, y0, x1, y1 = shapely.total_bounds([shape(f["geometry"]) for f in features])
    if not all(math.isfinite(v) for v in (x0, y0, x1, y1)):  # no features, or only empty outlines
        return []
    corners = [[float(x), float(y)] for x in (x0, x1) for y in (y0, y1)]
    return {"type": "Feature", "properties": {}, "geometry": {"type": "MultiPoint", "coordinates": corners}}
