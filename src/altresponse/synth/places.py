"""Beats (read with :mod:`altresponse.geo`) and the synthetic blocks calls come from."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

from ..errors import ConfigError, UsageError
from .calibration import calibration, cum

_REPO_BEATS = Path(__file__).resolve().parents[3] / "data" / "samples" / "durham" / "durham_police_beats_dissolved.geojson"
_PACKAGE_BEATS = Path(__file__).resolve().parents[1] / "data" / "durham_police_beats_dissolved.geojson"


def default_beats_path() -> Path:
    """The bundled Durham beats GeoJSON (package copy, else the repo sample)."""
    return _PACKAGE_BEATS if _PACKAGE_BEATS.is_file() else _REPO_BEATS


def load_beats(path: str | os.PathLike | None = None) -> dict[str, tuple[str, object]]:
    """Read a beats GeoJSON into ``{beat: (district, shapely geometry)}`` with :func:`altresponse.geo.load_beats`.

    Parameters
    ----------
    path
        GeoJSON with a beat property (``LAWBEAT``, ``beat``... as :mod:`altresponse.geo`
        detects) and optionally a district (``LAWDIST``, ``district``...; else ``D`` + the
        beat's first digit). Features of the same beat are unioned. Default:
        :func:`default_beats_path`.

    Raises
    ------
    InputError
        The file cannot be read or is not GeoJSON.
    ConfigError
        The file has no beat property, or a feature has no beat.
    """
    from ..geo import load_beats as read_beats

    path = Path(path) if path is not None else default_beats_path()
    beats = read_beats(path)
    if beats.beat_property is None or any(b is None for b in beats.beat):
        msg = f"{path}: a feature has no beat property (LAWBEAT, BEAT, beat...); each beat feature needs one"
        raise ConfigError(msg)
    districts = {b: d for b, d in zip(beats.beat, beats.district)}  # the last feature's, as before
    merged = beats.merged()
    return {b: (str(districts[b] or f"D{b[0]}"), merged[b]) for b in sorted(merged)}


@dataclass(frozen=True)
class Blocks:
    beats: tuple[str, ...]
    districts: tuple[str, ...]
    lat: np.ndarray  # [n_beats, BLOCKS_PER_BEAT]
    lon: np.ndarray
    text: pa.Array  # flat, index beat * BLOCKS_PER_BEAT + block
    block_cum: np.ndarray  # cumulative Zipf weights over a beat's blocks


def _sample_points(geom, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """n uniform points inside geom: vectorised rejection sampling in its bounding box."""
    import shapely

    shapely.prepare(geom)
    minx, miny, maxx, maxy = geom.bounds
    xs, ys, have = [], [], 0
    ratio = max(geom.area / ((maxx - minx) * (maxy - miny)), 0.01)
    while have < n:
        m = int((n - have) / ratio * 1.3) + 16
        x = rng.uniform(minx, maxx, m)
        y = rng.uniform(miny, maxy, m)
        inside = shapely.contains_xy(geom, x, y)
        xs.append(x[inside])
        ys.append(y[inside])
        have += int(inside.sum())
    return np.concatenate(xs)[:n], np.concatenate(ys)[:n]


def blocks(beats: dict[str, tuple[str, object]], rng: np.random.Generator) -> Blocks:
    """BLOCKS_PER_BEAT random points per beat, with block-level SYNTH street names and Zipf popularity."""
    c = calibration()
    words, suffixes, per_beat = c["STREET_WORDS"], c["STREET_SUFFIXES"], c["BLOCKS_PER_BEAT"]
    streets_per_beat, per_street = c["STREETS_PER_BEAT"], c["BLOCKS_PER_STREET"]
    names = tuple(beats)
    n_streets = len(words) * len(suffixes)
    if len(names) * streets_per_beat > n_streets:
        msg = f"at most {n_streets // streets_per_beat} beats are supported, got {len(names)}"
        raise UsageError(msg)
    street_ids = rng.permutation(n_streets)
    lat = np.empty((len(names), per_beat))
    lon = np.empty_like(lat)
    texts: list[str] = []
    for i, beat in enumerate(names):
        lon[i], lat[i] = _sample_points(beats[beat][1], per_beat, rng)
        streets = street_ids[i * streets_per_beat : (i + 1) * streets_per_beat]
        numbers = rng.permutation(np.arange(1, 60))[:per_street] * 100
        order = rng.permutation(per_beat)  # popularity rank is not tied to street
        beat_texts = [
            f"{numbers[k % per_street]} BLOCK OF SYNTH "
            f"{words[streets[k // per_street] % len(words)]} "
            f"{suffixes[streets[k // per_street] // len(words)]}"
            for k in range(per_beat)
        ]
        texts.extend(beat_texts[k] for k in order)
    weights = cum(np.arange(1, per_beat + 1, dtype=float) ** -c["ZIPF_EXPONENT"])
    return Blocks(names, tuple(beats[b][0] for b in names), lat, lon, pa.array(texts), weights)
