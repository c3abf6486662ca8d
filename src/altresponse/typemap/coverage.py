"""How much of a calls table a type map covers, by call volume (``altresponse types``)."""

from __future__ import annotations

import ibis

from ..taxonomy import UNKNOWN
from ..values import text_or_none
from .load import load_typemap
from .lookup import TypeMap
from .table import map_types


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
