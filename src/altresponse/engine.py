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
        return _connect_duckdb(options)
    if engine == "polars":
        return ibis.polars.connect(**options)
    if engine == "pyspark":
        session = options.pop("session", None) or _local_spark_session()
        return ibis.pyspark.connect(session, **options)
    from .errors import UsageError

    msg = f"engine {engine!r} is not supported; choose one of {', '.join(ENGINES)}"
    raise UsageError(msg)


# DuckDB's settings, each overridable by an environment variable (docs/cli.md, "DuckDB settings").
# memory_limit: DuckDB spills sorts, joins and windows to temp_directory beyond it instead of
# growing (classify at 10M calls peaked at 5.9 GB without it); DuckDB's own default is 80% of RAM.
# preserve_insertion_order=false lets results without ORDER BY stream out of order, so
# writers and windows need not buffer rows to keep it.
DUCKDB_DEFAULTS = {
    "memory_limit": "2GB",
    "threads": None,  # None: DuckDB's default, one per core
    "preserve_insertion_order": "false",
    "temp_directory": None,  # None: altresponse-duckdb under the system temp directory
}


def duckdb_settings(environ=None) -> dict[str, Any]:
    """DuckDB's settings: :data:`DUCKDB_DEFAULTS` overridden by ``ALTRESPONSE_DUCKDB_<NAME>``.

    Examples
    --------
    >>> duckdb_settings({"ALTRESPONSE_DUCKDB_MEMORY_LIMIT": "6GB", "ALTRESPONSE_DUCKDB_THREADS": "4"})["memory_limit"]
    '6GB'
    """
    import os
    import tempfile
    from pathlib import Path

    environ = os.environ if environ is None else environ
    out: dict[str, Any] = {}
    for name, default in DUCKDB_DEFAULTS.items():
        value = environ.get(f"ALTRESPONSE_DUCKDB_{name.upper()}", "").strip() or default
        if value is not None:
            out[name] = value
    out.setdefault("temp_directory", str(Path(tempfile.gettempdir()) / "altresponse-duckdb"))
    if "threads" in out:
        if not str(out["threads"]).isdigit() or int(out["threads"]) < 1:
            from .errors import UsageError

            msg = f"ALTRESPONSE_DUCKDB_THREADS={out['threads']!r}: a whole number of threads, 1 or more"
            raise UsageError(msg)
        out["threads"] = int(out["threads"])
    return out


def _connect_duckdb(options: dict):
    import duckdb

    settings = duckdb_settings()
    try:
        con = ibis.duckdb.connect(**{**settings, **options})
        con.raw_sql("SET enable_progress_bar = false")  # a raw query over 2 s drew one on stderr
        return con
    except duckdb.Error as e:  # a bad ALTRESPONSE_DUCKDB_* value: one line, exit 2
        from .errors import UsageError

        given = ", ".join(f"{k}={v}" for k, v in settings.items())
        msg = f"DuckDB settings ({given}; ALTRESPONSE_DUCKDB_* environment variables): {str(e).splitlines()[0]}"
        raise UsageError(msg) from None


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
