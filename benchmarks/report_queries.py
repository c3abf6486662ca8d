"""Every query `altresponse report` sends to DuckDB: per section, how many, Ibis compile and run time.

Run (from the repository root, a store that `altresponse classify` has labelled)::

    .venv/bin/python benchmarks/report_queries.py --store S --program programs/durham-heart.yaml --out DIR

The report runs in this process through the CLI entry point, with the DuckDB backend's terminal
methods (``execute``, ``to_pyarrow``, ``to_parquet``, ``create_table``, ``raw_sql``) and
``compile`` wrapped to time each call. Each query is attributed to the analysis section (or report
module) on the call stack. Instrumentation only: a benchmark may wrap a library's methods; the
package never does. Prints one line per section and the import cost of this process.
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from collections import defaultdict
from pathlib import Path

T0 = time.perf_counter()
import ibis  # noqa: E402
from ibis.backends.duckdb import Backend  # noqa: E402
from ibis.backends.sql import SQLBackend  # noqa: E402

IMPORT_IBIS = time.perf_counter() - T0
TERMINALS = ("execute", "to_pyarrow", "to_pyarrow_batches", "to_parquet", "create_table", "raw_sql")
stats: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
each: list[tuple[str, str, float, float]] = []  # --each: (where, caller line, wall s, CPU s) per query
_depth = [0]


def _where() -> str:
    for frame in reversed(traceback.extract_stack()):
        f = frame.filename.replace("\\", "/")
        if "/altresponse/analyze/" in f and not f.endswith("_common.py"):
            return "section " + Path(f).stem
        if "/altresponse/plan/" in f or "/altresponse/simulate/" in f or f.endswith("/altresponse/report/planning.py"):
            return "section planning"
        if "/altresponse/report/" in f or "/altresponse/cli/" in f:
            return Path(f).parent.name + "/" + Path(f).stem
    return "other"


def _wrap(cls, name: str, kind: str):
    original = getattr(cls, name)

    def wrapper(self, *args, **kwargs):
        outer = _depth[0] == 0  # execute() compiles inside: count the query once, at the outside
        _depth[0] += 1
        t, c = time.perf_counter(), time.process_time()
        result = None
        try:
            result = original(self, *args, **kwargs)
            return result
        finally:
            _depth[0] -= 1
            dt, s = time.perf_counter() - t, stats[_where()]
            if kind == "compile":
                s["compile_s"] += dt
                s["compiles"] += 1
                s["windowed"] += " OVER (" in str(result)  # the SQL runs a window function
            if outer and kind == "query":
                each.append((_where(), _caller(), dt, time.process_time() - c))
            if outer:
                s["wall_s"] += dt
                s["queries"] += kind == "query"

    setattr(cls, name, wrapper)


def _caller() -> str:
    """The innermost altresponse frame that sent the query (file:line function)."""
    for frame in reversed(traceback.extract_stack()):
        f = frame.filename.replace("\\", "/")
        if "/altresponse/" in f:
            return f"{f.split('/altresponse/')[-1]}:{frame.lineno} {frame.name}"
    return "?"


def _wrap_section(module, name: str, label: str) -> None:
    """Time a whole section function (its queries and the Python around them)."""
    original = getattr(module, name)

    def wrapper(*args, **kwargs):
        t, c = time.perf_counter(), time.process_time()
        try:
            return original(*args, **kwargs)
        finally:
            stats["section " + label]["section_s"] += time.perf_counter() - t
            stats["section " + label]["cpu_s"] += time.process_time() - c  # this process's threads (DuckDB's included)

    setattr(module, name, wrapper)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", required=True)
    parser.add_argument("--program", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--each", action="store_true", help="also print every query: section, caller, wall and CPU seconds")
    args = parser.parse_args()
    for name in TERMINALS:
        _wrap(Backend, name, "query")
    _wrap(SQLBackend, "compile", "compile")
    import altresponse.analyze as analyze
    import altresponse.report.planning as report_planning
    from altresponse.cli import main as cli_main

    for name in analyze.SECTIONS:
        _wrap_section(analyze, name, name)
    _wrap_section(report_planning, "planning", "planning")  # the report's planning section (plan + simulate)

    t, c = time.perf_counter(), time.process_time()
    sys.argv = ["altresponse", "report", "--store", args.store, "--program", args.program, "--out", args.out]
    try:
        cli_main()
    except SystemExit as exc:
        if exc.code:
            raise
    wall, cpu = time.perf_counter() - t, time.process_time() - c
    print(f"\nreport in-process: {wall:.1f} s after imports, {cpu:.1f} s CPU (import ibis took {IMPORT_IBIS:.2f} s in this process)")
    print(f"  {'where':<28} {'section s':>9} {'cpu s':>6} {'queries':>7} {'engine s':>8} {'compiles':>8} {'compile s':>9} {'ms/compile':>10} {'windowed':>8}")
    tot = defaultdict(float)
    for where, s in sorted(stats.items(), key=lambda kv: -kv[1]["wall_s"]):
        per = 1000 * s["compile_s"] / s["compiles"] if s["compiles"] else 0.0
        print(f"  {where:<28} {s['section_s']:>9.1f} {s['cpu_s']:>6.1f} {int(s['queries']):>7} {s['wall_s']:>8.1f} {int(s['compiles']):>8} {s['compile_s']:>9.2f} {per:>10.0f} {int(s['windowed']):>8}")
        for k, v in s.items():
            tot[k] += v
    print(f"  {'total':<28} {tot['section_s']:>9.1f} {tot['cpu_s']:>6.1f} {int(tot['queries']):>7} {tot['wall_s']:>8.1f} {int(tot['compiles']):>8} {tot['compile_s']:>9.2f}"
          f" {1000 * tot['compile_s'] / max(tot['compiles'], 1):>10.0f} {int(tot['windowed']):>8}")
    print("  (section s = the whole section function, wall; cpu s = its CPU seconds, all threads; engine s = inside the backend's calls, Ibis compile included;")
    print("   windowed = compiled queries whose SQL has a window function, OVER (...))")
    if args.each:
        print("\n  every query (wall s, CPU s of the process, section, the altresponse line that sent it):")
        for where, caller, wall_s, cpu_s in each:
            print(f"  {wall_s:6.2f} {cpu_s:6.2f}  {where:<24} {caller}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
