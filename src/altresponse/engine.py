"""The one seam between altresponse and a query engine.

Verbs take and return Ibis tables and never import duckdb or pyspark; only this
module opens connections. DuckDB (embedded, in-memory) is the default; any other
Ibis backend (Spark, Polars) can be passed wherever a ``con`` is accepted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

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


@dataclass(frozen=True)
class Engine:
    """Which backend to open and with what options: the small config object verbs can be given.

    Examples
    --------
    >>> Engine().connect().name
    'duckdb'
    """

    name: EngineName = "duckdb"
    options: dict[str, Any] = field(default_factory=dict)

    def connect(self):
        return connect(self.name, **dict(self.options))


def default_connection():
    """The in-memory DuckDB connection used where a caller passes no ``con``.

    Tables read without a ``con`` must share one backend to be joined, so this one is opened
    once (not a settable global: pass ``con=Engine(...).connect()`` for another engine or an
    isolated connection, as the ``plan`` and ``simulate`` commands do).
    """
    return _shared_duckdb()


@cache
def _shared_duckdb():
    return connect("duckdb")


def read_parquet(paths, *, con=None, table_name: str | None = None):
    """Read one or more parquet files as an Ibis table on ``con`` (default :func:`default_connection`)."""
    con = con or default_connection()
    paths = [str(p) for p in paths] if isinstance(paths, (list, tuple)) else str(paths)
    if table_name is None:
        return con.read_parquet(paths)
    return con.read_parquet(paths, table_name=table_name)
