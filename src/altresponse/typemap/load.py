"""Read a type-map file: find it (bundled name or path), check it, and build a :class:`TypeMap`."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..config import location, read_yaml, validation_problems
from ..errors import ConfigError
from ..taxonomy import UNKNOWN, Taxonomy, load_taxonomy
from .lookup import Pattern, TypeMap, normalize
from .portable import portability_problems


class _Pattern(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    id: str = Field(pattern=r"^[A-Z0-9_]+$")
    regex: str = Field(min_length=1)
    type: str
    note: str | None = None


class _TypeMapFile(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    source: str = Field(pattern=r"^[a-z0-9_]+$")
    description: str
    exact: dict[str, str] = {}
    patterns: list[_Pattern] = []


def available_typemaps() -> tuple[str, ...]:
    """Names of the bundled type maps."""
    return tuple(sorted(p.stem for p in _bundled_dir().glob("*.yaml")))


def _bundled_dir() -> Path:
    return Path(str(resources.files("altresponse") / "typemaps"))


def load_typemap(name: str | Path, *, taxonomy: Taxonomy | None = None) -> TypeMap:
    """Load a bundled type map by name (``"durham"``) or any type-map YAML by path.

    Raises
    ------
    ConfigError
        If the name is unknown (the message lists the bundled maps) or the file is invalid
        (one line per problem with file, line and key).
    """
    text = str(name)
    if text.endswith((".yaml", ".yml")) or "/" in text or "\\" in text:
        path = Path(text)
        if not path.is_file():
            msg = f"{path}: type map file not found"
            raise ConfigError(msg)
    else:
        path = _bundled_dir() / f"{text}.yaml"
        if not path.is_file():
            msg = f"unknown type map {text!r}; available: {', '.join(available_typemaps())} (or give a path to a .yaml file)"
            raise ConfigError(msg)
    tax = taxonomy if taxonomy is not None else load_taxonomy()
    if taxonomy is None:
        return _load_cached(str(path.resolve()))
    return _load(path, tax)


@functools.lru_cache(maxsize=32)
def _load_cached(path: str) -> TypeMap:
    return _load(Path(path), load_taxonomy())


def _load(path: Path, tax: Taxonomy) -> TypeMap:
    data, lines = read_yaml(path, shown=path.name, what="type map")
    return typemap_from_yaml(data, lines, path.name, tax)


def typemap_from_yaml(data: Any, lines: Mapping[tuple, int], name: str, tax: Taxonomy) -> TypeMap:
    """Validate a type map already read by :func:`altresponse.config.read_yaml` (see :func:`load_typemap`)."""
    try:
        model = _TypeMapFile.model_validate(data)
    except ValidationError as exc:
        raise ConfigError("; ".join(validation_problems(name, exc, lines))) from None
    problems: list[str] = []
    exact = _exact(model, name, lines, tax, problems)
    patterns = _patterns(model, name, lines, tax, problems)
    if problems:
        raise ConfigError("; ".join(problems))
    return TypeMap(model.source, model.description, exact, patterns, tax)


def _exact(model: _TypeMapFile, name: str, lines: Mapping[tuple, int], tax: Taxonomy, problems: list[str]) -> dict[str, str]:
    """Normalised exact key -> canonical code; each bad key adds a line to ``problems``."""
    exact: dict[str, str] = {}
    spelled: dict[str, str] = {}
    for raw, code in model.exact.items():
        where = location(name, lines, ("exact", raw))
        key = normalize(raw)
        if key is None:
            problems.append(f"{where}: empty key")
            continue
        if key in exact:
            problems.append(f"{where}: {raw!r} is the same type as {spelled[key]!r} once normalised to {key!r}")
            continue
        if code not in tax or code == UNKNOWN:
            problems.append(f"{where}: {code!r} is not a canonical call type (see data/taxonomy.yaml; leave a value out to make it UNKNOWN)")
            continue
        exact[key], spelled[key] = code, raw
    return exact


def _patterns(model: _TypeMapFile, name: str, lines: Mapping[tuple, int], tax: Taxonomy, problems: list[str]) -> list[Pattern]:
    """The compiled patterns, in order; each bad one adds a line to ``problems``.

    Python and RE2 are asked whether each regex reads alike in both (``portable.py``).
    """
    patterns: list[Pattern] = []
    seen_ids: set[str] = set()
    unportable = portability_problems(p.regex for p in model.patterns)
    for i, p in enumerate(model.patterns):
        where = location(name, lines, ("patterns", i))
        if p.id in seen_ids:
            problems.append(f"{where}.id: {p.id!r} repeats an earlier pattern id")
        seen_ids.add(p.id)
        if p.type not in tax or p.type == UNKNOWN:
            problems.append(f"{where}.type: {p.type!r} is not a canonical call type (see data/taxonomy.yaml)")
        if p.regex in unportable:
            problems.append(f"{where}.regex: {unportable[p.regex]}")
            continue
        if re.search(r"[a-z]", re.sub(r"\\.", "", p.regex)):
            problems.append(f"{where}.regex: {p.regex!r} has lower-case letters but matches upper-cased text; write them in upper case")
            continue
        try:
            patterns.append(Pattern(p.id, p.regex, p.type, f"{model.source}.pattern:{p.id}"))
        except re.error as exc:
            problems.append(f"{where}.regex: {p.regex!r} is not a valid regex ({exc})")
    return patterns


def typemap_for_source(source: str) -> str:
    """Name of the type map for a store ``source`` value.

    The source's shipped adapter names its type map (``synth`` uses ``durham``); a source
    without a shipped adapter uses the type map of its own name.
    """
    from ..adapter import ADAPTER_DIR, load_adapter, shipped_adapters

    if source in shipped_adapters():
        name = load_adapter(source).typemap_name
        return str(ADAPTER_DIR / name) if name.endswith((".yaml", ".yml")) else name
    return source


def adapter_typemap_file(adapter: str | Path) -> Path | None:
    """The type-map file an adapter YAML names (``typemap: FILE``, relative to the adapter), or None.

    A ``typemap`` that is a bare name (``durham``) names a shipped map: None here.

    Raises
    ------
    AdapterError
        If the adapter is invalid; ConfigError if the file it names does not exist.
    """
    from ..adapter import adapter_path, load_adapter

    path = adapter_path(adapter)
    name = load_adapter(path).typemap
    if not name or not name.endswith((".yaml", ".yml")):
        return None
    file = (path.parent / name).resolve()
    if not file.is_file():
        msg = f"{path}, typemap: {name!r} not found (looked for {file})"
        raise ConfigError(msg)
    return file

