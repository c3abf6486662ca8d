"""``--engine`` and ``--spark-master``: the one place the verbs that read tables get their options.

A command decorated with :func:`engine_options` gains both options (same names, help and checks
everywhere) and receives the connection they ask for as its ``con`` argument.
"""

from __future__ import annotations

import functools
import inspect
from typing import Callable, Optional

import typer

ENGINE_HELP = ("Query engine: duckdb (default, embedded), polars, or pyspark (local[2], or a cluster with "
               "--spark-master). polars and pyspark need the extra of that name (spark for pyspark).")
SPARK_MASTER_HELP = "Spark master URL, e.g. spark://10.0.0.5:7077 (implies --engine pyspark)."

_ADDED = (
    inspect.Parameter("engine", inspect.Parameter.KEYWORD_ONLY, annotation=str,
                      default=typer.Option("duckdb", "--engine", help=ENGINE_HELP)),
    inspect.Parameter("spark_master", inspect.Parameter.KEYWORD_ONLY, annotation=Optional[str],
                      default=typer.Option(None, "--spark-master", help=SPARK_MASTER_HELP)),
)


def connection(engine: str = "duckdb", spark_master: str | None = None):
    """The connection the two options ask for (a Spark master implies pyspark)."""
    from ..engine import connect
    from ..errors import UsageError

    if spark_master is not None:
        if engine not in ("duckdb", "pyspark"):  # duckdb: the default, not a choice the user made
            msg = f"--spark-master needs --engine pyspark, not --engine {engine}"
            raise UsageError(msg)
        return connect("pyspark", master=spark_master)
    return connect(engine)


def engine_options(func: Callable) -> Callable:
    """Give a command ``--engine`` and ``--spark-master``; it receives the connection as ``con``.

    Put it under ``@handle_errors`` so a bad choice or a missing package is one line, not a
    traceback. The command declares ``con=None`` and passes ``con`` on to the library.
    """
    signature = inspect.signature(func, eval_str=True)  # names resolved in the command's own module
    kept = [p for p in signature.parameters.values() if p.name != "con"]

    @functools.wraps(func)
    def wrapper(*args, engine: str = "duckdb", spark_master: str | None = None, **kwargs):
        return func(*args, con=connection(engine, spark_master), **kwargs)

    # Typer reads the signature and the type hints: show it the options instead of ``con``.
    wrapper.__signature__ = signature.replace(parameters=[*kept, *_ADDED])
    hints = {p.name: p.annotation for p in kept if p.annotation is not inspect.Parameter.empty}
    wrapper.__annotations__ = {**hints, "engine": str, "spark_master": Optional[str]}
    del wrapper.__wrapped__  # or inspect and typing would read func's own signature again
    return wrapper
