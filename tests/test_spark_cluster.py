"""A verb on a real Spark standalone cluster (issue 14): a master and a worker started on loopback
from the pyspark package's own ``spark-class``, driven through ``--spark-master``, give DuckDB's
numbers. Marked ``spark_cluster`` (four JVMs: CI runs it once, ``pytest -m spark_cluster``)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from _spark import JVM_FLAGS, conf_dir

pytestmark = [pytest.mark.spark, pytest.mark.spark_cluster]

CLI = [sys.executable, "-c", "from altresponse.cli import main; main()"]
UP_WITHIN = 120  # seconds each JVM gets to come up (a loaded 2-core machine; ~10 s when idle)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(args: list[str], log: Path, ready: str, env: dict) -> subprocess.Popen:
    """Start a Spark daemon in its own process group and wait (bounded) for ``ready`` in its log."""
    import pyspark

    spark_class = Path(pyspark.__file__).parent / "bin" / "spark-class"
    with log.open("w") as fh:
        proc = subprocess.Popen([str(spark_class), *args], stdout=fh, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    deadline = time.monotonic() + UP_WITHIN
    while ready not in log.read_text():
        if proc.poll() is not None or time.monotonic() > deadline:
            _stop(proc)
            pytest.fail(f"{args[0]} did not come up within {UP_WITHIN} s:\n{log.read_text()[-2000:]}")
        time.sleep(0.5)
    return proc


def _stop(proc: subprocess.Popen) -> None:
    # The group we created: spark-class's shell and the JVM it runs, nothing else.
    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 15)):
        if proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(wait)
        except subprocess.TimeoutExpired:
            continue


@pytest.fixture(scope="module")
def spark_master(tmp_path_factory):
    """``spark://127.0.0.1:PORT`` of a master and one worker (1 core, 1 GB), killed afterwards."""
    import pyspark

    root = tmp_path_factory.mktemp("spark_cluster")
    env = {**os.environ, "SPARK_HOME": str(Path(pyspark.__file__).parent), "SPARK_LOCAL_IP": "127.0.0.1",
           "SPARK_WORKER_DIR": str(root / "work"), "SPARK_LOG_DIR": str(root),
           "SPARK_DAEMON_JAVA_OPTS": JVM_FLAGS}  # the master's and worker's JVMs (tests/_spark.py)
    port = _free_port()
    url = f"spark://127.0.0.1:{port}"
    started = []
    try:
        started.append(_start(["org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", str(port),
                                "--webui-port", "0"], root / "master.log", "I have been elected leader", env))
        started.append(_start(["org.apache.spark.deploy.worker.Worker", url, "--host", "127.0.0.1", "--cores", "1",
                                "--memory", "1g", "--webui-port", "0", "--work-dir", str(root / "work")],
                               root / "worker.log", "Successfully registered with master", env))
        yield url
    finally:
        for proc in reversed(started):
            _stop(proc)


def test_quality_on_a_standalone_cluster_gives_duckdbs_numbers(spark_master, synthetic_store, tmp_path):
    """``altresponse quality --spark-master URL`` on the synthetic store (it has every interval):
    the same counts, null rates, types and interval medians as on DuckDB."""
    # Tuned the way a user tunes a cluster (docs/engines.md): spark-defaults.conf in SPARK_CONF_DIR,
    # with the tests' small-data settings (tests/_spark.py). Two shuffle partitions instead of
    # Spark's 200 for 5,000 rows on a one-core worker (fewer tasks). 512 MB executors: the worker
    # offers 1 GB, and the driver shares the machine.
    conf = conf_dir(tmp_path, {"spark.sql.shuffle.partitions": "2", "spark.executor.memory": "512m"})
    env = {**os.environ, "SPARK_CONF_DIR": str(conf)}
    runs = {}
    for name, extra in (("duckdb", []), ("cluster", ["--spark-master", spark_master])):
        done = subprocess.run([*CLI, "quality", "--store", str(synthetic_store), "--json", *extra],
                              capture_output=True, text=True, timeout=300, env=env)
        assert done.returncode == 0, f"{name}: exit {done.returncode}\n{done.stderr[-3000:]}"
        runs[name] = json.loads(done.stdout)
    want, got = runs["duckdb"], runs["cluster"]
    for key in ("rows", "by_source", "null_rate", "received_date", "types_by_volume", "distinct_types", "time_flags", "intervals"):
        assert got[key] == want[key], key
    # the same instants; Spark prints them without the zone (docs/engines.md)
    for column, v in want["timestamps"].items():
        assert got["timestamps"][column]["filled"] == v["filled"]
        for end in ("min", "max"):
            assert (got["timestamps"][column][end] or "") + ("+00:00" if v[end] else "") == (v[end] or ""), (column, end)
