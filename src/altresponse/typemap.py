"""Map each source's call types onto the canonical taxonomy (``taxonomy.py``).

A type map is data: ``typemaps/<source>.yaml`` with

* ``exact``: source value -> canonical code. Tried on the call's ``type_code`` first,
  then on its ``type_desc``.
* ``patterns``: an ordered list of ``{id, regex, type}``. The first regex that matches the
  description (or the code, when a call has no description) wins.

Anything else gets ``UNKNOWN``. Before matching, values are *normalised*: ASCII letters
upper-cased, runs of whitespace made one space, ends trimmed, empty made null. Exact keys
in the YAML are normalised the same way, so ``Welfare Check`` matches ``WELFARE  CHECK``.
Each call records the rule that typed it: ``<source>.exact:<KEY>``,
``<source>.pattern:<id>`` or ``<source>.unmapped``.

Two evaluators give the same answer (a hypothesis test holds them to it):
:func:`map_types` builds one Ibis expression (joins and ``re_search`` on the engine) and
:meth:`TypeMap.map_one` is plain Python for one call at a time.

Regexes must use the syntax both Python ``re`` and RE2 (DuckDB, Spark's Java regex is a
superset for these) read the same way: no look-around, no back-references. They run on the
normalised text, so letters are written in upper case. Python compiles them with
``re.ASCII`` so ``\\b`` and ``\\w`` mean what RE2 means.

Examples
--------
>>> tm = load_typemap("durham")
>>> tm.map_one("TRESPASS OR UNWANTED", None)
('TRESPASS', 'durham.exact:TRESPASS OR UNWANTED')
>>> import ibis
>>> calls = ibis.memtable({"type_code": ["CRISIS", None], "type_desc": ["CRISIS", "no such type"]})
>>> out = map_types(calls, tm).order_by("type_rule").execute()
>>> out[["canonical_type", "category", "type_rule"]].values.tolist()
[['EDP', 'behavioral_health', 'durham.exact:CRISIS'], ['UNKNOWN', 'other', 'durham.unmapped']]
"""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import ibis
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .config import location, read_yaml, validation_problems
from .errors import ConfigError
from .taxonomy import UNKNOWN, Taxonomy, load_taxonomy
from .values import text_or_none

OUTPUT_COLUMNS = ("canonical_type", "category", "type_rule")

_UPPER = str.maketrans(string.ascii_lowercase, string.ascii_uppercase)
_WS_CLASS = "[ \\t\\n\\r\\f\\v]+"
_WS = re.compile(_WS_CLASS)
# Regex syntax that Python accepts but RE2 does not (or reads differently).
_NOT_PORTABLE = re.compile(r"\(\?[=!<>]|\(\?P=|\\[1-9]|\\[Zz]|[*+?}]\+|\(\?[a-zA-Z]")


def normalize(value: str | None) -> str | None:
    """Normalise a source type value the way the matchers see it.

    Examples
    --------
    >>> normalize("  Welfare\\tcheck ")
    'WELFARE CHECK'
    >>> normalize("   ") is None
    True
    """
    if value is None:
        return None
    value = _WS.sub(" ", value.translate(_UPPER)).strip(" ")
    return value or None


def _normalize_expr(col):
    upper = col.translate(string.ascii_lowercase, string.ascii_uppercase)
    return upper.re_replace(_WS_CLASS, " ").re_replace("^ | $", "").nullif("")


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


class Pattern:
    """A compiled pattern rule."""

    __slots__ = ("id", "regex", "type", "rule", "compiled")

    def __init__(self, id: str, regex: str, type: str, rule: str):
        self.id, self.regex, self.type, self.rule = id, regex, type, rule
        self.compiled = re.compile(regex, re.ASCII)

    def __repr__(self) -> str:
        return f"Pattern({self.rule!r} -> {self.type})"


class TypeMap:
    """One source's map from its call types to canonical codes. Build with :func:`load_typemap`."""

    _CACHE_MAX = 1 << 16

    def __init__(self, source: str, description: str, exact: dict[str, str], patterns: list[Pattern], taxonomy: Taxonomy):
        self.source = source
        self.description = description
        self.exact = exact  # normalised key -> canonical code
        self.patterns = patterns
        self.taxonomy = taxonomy
        self.unmapped_rule = f"{source}.unmapped"
        self._exact_rules = {k: (v, f"{source}.exact:{k}") for k, v in exact.items()}
        self._cache: dict[tuple, tuple[str, str]] = {}

    @property
    def rules(self) -> dict[str, str]:
        """Every rule id -> canonical code (including the unmapped rule)."""
        out = {rule: code for code, rule in self._exact_rules.values()}
        out.update({p.rule: p.type for p in self.patterns})
        out[self.unmapped_rule] = UNKNOWN
        return out

    def map_one(self, type_code: str | None, type_desc: str | None) -> tuple[str, str]:
        """Canonical type and rule id of one call (pure Python; results are cached).

        Parameters
        ----------
        type_code, type_desc
            The call's ``type_code`` and ``type_desc`` as the source gives them.

        Returns
        -------
        tuple[str, str]
            ``(canonical_type, type_rule)``; ``("UNKNOWN", "<source>.unmapped")`` if no rule matches.

        Examples
        --------
        >>> load_typemap("durham").map_one(None, "Loud music at 3am")
        ('NOISE', 'durham.pattern:NOISE')
        """
        key = (type_code, type_desc)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        result = self._map_uncached(type_code, type_desc)
        if len(self._cache) >= self._CACHE_MAX:
            self._cache.clear()
        self._cache[key] = result
        return result

    def _map_uncached(self, type_code, type_desc) -> tuple[str, str]:
        code = normalize(type_code)
        desc = normalize(type_desc)
        for value in (code, desc):
            if value is not None:
                hit = self._exact_rules.get(value)
                if hit is not None:
                    return hit
        text = desc if desc is not None else code
        if text is not None:
            for p in self.patterns:
                if p.compiled.search(text):
                    return p.type, p.rule
        return UNKNOWN, self.unmapped_rule

    def __repr__(self) -> str:
        return f"TypeMap({self.source!r}: {len(self.exact)} exact, {len(self.patterns)} patterns)"


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
    patterns: list[Pattern] = []
    seen_ids: set[str] = set()
    for i, p in enumerate(model.patterns):
        where = location(name, lines, ("patterns", i))
        if p.id in seen_ids:
            problems.append(f"{where}.id: {p.id!r} repeats an earlier pattern id")
        seen_ids.add(p.id)
        if p.type not in tax or p.type == UNKNOWN:
            problems.append(f"{where}.type: {p.type!r} is not a canonical call type (see data/taxonomy.yaml)")
        bad = _NOT_PORTABLE.search(p.regex)
        if bad:
            problems.append(f"{where}.regex: {bad.group(0)!r} is not portable to RE2 (no look-around, back-references, inline flags or possessive quantifiers)")
            continue
        if re.search(r"[a-z]", re.sub(r"\\.", "", p.regex)):
            problems.append(f"{where}.regex: {p.regex!r} has lower-case letters but matches upper-cased text; write them in upper case")
            continue
        try:
            patterns.append(Pattern(p.id, p.regex, p.type, f"{model.source}.pattern:{p.id}"))
        except re.error as exc:
            problems.append(f"{where}.regex: {p.regex!r} is not a valid regex ({exc})")
    if problems:
        raise ConfigError("; ".join(problems))
    return TypeMap(model.source, model.description, exact, patterns, tax)


def map_types(calls: ibis.Table, typemap: TypeMap | str) -> ibis.Table:
    """Add ``canonical_type``, ``category`` and ``type_rule`` to a calls table.

    The whole mapping is one Ibis expression (left joins against the exact keys, ``CASE``
    over ``re_search`` for the patterns), so it runs on whichever engine holds ``calls``.
    Existing columns of those names are replaced. Joins do not keep row order.

    Parameters
    ----------
    calls
        A table with string columns ``type_code`` and ``type_desc`` (either may be all null).
    typemap
        A :class:`TypeMap` or the name of a bundled one.

    Returns
    -------
    ibis.Table
        ``calls`` plus the three columns.

    Raises
    ------
    ConfigError
        If ``typemap`` names no type map.
    """
    tm = typemap if isinstance(typemap, TypeMap) else load_typemap(typemap)
    missing = [c for c in ("type_code", "type_desc") if c not in calls.columns]
    if missing:
        from .errors import UsageError

        msg = f"calls table lacks column(s) {', '.join(missing)} needed to map call types"
        raise UsageError(msg)
    present = [c for c in OUTPUT_COLUMNS if c in calls.columns]
    base = calls.drop(*present) if present else calls
    columns = list(base.columns)

    # Type each *distinct* raw (code, description) pair once, then join the answer back:
    # normalising and the regexes run over the vocabulary, not over every call. The join
    # keys are null-safe: the value with nulls as "" plus a null marker.
    raw = base.mutate(_tm_rc0=base.type_code.cast("string"), _tm_rd0=base.type_desc.cast("string"))
    raw = raw.mutate(**_join_keys(raw))
    pairs = raw.select("_tm_rc0", "_tm_rd0").distinct()
    pairs = pairs.mutate(_tm_code=_normalize_expr(pairs._tm_rc0), _tm_desc=_normalize_expr(pairs._tm_rd0))
    typed = _type_pairs(pairs, tm, keep=("_tm_rc0", "_tm_rd0"))
    typed = typed.mutate(**_join_keys(typed)).select(*_JOIN_KEYS, "canonical_type", "category", "type_rule")
    out = raw.left_join(typed, [(k, k) for k in _JOIN_KEYS])
    return out.select(*columns, "canonical_type", "category", "type_rule")


_JOIN_KEYS = ("_tm_kc0", "_tm_nc0", "_tm_kd0", "_tm_nd0")


def _join_keys(t: ibis.Table) -> dict:
    return {
        "_tm_kc0": t._tm_rc0.fill_null(""),
        "_tm_nc0": t._tm_rc0.isnull(),
        "_tm_kd0": t._tm_rd0.fill_null(""),
        "_tm_nd0": t._tm_rd0.isnull(),
    }


def _type_pairs(pairs: ibis.Table, tm: TypeMap, *, keep: tuple[str, ...]) -> ibis.Table:
    """Type each row of a table with normalised ``_tm_code``/``_tm_desc`` (plus ``keep`` columns)."""
    base = pairs
    columns = list(keep)
    code, desc = base._tm_code, base._tm_desc
    text = ibis.coalesce(desc, code)
    null = ibis.null("string")
    # Index of the first matching pattern (regexes run once per row), null if none.
    if tm.patterns:
        first = ibis.cases(*[(text.re_search(p.regex), i) for i, p in enumerate(tm.patterns)], else_=ibis.null("int32"))
    else:
        first = ibis.null("int32")
    staged = base.mutate(_tm_first=first)

    cats = tm.taxonomy.categories()
    keys = list(tm._exact_rules)
    lookup = ibis.memtable(
        {
            "key": keys,
            "rule": [tm._exact_rules[k][1] for k in keys],
            "type": [tm._exact_rules[k][0] for k in keys],
            "cat": [cats[tm._exact_rules[k][0]] for k in keys],
        },
        schema={"key": "string", "rule": "string", "type": "string", "cat": "string"},
    )
    by_code = lookup.rename(_tm_kc="key", _tm_rc="rule", _tm_tc="type", _tm_cc="cat")
    by_desc = lookup.rename(_tm_kd="key", _tm_rd="rule", _tm_td="type", _tm_cd="cat")
    j = staged.left_join(by_code, [("_tm_code", "_tm_kc")]).left_join(by_desc, [("_tm_desc", "_tm_kd")])

    def from_pattern(attr):
        if not tm.patterns:
            return null
        branches = [(i, getattr(p, attr) if attr != "category" else cats[p.type]) for i, p in enumerate(tm.patterns)]
        return j._tm_first.cases(*branches, else_=null)

    # Code match beats description match beats pattern; a row matched by code takes all
    # three values from the code lookup (the `_tm_kc` null test keeps them together).
    def pick(by_code_col, by_desc_col, attr, fallback):
        return ibis.cases(
            (j._tm_kc.notnull(), by_code_col),
            (j._tm_kd.notnull(), by_desc_col),
            (j._tm_first.notnull(), from_pattern(attr)),
            else_=ibis.literal(fallback),
        )

    return j.select(
        *columns,
        canonical_type=pick(j._tm_tc, j._tm_td, "type", UNKNOWN),
        category=pick(j._tm_cc, j._tm_cd, "category", cats[UNKNOWN]),
        type_rule=pick(j._tm_rc, j._tm_rd, "rule", tm.unmapped_rule),
    )


def typemap_for_source(source: str) -> str:
    """Name of the type map for a store ``source`` value.

    The source's shipped adapter names its type map (``synth`` uses ``durham``); a source
    without a shipped adapter uses the type map of its own name.
    """
    from .adapter import ADAPTER_DIR, load_adapter, shipped_adapters

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
    from .adapter import adapter_path, load_adapter

    path = adapter_path(adapter)
    name = load_adapter(path).typemap
    if not name or not name.endswith((".yaml", ".yml")):
        return None
    file = (path.parent / name).resolve()
    if not file.is_file():
        msg = f"{path}, typemap: {name!r} not found (looked for {file})"
        raise ConfigError(msg)
    return file


def type_coverage(calls: ibis.Table, typemap: TypeMap | str, *, limit: int | None = None) -> dict:
    """How much of a calls table a type map covers, by call volume.

    Parameters
    ----------
    calls
        Calls with ``type_code`` and ``type_desc``.
    typemap
        A :class:`TypeMap` or bundled map name.
    limit
        Keep only the ``limit`` largest unmapped types in ``unmapped`` (``None``: all).

    Returns
    -------
    dict
        ``typemap``, ``calls``, ``mapped_calls``, ``mapped_share`` (null when there are no
        calls), ``unmapped_types`` (distinct unmapped (code, description) pairs),
        ``unmapped``: ``[{type_code, type_desc, calls}]`` largest first, and
        ``categories``: ``{category: calls}``.

    Examples
    --------
    >>> import ibis
    >>> calls = ibis.memtable({"type_code": [None] * 3, "type_desc": ["CRISIS", "CRISIS", "BOAT SHOW"]})
    >>> cov = type_coverage(calls, "durham")
    >>> round(cov["mapped_share"], 3), cov["unmapped"]
    (0.667, [{'type_code': None, 'type_desc': 'BOAT SHOW', 'calls': 1}])
    """
    tm = typemap if isinstance(typemap, TypeMap) else load_typemap(typemap)
    typed = map_types(calls.select("type_code", "type_desc"), tm)
    by_category = typed.group_by("category").aggregate(calls=typed.count()).execute()
    categories = {str(r.category): int(r.calls) for r in by_category.sort_values(["calls", "category"], ascending=[False, True]).itertuples()}
    total = sum(categories.values())
    unknown = typed.filter(typed.canonical_type == UNKNOWN)
    groups = unknown.group_by("type_code", "type_desc").aggregate(calls=unknown.count())
    groups = groups.order_by([ibis.desc("calls"), ibis.asc("type_code", nulls_first=True), ibis.asc("type_desc", nulls_first=True)])
    rows = groups.execute()
    unmapped_calls = int(rows["calls"].sum()) if len(rows) else 0
    unmapped = [
        {"type_code": text_or_none(r.type_code), "type_desc": text_or_none(r.type_desc), "calls": int(r.calls)}
        for r in rows.itertuples()
    ]
    return {
        "typemap": tm.source,
        "calls": total,
        "mapped_calls": total - unmapped_calls,
        "mapped_share": (total - unmapped_calls) / total if total else None,
        "unmapped_types": len(unmapped),
        "unmapped": unmapped if limit is None else unmapped[:limit],
        "categories": categories,
    }
