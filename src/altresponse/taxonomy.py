"""Canonical call types: APCO/NENA ANS 2.103.2-2019 codes, one category each, risk flags.

The taxonomy lives in ``data/taxonomy.yaml``. Its codes are the APCO "Common Incident
Types" codes wherever the standard has a fitting code (``apco: true``); the few codes of
our own (``apco: false``, e.g. ``UNKNOWN``) are documented in ``docs/taxonomy.md``.
Source call types are mapped onto these codes by a type map (see ``typemap/``).

Examples
--------
>>> tax = load_taxonomy()
>>> tax.category("TRESPASS")
'trespass'
>>> tax["SHOOT"].weapon
True
>>> "UNKNOWN" in tax.codes
True
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from importlib import resources
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .config import location, read_yaml, validation_problems
from .errors import ConfigError, UsageError

Category = Literal[
    "behavioral_health",
    "welfare",
    "disorder",
    "substance_use",
    "trespass",
    "violent_crime",
    "property_crime",
    "traffic",
    "medical",
    "fire",
    "alarm",
    "administrative",
    "other",
]
CATEGORIES: tuple[str, ...] = get_args(Category)

UNKNOWN = "UNKNOWN"
"""Canonical type of a call its type map does not cover."""

FLAGS = ("weapon", "violence", "injury")


class CallType(BaseModel):
    """One canonical call type."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    code: str = Field(pattern=r"^[A-Z0-9]{2,12}$")
    description: str = Field(min_length=1)
    category: Category
    apco: bool
    weapon: bool = False
    violence: bool = False
    injury: bool = False


class _TaxonomyFile(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    version: int
    standard: str
    categories: dict[Category, str]
    types: list[CallType]


class Taxonomy:
    """The canonical call types, by code.

    Build it with :func:`load_taxonomy`.
    """

    def __init__(self, types: list[CallType], *, version: int, path: str):
        self._types = {t.code: t for t in types}
        self.version = version
        self.path = path

    @property
    def codes(self) -> tuple[str, ...]:
        """Every canonical code, in file order."""
        return tuple(self._types)

    def __contains__(self, code: object) -> bool:
        return code in self._types

    def __iter__(self) -> Iterator[CallType]:
        return iter(self._types.values())

    def __len__(self) -> int:
        return len(self._types)

    def __getitem__(self, code: str) -> CallType:
        try:
            return self._types[code]
        except KeyError:
            msg = f"{code!r} is not a canonical call type in {self.path} (e.g. {', '.join(self.codes[:5])}, ...)"
            raise UsageError(msg) from None

    def category(self, code: str) -> str:
        """Category of a canonical code.

        Raises
        ------
        UsageError
            If ``code`` is not in the taxonomy.
        """
        return self[code].category

    def categories(self) -> dict[str, str]:
        """``code -> category`` for every type."""
        return {t.code: t.category for t in self._types.values()}

    def with_flag(self, flag: Literal["weapon", "violence", "injury"]) -> tuple[str, ...]:
        """Codes whose type carries ``flag``."""
        if flag not in FLAGS:
            msg = f"flag {flag!r} is not one of {', '.join(FLAGS)}"
            raise UsageError(msg)
        return tuple(t.code for t in self._types.values() if getattr(t, flag))

    def in_category(self, category: str) -> tuple[str, ...]:
        """Codes of one category."""
        if category not in CATEGORIES:
            msg = f"category {category!r} is not one of {', '.join(CATEGORIES)}"
            raise UsageError(msg)
        return tuple(t.code for t in self._types.values() if t.category == category)

    def __repr__(self) -> str:
        return f"Taxonomy({len(self)} types, version {self.version})"


def default_path() -> Path:
    """Path of the bundled ``taxonomy.yaml``."""
    return Path(str(resources.files("altresponse") / "data" / "taxonomy.yaml"))


def load_taxonomy(path: str | Path | None = None) -> Taxonomy:
    """Load and validate a taxonomy file (the bundled one by default; cached).

    Parameters
    ----------
    path
        A taxonomy YAML; ``None`` for the bundled ``data/taxonomy.yaml``.

    Returns
    -------
    Taxonomy

    Raises
    ------
    ConfigError
        One line naming file, line and key of each problem.
    """
    return _load_cached(str(Path(path) if path is not None else default_path()))


@functools.lru_cache(maxsize=8)
def _load_cached(path: str) -> Taxonomy:
    name = Path(path).name
    data, lines = read_yaml(path, shown=name, what="taxonomy")
    return taxonomy_from_yaml(data, lines, name)


def taxonomy_from_yaml(data: Any, lines: Mapping[tuple, int], name: str) -> Taxonomy:
    """Validate a taxonomy file already read by :func:`altresponse.config.read_yaml`."""
    try:
        model = _TaxonomyFile.model_validate(data)
    except ValidationError as exc:
        raise ConfigError("; ".join(validation_problems(name, exc, lines))) from None
    problems = []
    seen: dict[str, int] = {}
    for i, t in enumerate(model.types):
        if t.code in seen:
            where = location(name, lines, ("types", i, "code"))
            problems.append(f"{where}: code {t.code!r} repeats types[{seen[t.code]}]")
        seen.setdefault(t.code, i)
    if UNKNOWN not in seen:
        problems.append(f"{name}: types: the fallback type {UNKNOWN!r} is missing")
    if problems:
        raise ConfigError("; ".join(problems))
    return Taxonomy(model.types, version=model.version, path=name)
