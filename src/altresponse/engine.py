"""The one seam between altresponse and a query engine.

Verbs take and return Ibis tables and never import duckdb or pyspark; only this
module opens connections. DuckDB (embedded, in-memory) is the default; any other
Ibis backend (Spark, Polars) can be passed wherever a ``con`` is accepted.
"""

from __future__ import annotations

from typing import Literal

import ibis

EngineName = Literal["duckdb", "polars", "pyspark"]
ENGINES: tuple[str, ...] = ("duckdb", "polars", "pyspark")


def connect(engine: EngineName = "duckdb", **options):
    """Open a connection to an Ibis backend.

    Parameters
    ----------
    engine
        ``"duckdb"`` (default, in-memory), ``"polars"`` or ``"pyspark"``.
    **options
        Passed to the backend's ``connect``; for ``pyspark`` a ``session`` may be given.

    Returns
    -------
    ibis.BaseBackend
    """
    if engine == "duckdb":
        return ibis.duckdb.connect(**options)
    if engine == "polars":
        return ibis.polars.connect(**options)
    if engine == "pyspark":
        session = options.pop("session", None) or _local_spark_session()
        return ibis.pyspark.connect(session, **options)
    from .errors import UsageError

    msg = f"engine {engine!r} is not supported; choose one of {', '.join(ENGINES)}"
    raise UsageError(msg)


def _local_spark_session():
    # Offline machines: never fetch packages, bind to loopback, no UI.
    from pyspark.sql import SparkSession

    return (
        SparkSession.builder.master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )


_default = None


def default_connection():
    """A process-wide in-memory DuckDB connection, opened on first use."""
    global _default
    if _default is None:
        _default = connect("duckdb")
    return _default


def read_parquet(paths, *, con=None, table_name: str | None = None):
    """Read one or more parquet files as an Ibis table on ``con`` (default DuckDB)."""
    con = con or default_connection()
    paths = [str(p) for p in paths] if isinstance(paths, (list, tuple)) else str(paths)
    if table_name is None:
        return con.read_parquet(paths)
    return con.read_parquet(paths, table_name=table_name)
