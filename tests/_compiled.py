"""An Ibis expression compiled once and run on many small tables (for the property tests).

The hypothesis tests that compare an Ibis rendering with a pure-Python one run a few hundred
examples; compiling the same expression again for each example was about half their CPU.
``compiled_once`` compiles ``build(facts)`` over an unbound table named ``facts`` with the DuckDB
backend's own compiler, once per key, and runs that SQL on each example's rows bound to the name,
read back as the backend's ``to_pyarrow`` reads it. Every row still goes through the engine.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

import ibis

_DONE: dict = {}


def compiled_once(key: Hashable, build: Callable, schema) -> Callable:
    """``run(table)``: ``build(table).to_pyarrow()`` for an Ibis memtable ``table`` of ``schema``."""
    from ibis.backends.duckdb.converter import DuckDBPyArrowData

    if "con" not in _DONE:
        _DONE["con"] = ibis.duckdb.connect()  # the backend's session settings (UTC time zone)
    con = _DONE["con"]
    if key not in _DONE:
        expr = build(ibis.table(ibis.schema(schema), name="facts"))
        con._run_pre_execute_hooks(expr)  # what to_pyarrow does first: registers the expression's memtables
        _DONE[key] = (expr, con.compile(expr))
    expr, sql = _DONE[key]

    def run(table):
        con.con.register("facts", table.to_pyarrow())
        try:
            return expr.__pyarrow_result__(con.con.sql(sql).to_arrow_table(), data_mapper=DuckDBPyArrowData)
        finally:
            con.con.unregister("facts")

    return run
