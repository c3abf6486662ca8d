"""altresponse ingest → classify → report against pandas and bare DuckDB on the same CSV (issue 14).

Run (from the repository root, with the venv's python)::

    .venv/bin/python benchmarks/pipeline.py                          # 1M and 10M calls (minutes)
    .venv/bin/python benchmarks/pipeline.py --sizes 100000           # a quick check
    .venv/bin/python benchmarks/pipeline.py --sizes 20000 --check-only
    .venv/bin/python benchmarks/pipeline.py --sizes 1000000 --spark      # and Spark (local[2]), for the record

Data: ``altresponse synth --calls N --seed S --out FILE.csv`` (full timestamps; a CSV export, the
kind of file a city gives), written once to ``--cache`` (default ``benchmarks/.cache``,
git-ignored) and reused. Every contender runs in its own process; wall time, CPU time (user +
system, from ``wait4``) and peak memory (the process tree's RSS polled every 50 ms with psutil,
or the kernel's max RSS if higher) are recorded. The contenders alternate within a round.

Before any timing is printed, the yardstick numbers (``benchmarks/yardstick.py``) from
altresponse's report.json, from pandas and from DuckDB must agree; otherwise it prints every
difference and exits 1. ``--spark`` adds a contender, for the record: ``classify`` and ``report``
with ``--engine pyspark`` (``local[2]``) on a copy of the same store (ingest is DuckDB's on every
engine), its report.json checked the same way. The machine may be shared: compare the ratios measured side by side
in one run, not seconds across runs; the load average is printed with them.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import yardstick  # noqa: E402

ALTRESPONSE = ("ingest", "classify", "report")
SPARK = ("spark_classify", "spark_report")  # --spark: classify and report with --engine pyspark
BASELINES = {"pandas": HERE / "yardstick_pandas.py", "duckdb": HERE / "yardstick_duckdb.py"}


def measure(cmd: list[str], log: Path) -> dict:
    """Run ``cmd`` to completion; wall and CPU seconds, peak RSS (MB) of its process tree."""
    load = os.getloadavg()[0]
    t0 = time.perf_counter()
    with log.open("w") as fh:
        proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT)
    ps, peak, seen_cpu = psutil.Process(proc.pid), 0, {}
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        try:
            tree = [ps, *ps.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree))
            seen_cpu.update({p.pid: sum(p.cpu_times()[:2]) for p in tree})  # a JVM nobody waits for too
        except psutil.NoSuchProcess:
            pass
        time.sleep(0.05)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"FAILED (exit {proc.returncode}): {' '.join(map(str, cmd))}\n--- {log} (tail) ---\n" + log.read_text()[-3000:])
    peak = max(peak, usage.ru_maxrss * 1024)
    # wait4 counts the descendants that were waited for; Spark's JVM is not, so take the larger
    cpu = max(usage.ru_utime + usage.ru_stime, sum(seen_cpu.values()))
    return {"wall": wall, "cpu": cpu, "peak_mb": peak / 2**20, "load": load}


def dataset(cache: Path, n: int, seed: int, start: str) -> tuple[Path, Path]:
    """The synth CSV and its lookup tables, generated once and reused."""
    cache.mkdir(parents=True, exist_ok=True)
    csv = cache / f"synth_{n}_seed{seed}_{start}.csv"
    if not csv.exists():
        cli = Path(sys.executable).with_name("altresponse")
        print(f"generating {csv} (once) ...", file=sys.stderr, flush=True)
        subprocess.run([str(cli), "synth", "--calls", str(n), "--seed", str(seed), "--start", start, "--out", str(csv)], check=True, stdout=subprocess.DEVNULL)
    lookups = csv.with_suffix(".lookups.json")
    if not lookups.exists():
        yardstick.build_lookups(csv, lookups)
    return csv, lookups


def one_round(csv: Path, lookups: Path, work: Path, program: Path, *, spark: bool = False) -> dict:
    """Each contender once, in order: the three altresponse verbs, then pandas, then DuckDB (then Spark)."""
    cli = str(Path(sys.executable).with_name("altresponse"))
    store, out = work / "store", work / "report"
    shutil.rmtree(store, ignore_errors=True)  # a fresh store, or ingest would skip the file as already ingested
    shutil.rmtree(out, ignore_errors=True)
    cmds = {
        "ingest": [cli, "ingest", str(csv), "--adapter", "synth", "--store", str(store), "--json"],
        "classify": [cli, "classify", "--store", str(store), "--program", str(program)],
        "report": [cli, "report", "--store", str(store), "--program", str(program), "--out", str(out)],
    }
    res = {name: measure(cmd, work / f"{name}.log") for name, cmd in cmds.items()}
    _check_ingest(work / "ingest.log", csv)
    for name, script in BASELINES.items():
        res[name] = measure([sys.executable, str(script), str(csv), str(lookups), str(work / f"{name}.json")], work / f"{name}.log")
    if spark:
        res.update(spark_round(cli, store, work, program))
    return res


def spark_round(cli: str, store: Path, work: Path, program: Path) -> dict:
    """classify and report on Spark (local[2]) over a copy of the ingested store (its labels are Spark's own)."""
    own, out = work / "store_spark", work / "report_spark"
    shutil.rmtree(own, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(store, own, ignore=shutil.ignore_patterns("classified"))
    engine = ["--engine", "pyspark"]
    return {
        "spark_classify": measure([cli, "classify", "--store", str(own), "--program", str(program), *engine], work / "spark_classify.log"),
        "spark_report": measure([cli, "report", "--store", str(own), "--program", str(program), "--out", str(out), *engine],
                                work / "spark_report.log"),
    }


def _check_ingest(log: Path, csv: Path) -> None:
    text = log.read_text()
    report = json.loads(text[text.index("{"):])
    if report["rows_quarantined"] or report["rows_loaded"] != report["rows_read"]:
        sys.exit(f"ingest quarantined rows of {csv} ({report['quarantine_reasons']}): the baselines do not model quarantine")


def agreement(work: Path, *, spark: bool = False) -> list[str]:
    """Differences between report.json's yardstick numbers and each baseline's (empty = agree)."""
    ref = yardstick.normalise(yardstick.from_report(work / "report" / "report.json"))
    problems = []
    for name in BASELINES:
        other = yardstick.normalise(json.loads((work / f"{name}.json").read_text()))
        problems += [f"altresponse vs {name}: {p}" for p in yardstick.compare(ref, other)]
    if spark:
        other = yardstick.normalise(yardstick.from_report(work / "report_spark" / "report.json"))
        problems += [f"altresponse vs altresponse on Spark: {p}" for p in yardstick.compare(ref, other)]
    return problems


def summarise(rounds: list[dict]) -> dict:
    """Median over rounds of each contender's wall, CPU and peak; 'altresponse' = the three verbs in sequence."""
    import statistics

    out = {}
    for name in (*ALTRESPONSE, *BASELINES, *SPARK):
        if name in rounds[0]:
            out[name] = {k: statistics.median(r[name][k] for r in rounds) for k in ("wall", "cpu", "peak_mb", "load")}
    out["altresponse"] = {
        "wall": statistics.median(sum(r[v]["wall"] for v in ALTRESPONSE) for r in rounds),
        "cpu": statistics.median(sum(r[v]["cpu"] for v in ALTRESPONSE) for r in rounds),
        "peak_mb": statistics.median(max(r[v]["peak_mb"] for v in ALTRESPONSE) for r in rounds),
        "load": statistics.median(r["ingest"]["load"] for r in rounds),
    }
    if "spark_classify" in rounds[0]:
        out["spark"] = {
            "wall": statistics.median(sum(r[v]["wall"] for v in SPARK) for r in rounds),
            "cpu": statistics.median(sum(r[v]["cpu"] for v in SPARK) for r in rounds),
            "peak_mb": statistics.median(max(r[v]["peak_mb"] for v in SPARK) for r in rounds),
            "load": statistics.median(r["spark_classify"]["load"] for r in rounds),
        }
    return out


def print_size(n: int, s: dict, rounds: list[dict]) -> None:
    print(f"\n{n:,} calls ({len(rounds)} round{'s' if len(rounds) > 1 else ''}; median shown)")
    print(f"  {'contender':<34} {'wall s':>9} {'CPU s':>9} {'peak MB':>9} {'load':>6}")
    labels = {"ingest": "altresponse ingest", "classify": "altresponse classify", "report": "altresponse report",
              "altresponse": "altresponse, all three", "pandas": "pandas (yardstick from CSV)", "duckdb": "bare DuckDB SQL (same)"}
    for key in (*ALTRESPONSE, "altresponse", *BASELINES):
        r = s[key]
        print(f"  {labels[key]:<34} {r['wall']:>9.1f} {r['cpu']:>9.1f} {r['peak_mb']:>9.0f} {r['load']:>6.1f}")
    a, p, d = s["altresponse"], s["pandas"], s["duckdb"]
    print(f"  ratios, wall: altresponse ÷ DuckDB = {a['wall'] / d['wall']:.1f}×   pandas ÷ altresponse = {p['wall'] / a['wall']:.2f}×"
          f"   (CPU: {a['cpu'] / d['cpu']:.1f}× and {p['cpu'] / a['cpu']:.2f}×)")
    if len(rounds) > 1:  # paired within a round, so a busy spell slows both sides of a ratio
        own = [sum(r[v]["wall"] for v in ALTRESPONSE) for r in rounds]
        print("  per round, wall: altresponse ÷ DuckDB " + ", ".join(f"{o / r['duckdb']['wall']:.1f}×" for o, r in zip(own, rounds))
              + "; pandas ÷ altresponse " + ", ".join(f"{r['pandas']['wall'] / o:.2f}×" for o, r in zip(own, rounds)))
    print(f"  targets: pandas ÷ altresponse ≥ 10×, altresponse ÷ DuckDB ≤ 3×, peak < 4096 MB at 10M")
    if "spark" in s:  # for the record: the same classify + report on Spark local[2]
        print("  for the record, Spark (local[2], JVM start included; CPU and peak include the JVM):")
        for key, label in (("spark_classify", "classify --engine pyspark"), ("spark_report", "report --engine pyspark"), ("spark", "Spark, classify + report")):
            r = s[key]
            print(f"    {label:<32} {r['wall']:>9.1f} {r['cpu']:>9.1f} {r['peak_mb']:>9.0f} {r['load']:>6.1f}")
        wall, cpu = (s["classify"][k] + s["report"][k] for k in ("wall", "cpu"))
        print(f"    Spark ÷ DuckDB engine (classify + report) = {s['spark']['wall'] / wall:.1f}× wall, {s['spark']['cpu'] / cpu:.1f}× CPU")


def print_growth(results: dict[int, dict]) -> None:
    sizes = sorted(results)
    for lo, hi in zip(sizes, sizes[1:]):
        print(f"\ngrowth {lo:,} → {hi:,} calls ({hi / lo:.0f}× the rows), wall / CPU / peak ratios:")
        for key in (*ALTRESPONSE, "altresponse", *BASELINES):
            a, b = results[lo][key], results[hi][key]
            print(f"  {key:<12} {b['wall'] / a['wall']:6.1f}× {b['cpu'] / a['cpu']:6.1f}× {b['peak_mb'] / a['peak_mb']:6.1f}×")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000000,10000000", help="comma-separated call counts")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--start", default="2021-01-01", help="first day of the synthetic calls")
    parser.add_argument("--rounds", type=int, default=1, help="rounds of all contenders per size (median reported)")
    parser.add_argument("--cache", type=Path, default=HERE / ".cache")
    parser.add_argument("--program", type=Path, default=yardstick.PROGRAM)
    parser.add_argument("--check-only", action="store_true", help="check the three agree; print no timing")
    parser.add_argument("--spark", action="store_true", help="add classify + report on Spark local[2] (needs altresponse[spark] and Java)")
    args = parser.parse_args(argv)
    results, all_rounds = {}, {}
    for n in (int(x) for x in args.sizes.split(",")):
        csv, lookups = dataset(args.cache, n, args.seed, args.start)
        work = args.cache / f"run_{n}"
        work.mkdir(parents=True, exist_ok=True)
        rounds = []
        for _ in range(args.rounds):  # every round's outputs are checked, and the first disagreement stops the run
            rounds.append(one_round(csv, lookups, work, args.program, spark=args.spark))
            problems = agreement(work, spark=args.spark)
            if problems:
                print(f"DISAGREE at {n:,} calls: {len(problems)} difference(s); no timing printed", file=sys.stderr)
                print("\n".join(problems[:50]), file=sys.stderr)
                return 1
        print(f"{n:,} calls: altresponse report.json, pandas and DuckDB agree on {', '.join(yardstick.NAMES)} "
              f"(counts exact; medians/p90 within {yardstick.SECONDS_TOL:g} s; unit-hours within relative {yardstick.REL_TOL:g})", flush=True)
        results[n] = summarise(rounds)
        all_rounds[n] = rounds
        (work / "timings.json").write_text(json.dumps({"rounds": rounds, "median": results[n]}, indent=1))
    if args.check_only:
        return 0
    print(f"\nmachine: {os.cpu_count()} CPUs, {psutil.virtual_memory().total / 2**30:.1f} GB RAM, shared: "
          "absolute seconds are noisy; the ratios were measured side by side in one run")
    for n, s in results.items():
        print_size(n, s, all_rounds[n])
    print_growth(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
