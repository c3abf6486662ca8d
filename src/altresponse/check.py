"""Check a config file: which kind it is (program, adapter, type map, taxonomy) and whether it is valid.

:func:`check_file` reads the file once with :func:`altresponse.config.read_yaml`, tells its
kind by its keys (or takes ``kind=``) and validates it with that kind's own rules. A
problem raises the kind's ``ConfigError`` (``FILE line N, key: message``); what is only
suspicious comes back as warnings in the same form.

A program's service-area beats are checked against what is known about the city's beats:

* ``known_beats`` (a beats GeoJSON, or the one a store's ingest recorded): a beat not in it
  is an error;
* ``seen_beats`` (the beats of a store's calls): a beat that matches no call is a warning;
* neither: a beat that does not look like the program's other beats (``1114`` among
  three-digit beats) is a warning, and the result says the beats were not checked.

Examples
--------
>>> from altresponse.check import detect_kind
>>> detect_kind({"source": "x", "exact": {}}, "x.yaml")
'typemap'
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

from .config import location, read_yaml
from .errors import ConfigError

Kind = Literal["program", "adapter", "typemap", "taxonomy", "offense_lists"]
KINDS: tuple[str, ...] = ("program", "adapter", "typemap", "taxonomy", "offense_lists")

# Keys only one kind has: a file is the kind most of its keys belong to.
_KEYS: dict[str, frozenset[str]] = {
    "program": frozenset({"responses", "planned_response", "risk_rules", "routing", "default_responders", "timezone",
                          "keywords", "assumptions", "sources"}),
    "adapter": frozenset({"time_zone", "fields", "timestamps", "table", "coordinates", "values", "format", "required",
                          "block_level", "geo", "agency", "typemap"}),
    "typemap": frozenset({"exact", "patterns", "source"}),
    "taxonomy": frozenset({"types"}),
    "offense_lists": frozenset({"lists"}),  # evaluate's offense lists (e.g. programs/denver-star-targeted-offenses.yaml)
}


def detect_kind(data: Any, shown: str) -> str:
    """The kind of config ``data`` is, by its top-level keys.

    Raises
    ------
    ConfigError
        ``data`` is not a mapping, or its keys fit no kind (or two equally): pass ``kind``.
    """
    if not isinstance(data, Mapping):
        what = "empty" if data is None else f"a {type(data).__name__}, not a mapping of keys"
        msg = f"{shown} line 1: a config file is a mapping of keys (id, responses, ...); this one is {what}"
        raise ConfigError(msg)
    keys = {k for k in data if isinstance(k, str)}
    scores = Counter({kind: len(keys & own) for kind, own in _KEYS.items()})
    ranked = scores.most_common()
    if ranked[0][1] == 0 or ranked[0][1] == ranked[1][1]:
        shown_keys = ", ".join(sorted(keys)[:8]) or "none"
        msg = f"{shown} line 1: cannot tell which kind of config this is (keys: {shown_keys}); pass --kind {'|'.join(KINDS)}"
        raise ConfigError(msg)
    return ranked[0][0]


def check_file(
    path: str | Path,
    *,
    kind: str | None = None,
    known_beats: Iterable[str] | None = None,
    seen_beats: Iterable[str] | None = None,
    beats_from: str | None = None,
) -> dict[str, Any]:
    """Validate one config file; return what it is and any warnings.

    Parameters
    ----------
    path
        The YAML file.
    kind
        ``program``, ``adapter``, ``typemap``, ``taxonomy`` or ``offense_lists``; None tells it by the keys.
    known_beats
        Every beat of the city (program service areas naming another beat are an error).
    seen_beats
        Beats of the calls in a store (a service-area beat matching none is a warning).
    beats_from
        Where the beats came from, for messages (a file or store).

    Returns
    -------
    dict
        ``file``, ``kind``, ``valid`` (True), ``warnings`` (``FILE line N, key: warning: ...``)
        and the kind's identity (``id``/``version``/``responses``, ``name``, ``source``, ``types``).

    Raises
    ------
    ConfigError
        The file is invalid (its kind's subclass: ``ProgramError``, ``AdapterError``).
    InputError
        The file cannot be read.
    """
    path = Path(path)
    shown = str(path)
    if kind is not None and kind not in KINDS:
        msg = f"--kind {kind!r}: use one of {', '.join(KINDS)}"
        raise ConfigError(msg)
    data, lines = read_yaml(path, shown=shown)
    kind = kind or detect_kind(data, shown)
    doc: dict[str, Any] = {"file": shown, "kind": kind, "valid": True, "warnings": []}
    if kind == "program":
        from .program import program_from_yaml

        known = None if known_beats is None else {str(b) for b in known_beats}
        prog = program_from_yaml(data, lines, shown, known_beats=known)
        doc.update(id=prog.id, version=prog.version, responses=[r.id for r in prog.responses])
        doc["warnings"] = beat_warnings(prog, lines, shown, known=known, seen=seen_beats, beats_from=beats_from)
        doc["beats_checked"] = beats_from if (known is not None or seen_beats is not None) else None
    elif kind == "adapter":
        from .adapter import adapter_from_yaml

        doc["name"] = adapter_from_yaml(data, lines, shown).name
    elif kind == "typemap":
        from .taxonomy import load_taxonomy
        from .typemap import typemap_from_yaml

        tm = typemap_from_yaml(data, lines, shown, load_taxonomy())
        doc.update(source=tm.source, exact=len(tm.exact), patterns=len(tm.patterns))
    elif kind == "offense_lists":
        from .evaluate.outcomes import offense_lists_from_yaml

        doc["lists"] = sorted(offense_lists_from_yaml(data, lines, shown))
    else:
        from .taxonomy import taxonomy_from_yaml

        doc["types"] = len(taxonomy_from_yaml(data, lines, shown))
    return doc


def _shape(beat: str) -> str:
    return re.sub(r"[A-Za-z]", "A", re.sub(r"\d", "9", beat))


def beat_warnings(program, lines: Mapping[tuple, int], shown: str, *, known=None, seen=None, beats_from=None) -> list[str]:
    """Warnings about a program's service-area beats (see the module docstring for which)."""
    areas = [
        ((i, k, j), str(b))
        for i, r in enumerate(program.responses)
        for k, p in enumerate(r.periods)
        for j, b in enumerate(p.service_area if isinstance(p.service_area, (list, tuple)) else ())  # None: citywide
    ]
    if known is not None or not areas:
        return []  # known beats were an error check already
    warned: set[str] = set()
    out = []
    if seen is not None:
        seen = {str(b) for b in seen}
        for (i, k, j), b in areas:
            if b not in seen and b not in warned:
                warned.add(b)
                where = location(shown, lines, ("responses", i, "periods", k, "service_area", j))
                out.append(f'{where}: warning: beat "{b}" matches no call in {beats_from} ({len(seen)} beats seen); a typo?')
        return out
    shapes = Counter(_shape(b) for b in {b for _, b in areas})
    common, n = shapes.most_common(1)[0]
    if n < 3 or n < 0.75 * sum(shapes.values()):
        return []
    for (i, k, j), b in areas:
        if _shape(b) != common and b not in warned:
            warned.add(b)
            where = location(shown, lines, ("responses", i, "periods", k, "service_area", j))
            out.append(f'{where}: warning: beat "{b}" does not look like the other beats (most are like "{common}"); '
                       "a typo? (pass --beats or --store to check beats against the city's)")
    return out


def store_beats(store: str | Path, *, con=None) -> tuple[set[str] | None, set[str], str | None]:
    """What a store knows of its city's beats.

    Returns
    -------
    (known, seen, beats_file)
        ``known``: the beats of the GeoJSON an ingest into the store used (``--beats``), if
        that file is still there, else None; ``seen``: the distinct ``beat`` of its calls;
        ``beats_file``: that GeoJSON's path or None.
    """
    from . import store as stores

    calls = stores.calls(store, con=con)
    seen = {str(b) for b in calls.select("beat").distinct().to_pyarrow().column("beat").to_pylist() if b is not None}
    for report in sorted(stores.table_dir(store, "ingests").glob("*.json")):
        try:
            doc = json.loads(report.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(doc, dict):
            continue
        for f in doc.get("files") or [doc]:  # one report per file (its source is the adapter's name)
            beats_file = (f.get("geo") or {}).get("beats_file")
            if beats_file and Path(beats_file).is_file():
                try:  # the adapter names the beat property; gone or renamed since: detect it
                    known = geojson_beats(beats_file, adapter=doc.get("adapter") or f.get("source"))
                except ConfigError:
                    known = geojson_beats(beats_file)
                return known, seen, beats_file
    return None, seen, None


def geojson_beats(path: str | Path, *, adapter: str | None = None) -> set[str]:
    """Beat ids of a beats GeoJSON, read from the adapter's ``geo.beat_property`` (else detected).

    Raises
    ------
    ConfigError
        The file has no beat property.
    """
    from .program import known_beats_from_geojson

    prop = None
    if adapter:
        from .adapter import load_adapter

        prop = load_adapter(adapter).geo.beat_property
    return known_beats_from_geojson(path, prop=prop)
