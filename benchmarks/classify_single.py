"""How many single calls per second the compiled rule tree decides in-process.

Run: .venv/bin/python benchmarks/classify_single.py [--calls N]
The calls are the real Durham 2021 subset (../shared/data/real/durham), each turned into a
facts dict once. Two loops are timed: the rule evaluator alone, and the whole live path a triage
service runs per call (the Durham type map's ``map_one`` on the raw nature, then the evaluator).
Prints calls/s (best of 5 repeats) and the ratio to the issue's target of 100,000 calls/s.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import time
from pathlib import Path

from altresponse.program import load_program
from altresponse.rules import compile_program
from altresponse.taxonomy import load_taxonomy
from altresponse.typemap import load_typemap

TARGET = 100_000

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("ALTRESPONSE_SHARED", REPO.parent / "shared"))
CSV = SHARED / "data/real/durham/durham_dpd_cfs_2021_heart_beats_community_safety_types.csv"
def load_calls() -> list[dict]:
    calls = []
    with CSV.open(newline="") as fh:
        for row in csv.DictReader(fh):
            local = dt.datetime.strptime(f"{row['Call Date']} {row['Call Time']}", "%m/%d/%Y %I:%M:%S%p")
            calls.append({"canonical_type": None, "category": None, "priority": int(row["Priority"]), "type_desc": row["Nature"],
                          "narrative": None, "premise_violence": 0, "premise_force": None, "beat": row["Beat"],
                          "received_date": local.date(), "received_local": local})
    return calls


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=200_000)
    args = parser.parse_args()
    tree = compile_program(load_program(REPO / "programs" / "durham-heart.yaml"), as_of=dt.date(2022, 6, 1))
    base = load_calls()
    calls = (base * (args.calls // len(base) + 1))[: args.calls]
    fn = tree.evaluator
    typemap, taxonomy = load_typemap("durham"), load_taxonomy()
    for c in base:  # the evaluator-only loop gets the canonical types up front
        c["canonical_type"] = typemap.map_one(None, c["type_desc"])[0]
        c["category"] = taxonomy.category(c["canonical_type"])

    def live(c):
        code, _ = typemap.map_one(None, c["type_desc"])
        return fn({**c, "canonical_type": code, "category": taxonomy.category(code)})

    for label, step in (("rule evaluator", fn), ("type map + rule evaluator (live path)", live)):
        best = min(_timed(step, calls) for _ in range(5))
        rate = len(calls) / best
        print(f"durham-heart {label}: {len(calls):,} calls in {best:.3f} s = {rate:,.0f} calls/s "
              f"({rate / TARGET:.2f}x the {TARGET:,}/s target; {1e6 / rate:.1f} µs a call)")


def _timed(step, calls) -> float:
    t0 = time.perf_counter()
    for c in calls:
        step(c)
    return time.perf_counter() - t0

if __name__ == "__main__":
    main()
