"""Spark settings for the tests' small data, given the way a user gives them: ``spark-defaults.conf``
in ``SPARK_CONF_DIR`` (docs/engines.md, "Spark settings"). The product code path is unchanged:
``altresponse.engine.connect`` / ``--spark-master`` open the session, and Spark's launcher reads
the file when it starts the driver JVM.

Measured on the Spark checks of tests/test_engines.py (local[2], 5,000 and 4,033 calls; JVM CPU,
read from /proc, 2-core machine at load ~4-5): Spark's defaults 119 s; with the JVM flags 55 s;
with interpreted expressions too 46 s. The cluster test's seven JVMs: 72 s -> 32 s with the flags.
A short-lived JVM spends most of its CPU compiling: C2 (the optimising JIT) and Janino (Spark's
generated Java code for every query) pay back only over millions of rows, and these queries read
thousands.
"""

from __future__ import annotations

from pathlib import Path

# C1 only (no C2 recompiles of code that runs for seconds) and one GC thread (no parallel GC
# threads for a heap of a few hundred MB). For the driver, executors and the standalone daemons.
JVM_FLAGS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"

SMALL_DATA = {
    "spark.driver.extraJavaOptions": JVM_FLAGS,
    "spark.executor.extraJavaOptions": JVM_FLAGS,
    # Interpreted expressions instead of Java code generated and compiled (Janino) per query:
    # the same operators and results, without a compile per query. factoryMode is Spark's own
    # switch for testing both paths (SQLConf CODEGEN_FACTORY_MODE).
    "spark.sql.codegen.wholeStage": "false",
    "spark.sql.codegen.factoryMode": "NO_CODEGEN",
}


def conf_dir(path: Path, extra: dict[str, str] | None = None) -> Path:
    """Write ``path/spark-defaults.conf`` with :data:`SMALL_DATA` and ``extra``; return ``path``."""
    path.mkdir(parents=True, exist_ok=True)
    lines = [f"{key} {value}" for key, value in {**SMALL_DATA, **(extra or {})}.items()]
    (path / "spark-defaults.conf").write_text("\n".join(lines) + "\n")
    return path
