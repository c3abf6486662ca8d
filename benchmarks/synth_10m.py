"""Measure `altresponse synth` on 10 million rows: wall time and peak memory (RSS).

Usage (from the repo root)::

    .venv/bin/python benchmarks/synth_10m.py --out /tmp/synth_10m.parquet
    .venv/bin/python benchmarks/synth_10m.py --out /tmp/synth_10m.csv.gz --calls 10000000

It runs the CLI in a child process and polls its RSS with psutil every 50 ms, so the
figure includes the interpreter and every import. The same run can be checked with
``/usr/bin/time -v .venv/bin/altresponse synth --calls 10000000 --seed 1 --out FILE``
("Maximum resident set size"). Results are printed as JSON; docs/synth.md records them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--calls", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    exe = REPO / ".venv" / "bin" / "altresponse"
    cmd = [str(exe), "synth", "--calls", str(args.calls), "--seed", str(args.seed), "--out", args.out, "--json"]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE)
    ps = psutil.Process(proc.pid)
    peak = 0
    while proc.poll() is None:
        try:
            peak = max(peak, ps.memory_info().rss)
        except psutil.NoSuchProcess:
            break
        time.sleep(0.05)
    wall = time.perf_counter() - t0
    out, _ = proc.communicate()
    if proc.returncode != 0:
        sys.exit(f"synth failed with exit code {proc.returncode}")
    result = {
        "command": " ".join(cmd),
        "rows": json.loads(out)["rows"],
        "wall_seconds": round(wall, 1),
        "peak_rss_mb": round(peak / 2**20, 1),
        "file_mb": round(os.path.getsize(args.out) / 2**20, 1),
        "cpus": os.cpu_count(),
        "ram_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
