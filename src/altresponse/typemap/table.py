"""The Ibis form of a type map: :func:`map_types` types a whole calls table on its engine."""

from __future__ import annotations

import string

import ibis

from ..taxonomy import UNKNOWN
from .load import load_typemap
from .lookup import WS_CLASS, TypeMap

OUTPUT_COLUMNS = ("canonical_type", "category", "type_rule")


def _normalize_expr(col):
    upper = col.translate(string.ascii_lowercase, string.ascii_uppercase)
    return upper.re_replace(WS_CLASS, " ").re_replace("^ | $", "").nullif("")



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
        from ..errors import UsageError

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
    keys = list(tm.exact_rules)
    lookup = ibis.memtable(
        {
            "key": keys,
            "rule": [tm.exact_rules[k][1] for k in keys],
            "type": [tm.exact_rules[k][0] for k in keys],
            "cat": [cats[tm.exact_rules[k][0]] for k in keys],
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

