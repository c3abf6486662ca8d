"""The analysis on every engine (issue 14): DuckDB, Polars and Spark (``local[2]``) give the same numbers.

Data: the real Durham sample (4,033 calls) and, for the response intervals Durham's export lacks,
the session's seeded synthetic store (5,000 calls). DuckDB is the reference: its figures are
checked against pandas on the very parquet files here (``test_figures_match_pandas``), and every
other engine must then give DuckDB's numbers — counts exactly, medians and percentiles within
1e-9 (all three interpolate linearly: DuckDB ``quantile_cont``, Spark ``percentile``, Polars
``quantile(interpolation="linear")``; docs/engines.md).

A known gap is a strict xfail naming the exception the engine raises: when the engine learns the
operation the test passes unexpectedly, which fails the run, so the mark is taken off.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pandas as pd
import pytest
from ibis.common.exceptions import OperationNotDefinedError

from altresponse import analyze
from altresponse import store as store_mod
from altresponse.classify import classify_store
from altresponse.engine import ENGINES, connect, read_parquet
from altresponse.program import load_program
from altresponse.quality import quality
from _spark import conf_dir
from paths import REAL, REPO

PROGRAM = REPO / "programs" / "durham-heart.yaml"
DURHAM = ("durham/durham_dpd_cfs_2021_heart_beats_community_safety_types.csv", "durham/durham_police_beats_dissolved.geojson")

# check -> the store it runs on. Durham's export has no dispatch/on-scene/clear times, so the
# interval sections (medians, 90th percentiles) run on the synthetic store, which has them.
CHECKS = {
    "quality_durham": "durham", "quality_synth": "synth", "classify": "durham",
    "volume": "durham", "frequency": "durham", "location": "durham", "coverage": "durham",
    "risk": "synth", "response_time": "synth", "workload": "synth",
}
# (engine, check) -> the exception the engine raises today (ibis 12).
GAPS = {
    ("polars", "classify"): OperationNotDefinedError,  # ops.Translate (call-type normalising)
    ("polars", "frequency"): OperationNotDefinedError,  # window functions (repeat-call windows)
    ("polars", "location"): OperationNotDefinedError,  # window functions (rank of places)
    ("polars", "coverage"): OperationNotDefinedError,  # window functions
    ("polars", "response_time"): OperationNotDefinedError,  # ops.TimestampDelta
    ("polars", "workload"): OperationNotDefinedError,  # ops.TimestampDelta
}
ENGINE_PARAMS = [
    pytest.param(name, marks=pytest.mark.spark) if name == "pyspark" else name
    for name in ("duckdb", "polars", "pyspark")
]


@pytest.fixture(scope="session")
def engine_stores(tmp_path_factory, synthetic_store) -> dict:
    """Durham ingested and both stores classified (by DuckDB) once; the engines read these files."""
    from altresponse.ingest import ingest

    root = tmp_path_factory.mktemp("engine_stores")
    ingest(REAL / DURHAM[0], "durham", root / "durham", beats=REAL / DURHAM[1])
    shutil.copytree(synthetic_store, root / "synth")  # a copy: the shared store stays unclassified
    for name in ("durham", "synth"):
        classify_store(root / name, PROGRAM)
    return {"durham": root / "durham", "synth": root / "synth"}


@pytest.fixture(scope="session")
def connections(tmp_path_factory):
    """Each engine's connection, opened when first asked for and kept for the session (one Spark
    session in all: it takes seconds to a minute to start on a loaded machine). Spark starts with
    the tests' small-data settings in SPARK_CONF_DIR (tests/_spark.py says what and why)."""
    opened = {}

    def get(name: str):
        if name not in ENGINES:
            pytest.fail(f"engine {name} is not installed: pip install -e '.[test]' installs every engine")
        if name not in opened:
            with pytest.MonkeyPatch.context() as env:  # read once, by the launcher of the driver JVM
                if name == "pyspark":
                    env.setenv("SPARK_CONF_DIR", str(conf_dir(tmp_path_factory.mktemp("spark_conf"))))
                    env.delenv("PYSPARK_PYTHON", raising=False)  # the product's own choice is tested
                opened[name] = connect(name)
        return opened[name]

    yield get
    if "pyspark" in opened:
        opened["pyspark"]._session.stop()


@pytest.fixture(params=ENGINE_PARAMS)
def engine(request, connections):
    """(name, connection) of each engine: duckdb, polars, pyspark (``local[2]``, marked ``spark``)."""
    return request.param, connections(request.param)


def run_check(check: str, stores: dict, con, scratch: Path):
    """One analysis check on ``con``: a plain dict of what it found (``scratch``: a folder for what it writes)."""
    path = stores[CHECKS[check]]
    if check.startswith("quality"):
        return _instants(quality(path, con=con))
    if check == "classify":
        return _classify_copy(path, con, scratch)
    classified = read_parquet(path / "classified" / f"{load_program(PROGRAM).id}.parquet", con=con)
    return getattr(analyze, check)(classified)


def _classify_copy(store: Path, con, scratch: Path) -> dict:
    """``classify`` as the CLI runs it (``classify_store``) on a copy of ``store``, the labels written
    by the engine (a folder of parts on Spark) and counted from the file: the labels are computed
    once, not once per count (Spark recomputes a query it is not given as a file, and the summary
    takes three). The summary, time zones and type maps, not the copy's path."""
    copy = scratch / store.name
    shutil.copytree(store, copy, ignore=shutil.ignore_patterns("classified"))
    doc = classify_store(copy, PROGRAM, con=con)
    assert Path(doc.pop("output")) == copy / "classified" / "durham-heart.parquet"
    return doc


def _instants(doc: dict) -> dict:
    """quality's timestamp ranges as UTC instants: Spark prints the same instant without its zone
    (ibis reads Spark's TIMESTAMP as zone-less; docs/engines.md), so a naive text is read as UTC.
    A wrong instant still differs."""
    for column in doc["timestamps"].values():
        for end in ("min", "max"):
            if column[end] is not None:
                t = pd.Timestamp(column[end])
                column[end] = (t.tz_convert("UTC") if t.tzinfo else t.tz_localize("UTC")).isoformat()
    return doc


@pytest.fixture(scope="session")
def reference(results):
    """DuckDB's result of a check (``reference(check)``), on its own connection, computed when first asked for."""
    con = connect("duckdb")
    return lambda check: results("reference", con, check)


def _others():
    """(engine, check) for every engine but the reference, each known gap a strict xfail."""
    for p in ENGINE_PARAMS:
        name = p if isinstance(p, str) else p.values[0]
        if name == "duckdb":
            continue  # the reference: anchored to pandas in test_figures_match_pandas
        for check in CHECKS:
            marks = list(getattr(p, "marks", ()))
            gap = GAPS.get((name, check))
            if gap is not None:
                marks.append(pytest.mark.xfail(raises=gap, strict=True, reason=f"{name} cannot run {check} yet"))
            yield pytest.param(name, check, marks=marks, id=f"{name}-{check}")


@pytest.fixture(scope="session")
def results(engine_stores, tmp_path_factory):
    """An engine's result of a check (``results(name, con, check)``), computed once: the pandas
    anchor reads the quality report the comparison with DuckDB made (on Spark, seconds a run)."""
    done = {}

    def get(name: str, con, check: str):
        if (name, check) not in done:
            done[name, check] = run_check(check, engine_stores, con, tmp_path_factory.mktemp(f"{name}_{check}"))
        return done[name, check]

    return get


@pytest.mark.parametrize(("engine", "check"), list(_others()), indirect=["engine"])
def test_engine_gives_duckdbs_numbers(engine, check, reference, results):
    name, con = engine
    same(reference(check), results(name, con, check), check)


def test_figures_match_pandas(engine, engine_stores, results):
    """Each engine's headline figures against pandas on the same parquet files (the anchor that
    makes DuckDB a reference worth agreeing with): row counts, interval counts and medians."""
    name, con = engine
    synth = engine_stores["synth"]
    calls = pd.concat([pd.read_parquet(p) for p in store_mod.parts(synth, "calls")])
    doc = results(name, con, "quality_synth")  # quality(synth, con=con)
    assert doc["rows"] == len(calls)
    for interval, start, end in (("received_to_dispatched", "received_at", "dispatched_at"),
                                 ("onscene_to_cleared", "onscene_at", "cleared_at")):
        secs = (calls[end] - calls[start]).dt.total_seconds().dropna()
        assert doc["intervals"][interval]["computable"] == len(secs), (name, interval)
        assert math.isclose(doc["intervals"][interval]["median_seconds"], secs.median(), rel_tol=0, abs_tol=1e-9), (name, interval)
    classified = pd.read_parquet(synth / "classified" / "durham-heart.parquet")
    numbers = analyze.volume(read_parquet(synth / "classified" / "durham-heart.parquet", con=con))["numbers"]
    assert numbers["calls"] == len(classified)
    assert numbers["eligible_calls"] == int(classified["eligible"].fillna(False).sum())


def same(want, got, where: str) -> None:
    """``got`` equals ``want``: counts and text exactly, floats within 1e-9, tables row for row
    (rows sorted first: engines need not agree on the order of ties)."""
    if isinstance(want, dict):
        assert isinstance(got, dict) and sorted(want) == sorted(got), f"{where}: keys {sorted(want)} != {sorted(got)}"
        for key in want:
            same(want[key], got[key], f"{where}.{key}")
    elif isinstance(want, pd.DataFrame):
        assert list(want.columns) == list(got.columns), f"{where}: columns {list(want.columns)} != {list(got.columns)}"
        assert len(want) == len(got), f"{where}: {len(want)} rows != {len(got)}"
        a, b = _rows(want), _rows(got)
        for i, (ra, rb) in enumerate(zip(a, b)):
            same(ra, rb, f"{where}[{i}]")
    elif isinstance(want, (list, tuple)):
        assert len(want) == len(got), f"{where}: {len(want)} items != {len(got)}"
        for i, (x, y) in enumerate(zip(want, got)):
            same(x, y, f"{where}[{i}]")
    elif _missing(want) or _missing(got):
        assert _missing(want) and _missing(got), f"{where}: {want!r} != {got!r}"
    elif isinstance(want, float) or isinstance(got, float):
        assert math.isclose(float(want), float(got), rel_tol=1e-9, abs_tol=1e-9), f"{where}: {want!r} != {got!r}"
    else:
        assert _plain(want) == _plain(got), f"{where}: {want!r} != {got!r}"


def _rows(frame: pd.DataFrame) -> list[dict]:
    rows = [{k: _plain(v) for k, v in r.items()} for r in frame.to_dict("records")]
    return sorted(rows, key=lambda r: [str(v) for v in r.values()])


def _missing(value) -> bool:
    return value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def _plain(value):
    # numpy scalars to Python; timestamps to one UTC instant (Spark returns zone-less UTC values).
    if hasattr(value, "item") and not isinstance(value, pd.Timestamp):
        value = value.item()
    if isinstance(value, pd.Timestamp):
        value = value.tz_convert("UTC").tz_localize(None) if value.tzinfo else value
        return value.to_pydatetime()
    return value


@pytest.mark.spark
def test_local_spark_python_workers_run_this_interpreter(connections):
    # pyspark takes its workers' interpreter only from PYSPARK_PYTHON (else `python3` on PATH, here
    # another interpreter without this environment's packages); engine.spark_session sets it locally
    import sys

    session = connections("pyspark")._session
    ran = session.sparkContext.parallelize([0], 1).map(lambda _: __import__("sys").executable).collect()
    assert ran == [sys.executable]


def test_cli_engine_option_reaches_the_engine(engine_stores):
    """``quality --engine polars`` through the CLI: Polars' numbers, which equal DuckDB's."""
    import json

    from typer.testing import CliRunner

    from altresponse.cli import app

    docs = {}
    for name in ("duckdb", "polars"):
        result = CliRunner().invoke(app, ["quality", "--store", str(engine_stores["synth"]), "--engine", name, "--json"])
        assert result.exit_code == 0, result.output
        docs[name] = json.loads(result.stdout)
    same(docs["duckdb"], docs["polars"], "quality --engine polars")


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--engine", "oracle"], 2, "engine 'oracle' is not supported; choose one of duckdb, polars, pyspark"),
        (["--engine", "polars", "--spark-master", "spark://127.0.0.1:7077"], 2, "--spark-master needs --engine pyspark"),
        (["--engine", "pyspark"], 3, "engine 'pyspark' is not installed here: pip install 'altresponse[spark]'"),
    ],
)
def test_engine_choice_errors_are_one_line(args, code, message, tmp_path, monkeypatch):
    """A bad choice is a usage error (2); an engine that is not installed names its extra (3)."""
    from typer.testing import CliRunner

    import altresponse.engine as engine_mod
    from altresponse.cli import app

    monkeypatch.setattr(engine_mod, "_installed", lambda name: name != "pyspark")  # as if pyspark were missing
    result = CliRunner().invoke(app, ["quality", "--store", str(tmp_path), *args])
    assert result.exit_code == code, result.output
    assert message in " ".join(result.output.split()) and "Traceback" not in result.output
