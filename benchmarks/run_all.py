"""Run every benchmark, one after another, and print what each measured.

Run: .venv/bin/python benchmarks/run_all.py [--pipeline SIZES]
Each benchmark measures its baseline side by side in the same run (SimPy for the simulator; the
issue's 100,000 calls/s target for the single-call rules). Speed is measured here, never in tests.
Run it on a quiet machine: a second busy core halves the figures.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = [
    ("simulator vs SimPy (issue 5)", ["simulate_vs_simpy.py"]),
    ("single-call classification (issue 3)", ["classify_single.py"]),
    ("triage service over loopback (issue 9)", ["serve_load.py"]),
]


def main() -> int:
    benchmarks = list(BENCHMARKS)
    if "--pipeline" in sys.argv:  # minutes: the whole pipeline against pandas and DuckDB (issue 14)
        i = sys.argv.index("--pipeline")
        sizes = sys.argv[i + 1] if len(sys.argv) > i + 1 else "1000000"
        benchmarks.append(("ingest → classify → report vs pandas and DuckDB (issue 14)", ["pipeline.py", "--sizes", sizes]))
    failed = 0
    for title, args in benchmarks:
        print(f"\n== {title}", flush=True)
        failed += subprocess.call([sys.executable, str(HERE / args[0]), *args[1:]]) != 0
    print("\n(synthetic 10M-row generation: benchmarks/synth_10m.py, minutes; not run here)")
    if "--pipeline" not in sys.argv:
        print("(the pipeline vs pandas and DuckDB: --pipeline [SIZES], or benchmarks/pipeline.py; minutes; not run here)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
