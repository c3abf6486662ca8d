"""Read a program file: YAML with line numbers, numbers kept as written, known types and beats."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ..config import read_yaml
from ..errors import ConfigError, ProgramError
from .model import Program
from .validate import items


def _known_types() -> tuple[set[str] | None, set[str] | None]:
    """Canonical type codes and categories from the taxonomy, when that module is installed."""
    try:
        from .. import taxonomy  # noqa: PLC0415
    except ImportError:
        return None, None
    tax = taxonomy.load_taxonomy()
    codes = set(tax.codes) | {taxonomy.UNKNOWN}
    return codes, set(taxonomy.CATEGORIES)


def load_program(
    path: str | Path,
    *,
    known_beats: Iterable[str] | None = None,
    known_types: Iterable[str] | None = None,
    known_categories: Iterable[str] | None = None,
) -> Program:
    """Load and validate a program YAML file.

    Parameters
    ----------
    path
        The YAML file.
    known_beats
        Beats that exist (e.g. ``LAWBEAT`` values from the beats GeoJSON); service areas naming
        any other beat are rejected. None skips the check.
    known_types, known_categories
        Canonical type codes and categories; default: the taxonomy shipped with altresponse.

    Returns
    -------
    Program

    Raises
    ------
    ProgramError
        Every problem found, one per line: ``FILE line N, key.path: message``. Checks: unknown
        keys, types and values; HH:MM times; overlapping hours or periods; unknown canonical
        types or categories; beats that do not exist; a response without a fallback; fallbacks
        to unknown responses; fallback cycles; duplicate ids.
    """
    path = Path(path)
    data, lines = read_yaml(path, error=ProgramError, what="program")
    return program_from_yaml(
        data, lines, str(path), known_beats=known_beats, known_types=known_types, known_categories=known_categories
    )


def program_from_yaml(
    data: Any,
    lines: Mapping[tuple, int],
    shown: str,
    *,
    known_beats: Iterable[str] | None = None,
    known_types: Iterable[str] | None = None,
    known_categories: Iterable[str] | None = None,
) -> Program:
    """Validate a program file already read by :func:`altresponse.config.read_yaml` (see :func:`load_program`).

    A version or service-area beat YAML reads as a number is kept as written (``version: 1.10``
    is ``"1.10"``, not ``1.1``).
    """
    if not isinstance(data, dict):
        msg = f"{shown} line 1: a program file must be a mapping of keys (id, version, responses, ...)"
        raise ProgramError(msg)
    data = _numbers_as_written(data, getattr(lines, "written", {}))
    if known_types is None or known_categories is None:
        tax_types, tax_cats = _known_types()
        known_types = tax_types if known_types is None else known_types
        known_categories = tax_cats if known_categories is None else known_categories
    return Program.from_dict(
        data,
        source=shown,
        known_types=known_types,
        known_beats=known_beats,
        known_categories=known_categories,
        lines=lines,
    )


def _numbers_as_written(data: dict, written: Mapping[tuple, str]) -> dict:
    """Numbers YAML read where a program means text, kept as written: ``version: 1.10`` is
    ``"1.10"`` (not ``1.1``), a beat ``011`` is ``"011"`` (not ``"11"``)."""

    def text(value: Any, path: tuple) -> Any:
        is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
        return written.get(path, value) if is_number else value

    data = {**data, "version": text(data.get("version"), ("version",))} if "version" in data else data
    for i, r in enumerate(items(data.get("responses"))):
        for k, p in enumerate(items(r.get("periods") if isinstance(r, Mapping) else None)):
            area = p.get("service_area") if isinstance(p, dict) else None
            if isinstance(area, list):  # our parser's own lists: replacing items in place is safe
                area[:] = [text(b, ("responses", i, "periods", k, "service_area", j)) for j, b in enumerate(area)]
    return data


def known_beats_from_geojson(path: str | Path, *, prop: str | None = None) -> set[str]:
    """Beat ids of a beats GeoJSON (for ``load_program(known_beats=...)``).

    ``prop`` names the beat property; None detects it (``LAWBEAT``, ``BEAT``, ...; see
    :func:`altresponse.geo.load_beats`).

    Raises
    ------
    ConfigError
        ``prop`` is not a property of the file, or no feature has a beat id (an empty list
        would report every beat of a program as unknown).
    """
    from ..geo import load_beats

    beats = {b for b in load_beats(path, beat_property=prop).beat if b is not None}
    if not beats:
        msg = f"{path}: no feature has a beat id (property {prop or 'LAWBEAT, BEAT, ...'}); cannot check service areas"
        raise ConfigError(msg)
    return beats

