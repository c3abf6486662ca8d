"""The one seam between altresponse and a query engine.

Verbs take and return Ibis tables and never import duckdb or pyspark; only this
module opens connections. DuckDB (embedded, in-memory) is the default; any other
Ibis backend (Spark, Polars) can be passed wherever a ``con`` is accepted.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

import ibis

EngineName = Literal["duckdb", "polars", "pyspark"]
# Each backend with the package it needs and the extra that installs it (DuckDB is a dependency).
_NEEDS = {"duckdb": ("duckdb", None), "polars": ("polars", "polars"), "pyspark": ("pyspark", "spark")}


def _installed(engine: str) -> bool:
    # find_spec, not import: importing pyspark costs seconds and starts nothing we need yet.
    return importlib.util.find_spec(_NEEDS[engine][0]) is not None


# Only the engines this installation can open: the CLI's --engine choices and the test fixtures.
ENGINES: tuple[str, ...] = tuple(name for name in _NEEDS if _installed(name))


def connect(engine: EngineName = "duckdb", **options):
    """Open a connection to an Ibis backend.

    Parameters
    ----------
    engine
        ``"duckdb"`` (default, in-memory), ``"polars"`` or ``"pyspark"``.
    **options
        Passed to the backend's ``connect``; for ``pyspark`` a ``session`` may be given, or a
        ``master`` URL (``spark://HOST:PORT``; default ``local[2]``, two cores in this process).

    Returns
    -------
    ibis.BaseBackend

    Raises
    ------
    UsageError
        For an engine name altresponse does not know.
    EngineError
        For a known engine whose package is not installed (the message names the extra).
    """
    _require(engine)
    if engine == "duckdb":
        return _connect_duckdb(options)
    if engine == "polars":
        return ibis.polars.connect(**options)
    session = options.pop("session", None) or spark_session(options.pop("master", None))
    _spark_mode()
    return ibis.pyspark.connect(session, **options)


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


def _spark_mode() -> None:
    # ibis 12 compiles no Mode for Spark although Spark SQL has had mode() since 3.4 (ibis's own
    # Databricks compiler maps it); the frequency section's beat of a place needs it.
    from ibis.backends.sql.compilers.pyspark import PySparkCompiler

    def visit_mode(self, op, *, arg, where):
        return self.agg.mode(arg, where=where)

    PySparkCompiler.visit_Mode = visit_mode


def _require(engine: str) -> None:
    from .errors import EngineError, UsageError

    if engine not in _NEEDS:
        msg = f"engine {engine!r} is not supported; choose one of {', '.join(_NEEDS)}"
        raise UsageError(msg)
    if not _installed(engine):
        msg = f"engine {engine!r} is not installed here: pip install 'altresponse[{_NEEDS[engine][1]}]'"
        raise EngineError(msg)


def spark_session(master: str | None = None):
    """A Spark session on ``master`` (default ``local[2]``), set up for a machine with no network.

    Loopback only, no UI, UTC session clock (timestamps keep the meaning they had in DuckDB),
    and, in local mode, Python workers run this interpreter. A cluster's workers run their own
    ``python3`` (or ``PYSPARK_PYTHON``): this path may not exist on their machines.
    """
    # Offline machines: never fetch packages, bind to loopback, no UI.
    from pyspark.sql import SparkSession

    builder = (
        SparkSession.builder.master(master or "local[2]")
        .appName("altresponse")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.showConsoleProgress", "false")  # stderr is the CLI's
    )
    if master is None or master.startswith("local"):
        # Two local cores: Spark's 200 shuffle partitions per group-by cost more than they split.
        # A cluster keeps its own settings (spark-defaults.conf): anything set here would override them.
        builder = builder.config("spark.sql.shuffle.partitions", "4")
        # pyspark takes its workers' interpreter only from PYSPARK_PYTHON (spark.pyspark.python is
        # ignored: pyspark/core/context.py), else whatever `python3` is first on PATH, which may be
        # another version or lack this environment's packages. A caller's own setting stands.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


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
    if con.name != "pyspark":  # a table Spark wrote is a folder of part files: read them by a glob
        paths = [_parts(p) for p in paths] if isinstance(paths, list) else _parts(paths)
    elif isinstance(paths, list):
        return _spark_read_parquet(con, paths, table_name)
    if table_name is None:
        return con.read_parquet(paths)
    return con.read_parquet(paths, table_name=table_name)


def _spark_read_parquet(con, paths: list[str], table_name: str | None):
    # Ibis's Spark reader takes one path (a list becomes the text "['...']"); Spark's own takes many.
    import ibis.util

    name = table_name or ibis.util.gen_name("read_parquet")
    con._session.read.parquet(*paths).createOrReplaceTempView(name)
    return con.table(name)


def _parts(path: str) -> str:
    return str(Path(path) / "*.parquet") if Path(path).is_dir() else path


def write_parquet(table, path) -> None:
    """Write ``table`` to ``path`` on its own engine; readers never see a half-written table.

    DuckDB and Polars write one file; Spark writes a folder of part files (each executor its
    own), which :func:`read_parquet` reads on every engine.
    """
    path = Path(path)
    tmp, old = path.with_name(path.name + ".tmp"), path.with_name(path.name + ".old")
    _remove(tmp)
    _remove(old)
    table.to_parquet(tmp)
    if path.is_dir() or (tmp.is_dir() and path.exists()):
        path.rename(old)  # a rename cannot put a folder over a file, or anything over a folder
    tmp.replace(path)
    _remove(old)


def _remove(path: Path) -> None:
    import shutil

    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)
