"""The classified table on disk and back: written narrow, read wide.

``STORE/classified/<program_id>.parquet`` holds ``call_id`` and the columns ``classify`` adds
(types, premise history, eligibility, recommendation, risk, each with its rule, program id and
version), not a copy of every call column: at 1M calls copying the 38 call columns was most of
classify's write. :func:`read_classified` is the one loader every verb reads labels through: it
joins the labels to ``STORE/calls`` on ``call_id`` on the engine (nothing is pulled into
Python) and returns the same wide table, columns and types, ``classify`` returns.

A file written before this layout (every call column in it) is read as it is.
"""

from __future__ import annotations

from pathlib import Path

import ibis
import ibis.expr.types as ir

# The call columns as classify types them for the rules (the store keeps priority as int8): the
# wide table has these types whether it comes from classify or from this loader.
CALL_TYPES = {
    "priority": "int64",
    "beat": "string",
    "type_desc": "string",
    "narrative": "string",
    "received_local": "timestamp",
    "received_date": "date",
}


def typed_calls(calls: ir.Table) -> ir.Table:
    """``calls`` with the columns of :data:`CALL_TYPES` cast as classify casts them."""
    return calls.mutate(**{c: calls[c].cast(t) for c, t in CALL_TYPES.items() if c in calls.columns})


def label_columns(labelled: ir.Table, calls: ir.Table) -> list[str]:
    """``call_id`` and the columns ``classify`` added to ``calls`` (what the labels file keeps)."""
    return ["call_id", *[c for c in labelled.columns if c not in calls.columns]]


# Where each call sits in the store's calls parts (DuckDB's read_parquet columns): labels written
# in this order line up row for row with the calls, and are read back without a join.
POSITION = ("filename", "file_row_number")


def calls_in_store_order(store: str | Path, *, con=None) -> tuple[ir.Table, tuple[str, ...]]:
    """The store's calls and the columns that give their order (empty where the engine has none).

    On DuckDB the calls carry :data:`POSITION`; ``classify_store`` writes the labels ordered by it.
    """
    from . import store as store_mod
    from .engine import default_connection

    con = con or default_connection()
    if con.name != "duckdb":
        return store_mod.calls(store, con=con), ()
    found = store_mod.parts(store, "calls")
    if not found:
        return store_mod.calls(store, con=con), ()  # raises the store's own error
    return con.read_parquet([str(p) for p in found], filename=True, file_row_number=True), POSITION


def labels_to_write(labelled: ir.Table, calls: ir.Table, order: tuple[str, ...]) -> ir.Table:
    """``call_id`` and the labels, in the calls' order when ``order`` names it."""
    keep = [c for c in label_columns(labelled, calls) if c not in POSITION]
    return labelled.order_by(list(order)).select(*keep) if order else labelled.select(*keep)


def path_for(store: str | Path, program_id: str) -> Path:
    """``STORE/classified/<program_id>.parquet``."""
    from .store import table_dir

    return table_dir(store, "classified") / f"{program_id}.parquet"


def read_classified(store: str | Path, program_id: str, *, con=None) -> ir.Table:
    """The classified calls of a store under one program: calls joined to their labels.

    The join runs on the engine at each query (a view on DuckDB, so it stays a table to
    readers such as :func:`altresponse.analyze.materialize`). Calls without labels (ingested
    after classify) are left out, as the labels file left them out before;
    :func:`altresponse.relabel.stored_or_fresh` recomputes such labels first.

    Raises
    ------
    InputError
        If there is no labels file, or it holds labels only and the store has no calls.
    """
    from . import store as store_mod
    from .engine import read_parquet
    from .errors import InputError

    path = path_for(store, program_id)
    if not path.is_file():
        msg = f"{path}: no classified table for program {program_id!r} (run `altresponse classify` first)"
        raise InputError(msg)
    labels = read_parquet(path, con=con)
    if not store_mod.parts(store, "calls"):
        if _labels_only(labels):
            msg = f"{path}: labels only, and the store has no calls to join them to (ingest the calls again)"
            raise InputError(msg)
        return labels  # a table with call columns of its own (an older file, a stand-in): as found
    calls = typed_calls(store_mod.calls(store, con=con))
    if set(calls.columns) <= set(labels.columns):
        return labels  # written before the narrow layout: every call column is in the file
    added = [c for c in labels.columns if c not in calls.columns]
    side_by_side = _side_by_side(calls, labels, added)
    if side_by_side is not None:
        return side_by_side
    joined = calls.join(labels.select("call_id", *added), "call_id").select(*calls.columns, *added)
    return _as_view(joined)


def _side_by_side(calls: ir.Table, labels: ir.Table, added: list[str]) -> ir.Table | None:
    """DuckDB, labels written in the calls' order: a view pairing the two row by row, else None.

    A hash join on call_id at every query cost the report 8x the engine time of reading a wide
    file (1M calls); pairing rows by position costs about what the wide file did. The pairing
    is checked once here: every row's call_id must match, else the caller joins on call_id.
    """
    con = calls._find_backend()
    if con.name != "duckdb":
        return None
    c_sql, l_sql = con.compile(calls), con.compile(labels.select("call_id", *added))
    pairs = f"({c_sql}) AS c POSITIONAL JOIN ({l_sql}) AS l"
    off = con.raw_sql(f"SELECT count(*) FROM {pairs} WHERE c.call_id IS DISTINCT FROM l.call_id").fetchall()[0][0]
    if off:
        return None
    name = ibis.util.gen_name("classified")
    cols = ", ".join([*(f'c."{x}"' for x in calls.columns), *(f'l."{x}"' for x in added)])
    con.raw_sql(f"CREATE TEMP VIEW {name} AS SELECT {cols} FROM {pairs}")
    return con.table(name)


def _labels_only(labels: ir.Table) -> bool:
    from .calls import CALLS_SCHEMA

    return not (set(CALLS_SCHEMA.names) - {"call_id"}) & set(labels.columns)


def _as_view(joined: ir.Table) -> ir.Table:
    # A view keeps the join lazy (each query joins, with the engine's projection and filter
    # pushdown) and looks like a stored table: readers that `.cache()` a lazy expression would
    # otherwise hold every call column of every call in memory.
    con = joined._find_backend()
    if con.name != "duckdb":
        return joined
    return con.create_view(ibis.util.gen_name("classified"), joined)
