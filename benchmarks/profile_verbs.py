"""Where each verb's time goes: cProfile per verb, import cost, and DuckDB EXPLAIN ANALYZE of classify.

Run after ``benchmarks/pipeline.py`` has made the data (from the repository root)::

    .venv/bin/python benchmarks/profile_verbs.py --csv benchmarks/.cache/synth_1000000_seed14_2021-01-01.csv

Every verb runs in its own process under ``python -m cProfile`` (profiles kept in ``--out``;
open one with ``python -m pstats FILE`` or snakeviz). Printed per verb: wall time, the cumulative
time of the functions the issue's first profile names (ingest: ``pandas.to_datetime``; report:
each analysis section, Ibis ``compile`` and the number of queries sent to DuckDB), and for
classify the DuckDB profile of its one big query (operator timings, peak buffer memory) plus the
process's peak RSS. cProfile adds overhead to Python-heavy code, not to time spent inside DuckDB,
so Python shares read high; the wall times under cProfile are not benchmark figures.
"""

from __future__ import annotations

import argparse
import json
import pstats
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import pipeline  # noqa: E402
import yardstick  # noqa: E402

SECTIONS = ("volume", "frequency", "location", "risk", "response_time", "workload", "use_of_force", "coverage", "planning")


def cumulative(stats: pstats.Stats, match) -> tuple[int, float]:
    """(calls, cumulative seconds) summed over functions for which ``match(file, line, name)`` is true.

    Summing cumulative times double-counts recursion; ``match`` should name non-recursive entry points."""
    calls, secs = 0, 0.0
    for (file, line, name), (cc, nc, tt, ct, callers) in stats.stats.items():
        if match(file, line, name):
            calls, secs = calls + nc, secs + ct
    return calls, secs


def total(stats: pstats.Stats) -> float:
    return max(ct for (_, _, _), (_, _, _, ct, _) in stats.stats.items())


def profile(verb: str, args: list[str], out: Path) -> pstats.Stats:
    cli = str(Path(sys.executable).with_name("altresponse"))
    prof = out / f"{verb}.prof"
    r = pipeline.measure([sys.executable, "-m", "cProfile", "-o", str(prof), cli, verb, *args], out / f"{verb}.profile.log")
    print(f"\n## {verb} under cProfile: wall {r['wall']:.1f} s, CPU {r['cpu']:.1f} s, peak {r['peak_mb']:.0f} MB (load {r['load']:.1f})")
    return pstats.Stats(str(prof))


def report_ingest(st: pstats.Stats) -> None:
    tot = total(st)
    n, t = cumulative(st, lambda f, _l, name: name == "to_datetime" and f.endswith("pandas/core/tools/datetimes.py"))
    print(f"pandas.to_datetime: {n} calls, {t:.1f} s cumulative = {t / tot:.0%} of {tot:.1f} s")
    for label, mod in (("ingest/read.py", "altresponse/ingest/read.py"), ("ingest/mapping.py", "altresponse/ingest/mapping.py"),
                       ("ingest/ids.py", "altresponse/ingest/ids.py"), ("ingest/tables.py", "altresponse/ingest/tables.py")):
        tt = sum(v[2] for (f, _, _), v in st.stats.items() if f.endswith(mod))
        print(f"own time in {label}: {tt:.1f} s")
    _top(st, 12)


def report_report(st: pstats.Stats) -> None:
    tot = total(st)
    for s in SECTIONS:
        n, t = cumulative(st, lambda f, _l, name, s=s: name == s and f.endswith(f"altresponse/analyze/{s}.py"))
        print(f"section {s:<14} {t:7.1f} s  ({n} call)")
    for label, mod, fn in (("html", "altresponse/report/html.py", None), ("charts", "altresponse/report/charts.py", None), ("maps", "altresponse/report/_maps.py", None)):
        tt = sum(v[2] for (f, _, _), v in st.stats.items() if f.endswith(mod))
        print(f"own time in report/{label}: {tt:.1f} s")
    _queries(st, tot)
    for fn in ("repeat_calls", "interval_table", "classify"):
        n, t = cumulative(st, lambda f, _l, name, fn=fn: name == fn and "altresponse" in f)
        print(f"{fn}() built {n} times ({t:.2f} s to build the expressions)")
    _top(st, 15)


def _queries(st: pstats.Stats, tot: float) -> None:
    nq, tq = cumulative(st, lambda f, _l, name: name == "_to_duckdb_relation")
    nc, tc = cumulative(st, lambda f, _l, name: name == "compile" and f.endswith("ibis/backends/sql/__init__.py"))
    nr, tr = cumulative(st, lambda f, _l, name: name == "raw_sql" and "backends/duckdb" in f)
    ne, te = cumulative(st, lambda f, _l, name: name in ("submit", "bind") and f.endswith("duckdb/_seam.py"))
    print(f"queries: {nq} through _to_duckdb_relation (+{nr} raw_sql); Ibis compile {nc} calls, {tc:.1f} s "
          f"({(tc / nc if nc else 0) * 1000:.0f} ms each, {tc / tot:.0%} of {tot:.1f} s); in DuckDB (_seam.submit/bind) {te:.1f} s ({ne} calls)")
    ni, ti = cumulative(st, lambda f, _l, name: name == "<module>" and f.endswith("ibis/__init__.py"))
    print(f"import ibis (first import, under cProfile): {ti:.1f} s")


def _top(st: pstats.Stats, n: int) -> None:
    rows = sorted(st.stats.items(), key=lambda kv: kv[1][2], reverse=True)[:n]
    print("top own time:")
    for (f, line, name), (cc, nc, tt, ct, _) in rows:
        print(f"  {tt:7.1f} s own {ct:7.1f} s cum {nc:>9} calls  {Path(f).name}:{line}({name})")


def import_cost(out: Path) -> None:
    cli = str(Path(sys.executable).with_name("altresponse"))
    print("\n## import cost (one process each)")
    for label, cmd in (("python -c pass", [sys.executable, "-c", "pass"]),
                       ("python -c 'import ibis'", [sys.executable, "-c", "import ibis"]),
                       ("python -c 'import ibis, duckdb; ibis.duckdb.connect()'", [sys.executable, "-c", "import ibis, duckdb; ibis.duckdb.connect()"]),
                       ("altresponse version", [cli, "version"])):
        r = pipeline.measure(cmd, out / "import.log")
        print(f"{label:<55} wall {r['wall']:5.2f} s  CPU {r['cpu']:5.2f} s  peak {r['peak_mb']:4.0f} MB")


def explain_classify(store: Path, program: Path, out: Path) -> None:
    """The classify query's DuckDB profile (run in this process: ``--explain-classify``)."""
    import ibis
    import psutil

    from altresponse import store as store_mod
    from altresponse.classify import classify, read_force
    from altresponse.engine import default_connection
    from altresponse.program import load_program

    con = default_connection()
    expr = classify(store_mod.calls(store, con=con), load_program(program), force=read_force(store, con=con))
    t0 = time.perf_counter()
    sql = ibis.to_sql(expr, dialect="duckdb")
    compile_s = time.perf_counter() - t0
    con._run_pre_execute_hooks(expr)  # registers the type-map memtables the SQL names (what execute() does first)
    (out / "classify.sql").write_text(str(sql))
    raw = con.con
    raw.execute("set enable_profiling = 'json'")
    raw.execute(f"set profiling_output = '{out / 'classify_profile.json'}'")
    raw.execute("set profiling_coverage = 'ALL'")  # COPY is not a SELECT
    raw.execute("set tracked_metrics = ['*']")
    proc, peak, done = psutil.Process(), [0], threading.Event()

    def poll():
        while not done.is_set():
            peak[0] = max(peak[0], proc.memory_info().rss)
            time.sleep(0.05)

    threading.Thread(target=poll, daemon=True).start()
    base = proc.memory_info().rss
    t0 = time.perf_counter()
    raw.execute(f"copy ({sql}) to '{out / 'classified.parquet'}' (format parquet)")
    wall = time.perf_counter() - t0
    done.set()
    raw.execute("set enable_profiling = 'no_output'")
    prof = json.loads((out / "classify_profile.json").read_text())
    ops = []

    def walk(node, depth=0):
        ops.append((node.get("timing", 0.0), depth, node.get("name", "?").strip(), node.get("intermediate_rows", 0), node.get("extra_info", {})))
        for child in node.get("children", []):
            walk(child, depth + 1)

    for node in prof.get("operator", []):  # DuckDB 2.0's JSON profile layout
        walk(node)
    system, query = prof.get("system", {}), prof.get("query", {})
    print(f"\n## classify: one query, {len(str(sql)):,} characters of SQL (Ibis compile {compile_s:.2f} s); "
          f"COPY to parquet {wall:.1f} s; process RSS {base / 2**20:.0f} MB before, peak {peak[0] / 2**20:.0f} MB; "
          f"DuckDB peak_buffer_memory {system.get('peak_buffer_memory', 0) / 2**20:.0f} MB, "
          f"spilled {system.get('total_bytes_spilled', 0) / 2**20:.0f} MB; query CPU {query.get('cpu_time', 0):.1f} s")
    print("slowest operators (operator seconds summed over threads, rows out, plan depth):")
    for timing, depth, name, card, extra in sorted(ops, key=lambda o: o[0], reverse=True)[:12]:
        detail = {k: v for k, v in extra.items() if k in ("Join Type", "Conditions", "Function", "Aggregates", "Groups")}
        print(f"  {timing:7.2f} s  {card:>11,}  depth {depth:>2}  {name}  {json.dumps(detail)[:150]}")


SPY_MARKS = {
    "import (any module import)": "_find_and_load (",
    "Ibis compile (expression -> SQL)": "compile (ibis/backends/sql/__init__.py",
    "DuckDB runs a statement (_seam.submit)": "submit (duckdb/_seam.py",
    "DuckDB binds a statement (_seam.bind)": "bind (duckdb/_seam.py",
    "DuckDB via Ibis raw_sql (e.g. COPY ... TO parquet)": "raw_sql (ibis/backends/duckdb/__init__.py",
    "ingest: CSV batches (pyarrow reader, read.py)": "_csv_batches (altresponse/ingest/read.py",
    "ingest: mapping a batch (mapping.py map)": "map (altresponse/ingest/mapping.py",
    "ingest:   timestamps (_timestamps)": "_timestamps (altresponse/ingest/mapping.py",
    "ingest:     pandas.to_datetime": "to_datetime (pandas/core/tools/datetimes.py",
    "ingest:   local -> UTC (_localise)": "_localise (altresponse/ingest/mapping.py",
    "ingest:   row hash (_row_hash)": "_row_hash (altresponse/ingest/mapping.py",
    "ingest:   coordinates (_coordinates)": "_coordinates (altresponse/ingest/mapping.py",
    "ingest: duplicate-id index (ids.py)": "altresponse/ingest/ids.py",
    "ingest: parquet write (pyarrow write_table)": "write_table (pyarrow/parquet/core.py",
    **{f"section {s}": f"{s} (altresponse/analyze/{s}.py" for s in SECTIONS},
    "section planning (plan.report_section)": "report_section (altresponse/plan.py",
    "report/html.py": "altresponse/report/html.py",
    "report/charts.py": "altresponse/report/charts.py",
    "report/_maps.py": "altresponse/report/_maps.py",
    "Ibis create_table (a .cache() materialised)": "create_table (ibis/backends/duckdb/__init__.py",
}


def spy(verb: str, args: list[str], out: Path) -> None:
    """Sample one verb with py-spy (20/s, --idle so time waiting on DuckDB counts) and print its shares."""
    cli = str(Path(sys.executable).with_name("altresponse"))
    raw = out / f"{verb}.pyspy.txt"
    spy_bin = Path(sys.executable).with_name("py-spy")
    r = pipeline.measure([str(spy_bin), "record", "--idle", "--threads", "--format", "raw", "-r", "20", "-o", str(raw), "--", cli, verb, *args], out / f"{verb}.pyspy.log")
    print(f"\n## {verb} under py-spy: wall {r['wall']:.1f} s")
    spy_shares(raw)


def spy_shares(raw: Path) -> None:
    """Wall-clock shares of the main thread in a py-spy raw file: samples whose stack contains each mark."""
    stacks: dict[str, dict[str, int]] = {}
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        tid = stack.split(";", 1)[0]
        stacks.setdefault(tid, {})
        stacks[tid][stack] = stacks[tid].get(stack, 0) + int(count)
    main = max(stacks.values(), key=lambda st: sum(n for k, n in st.items() if "(altresponse:" in k))
    total = sum(main.values())
    print(f"{raw.name}: main thread, {total} samples at 20/s; share of samples whose stack contains:")
    for label, mark in SPY_MARKS.items():
        n = sum(c for k, c in main.items() if mark in k)
        if n:
            print(f"  {n / total:6.1%}  {n / 20:6.1f} s  {label}")
    leaves: dict[str, int] = {}
    for k, c in main.items():  # the innermost Python frame (native code below it is not sampled)
        leaf = k.rsplit(";", 1)[-1]
        leaves[leaf] = leaves.get(leaf, 0) + c
    print("  innermost frames with the most samples:")
    for leaf, c in sorted(leaves.items(), key=lambda kv: -kv[1])[:10]:
        print(f"    {c / total:6.1%}  {leaf[:110]}")
    compile_mark, engine_marks = SPY_MARKS["Ibis compile (expression -> SQL)"], ("(duckdb/_seam.py", "raw_sql (ibis/backends/duckdb", "create_table (ibis/backends/duckdb")
    for label, mark in SPY_MARKS.items():
        sec = {k: c for k, c in main.items() if mark in k}
        if label.startswith("section") and sum(sec.values()):
            n = sum(sec.values())
            comp = sum(c for k, c in sec.items() if compile_mark in k)
            eng = sum(c for k, c in sec.items() if any(m in k for m in engine_marks) and compile_mark not in k)
            print(f"  {label:<40} {n / 20:6.1f} s: Ibis compile {comp / n:4.0%}, DuckDB {eng / n:4.0%}, other Python {1 - (comp + eng) / n:4.0%}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, required=True, help="the synth CSV (from benchmarks/pipeline.py's cache)")
    parser.add_argument("--program", type=Path, default=yardstick.PROGRAM)
    parser.add_argument("--out", type=Path, default=HERE / ".cache" / "profile")
    parser.add_argument("--verbs", default="imports,ingest,classify,explain,report,queries")
    parser.add_argument("--py-spy", action="store_true", help="also sample each verb with py-spy (wall-clock shares, low overhead)")
    parser.add_argument("--spy-file", type=Path, help="only print the shares of an existing py-spy raw file")
    parser.add_argument("--explain-classify", type=Path, help=argparse.SUPPRESS)  # internal: run in a child process
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    if args.spy_file:
        spy_shares(args.spy_file)
        return 0
    if args.explain_classify:
        explain_classify(args.explain_classify, args.program, args.out)
        return 0
    store, verbs = args.out / "store", args.verbs.split(",")
    prog = str(args.program)
    if "imports" in verbs:
        import_cost(args.out)
    if "ingest" in verbs:
        shutil.rmtree(store, ignore_errors=True)
        report_ingest(profile("ingest", [str(args.csv), "--adapter", "synth", "--store", str(store)], args.out))
        if args.py_spy:
            shutil.rmtree(store, ignore_errors=True)
            spy("ingest", [str(args.csv), "--adapter", "synth", "--store", str(store)], args.out)
    if "classify" in verbs:
        _top(profile("classify", ["--store", str(store), "--program", prog], args.out), 10)
        if args.py_spy:
            spy("classify", ["--store", str(store), "--program", prog], args.out)
    if "explain" in verbs:
        subprocess.run([sys.executable, __file__, "--csv", str(args.csv), "--out", str(args.out), "--program", prog, "--explain-classify", str(store)], check=True)
    if "report" in verbs:
        shutil.rmtree(args.out / "report", ignore_errors=True)
        report_report(profile("report", ["--store", str(store), "--program", prog, "--out", str(args.out / "report")], args.out))
        if args.py_spy:
            shutil.rmtree(args.out / "report", ignore_errors=True)
            spy("report", ["--store", str(store), "--program", prog, "--out", str(args.out / "report")], args.out)
    if "queries" in verbs:  # every query of the report, per section, timed without a profiler's overhead
        shutil.rmtree(args.out / "report", ignore_errors=True)
        subprocess.run([sys.executable, str(HERE / "report_queries.py"), "--store", str(store), "--program", prog, "--out", str(args.out / "report")],
                       check=True, stderr=subprocess.DEVNULL)
    return 0


if __name__ == "__main__":
    sys.exit(main())
