"""Data-quality report over a store: what is filled, what ranges, what intervals can be computed.

Every figure is an Ibis query over the store's ``calls`` (and ``quarantine``) tables, so the
report runs on any engine ``engine.py`` can open.
"""

from __future__ import annotations

from pathlib import Path

import ibis

from . import store as store_mod
from .calls import CALL_COLUMNS, TIMESTAMP_COLUMNS
from .values import text_or_none

# Intervals a response-time analysis uses: (name, start, end).
INTERVALS: tuple[tuple[str, str, str], ...] = (
    ("received_to_dispatched", "received_at", "dispatched_at"),
    ("dispatched_to_enroute", "dispatched_at", "enroute_at"),
    ("enroute_to_onscene", "enroute_at", "onscene_at"),
    ("received_to_onscene", "received_at", "onscene_at"),
    ("onscene_to_cleared", "onscene_at", "cleared_at"),
    ("received_to_cleared", "received_at", "cleared_at"),
)


def quality(store: str | Path, *, con=None, top_types: int = 20) -> dict:
    """Data-quality report of a store.

    Parameters
    ----------
    store
        Store directory (must hold a ``calls`` table).
    con
        Ibis backend (default: the in-memory DuckDB of ``engine.default_connection``).
    top_types
        How many call types to list by volume.

    Returns
    -------
    dict
        ``rows``, ``by_source``, ``null_rate`` (column → share null), ``timestamps``
        (column → min, max, filled), ``received_date`` range, ``types_by_volume``,
        ``intervals`` (name → computable, negative, median_seconds), ``time_flags``,
        ``quarantine`` (reason → rows).

    Raises
    ------
    InputError
        If the store has no calls.
    """
    t = store_mod.calls(store, con=con)
    columns = [c for c, _, _ in CALL_COLUMNS if c in t.columns]
    # One query for every one-row figure: on Spark each query costs about a second however few
    # the rows (docs/engines.md), and the report had ten of them.
    row = t.aggregate([*_head(t, columns), *_interval_measures(t)]).execute().iloc[0]
    n = int(row["rows"])
    out: dict = {"store": str(store), "rows": n}
    out["by_source"] = _counts(t, "source")
    out["null_rate"] = {c: round(float(row[f"{c}__null"]) / n, 4) if n else None for c in columns}
    ts = {}
    for c in TIMESTAMP_COLUMNS:
        filled = int(row[f"{c}__n"])
        ts[c] = {
            "filled": filled,
            "min": text_or_none(row[f"{c}__min"], iso=True) if filled else None,
            "max": text_or_none(row[f"{c}__max"], iso=True) if filled else None,
        }
    out["timestamps"] = ts
    out["received_date"] = {"min": _day(row["d_min"]), "max": _day(row["d_max"])}

    types = (
        t.group_by(t.type_desc)
        .aggregate(calls=t.count())
        .order_by([ibis.desc("calls"), "type_desc"])
        .limit(top_types)
        .execute()
    )
    out["types_by_volume"] = [
        {"type_desc": r.type_desc, "calls": int(r.calls)} for r in types.itertuples(index=False)
    ]
    out["distinct_types"] = int(row["distinct_types"])
    out["intervals"] = {name: _interval(row, name, n) for name, _, _ in INTERVALS}

    flags = t.filter(t.time_flags.notnull()).select(flag=t.time_flags.split(",").unnest())
    fl = flags.group_by("flag").aggregate(rows=flags.count()).order_by(ibis.desc("rows")).execute()
    out["time_flags"] = {r.flag: int(r.rows) for r in fl.itertuples(index=False)}

    try:
        q = store_mod.read_table(store, "quarantine", con=con)
        out["quarantine"] = _counts(q, "reason")
    except Exception:  # noqa: BLE001 - no quarantine parts is fine
        out["quarantine"] = {}
    return out


def _head(t, columns: list[str]) -> list:
    """Row count, nulls per column, each timestamp's range and fill, the date range, distinct types."""
    aggs = [t.count().name("rows"), t.type_desc.nunique().name("distinct_types")]
    aggs += [t[c].isnull().sum().name(f"{c}__null") for c in columns]
    for c in TIMESTAMP_COLUMNS:
        aggs += [t[c].min().name(f"{c}__min"), t[c].max().name(f"{c}__max"), t[c].count().name(f"{c}__n")]
    return [*aggs, t.received_date.min().name("d_min"), t.received_date.max().name("d_max")]


def _interval_measures(t) -> list:
    """Per interval: calls with both ends, negative intervals, median seconds. The difference is
    null where either end is, so counting it counts the calls with both ends."""
    aggs = []
    for name, start, end in INTERVALS:
        secs = t[end].epoch_seconds() - t[start].epoch_seconds()
        aggs += [secs.count().name(f"{name}__n"), (secs < 0).sum().name(f"{name}__neg"), secs.median().name(f"{name}__med")]
    return aggs


def _interval(row, name: str, n: int) -> dict:
    computable = int(row[f"{name}__n"])
    return {
        "computable": computable,
        "share": round(computable / n, 4) if n else None,
        "negative": int(row[f"{name}__neg"] or 0) if computable else 0,
        "median_seconds": float(row[f"{name}__med"]) if computable else None,
    }


def _counts(t, column: str) -> dict[str, int]:
    df = t.group_by(column).aggregate(rows=t.count()).order_by(ibis.desc("rows")).execute()
    return {str(r[0]): int(r[1]) for r in df.itertuples(index=False)}


def _day(value):
    text = text_or_none(value, iso=True)
    return text[:10] if text else None

