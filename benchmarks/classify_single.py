"""How many single calls per second the compiled rule tree decides in-process.

Run: .venv/bin/python benchmarks/classify_single.py [--calls N]
The calls are the real Durham 2021 subset (../shared/data/real/durham), each turned into a
facts dict once (canonical type from a fixed map of its six natures, as the type map would give);
the timed loop only calls the evaluator. Prints calls/s (best of 5 repeats).
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

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("ALTRESPONSE_SHARED", REPO.parent / "shared"))
CSV = SHARED / "data/real/durham/durham_dpd_cfs_2021_heart_beats_community_safety_types.csv"
NATURES = {
    "CRISIS": ("MNTL", "behavioral_health"),
    "WELFARE CHECK": ("WELFARE", "welfare"),
    "TRESPASS OR UNWANTED": ("TRESPASS", "trespass"),
    "PANHANDLING OR NUISANCE": ("PHANDLE", "disorder"),
    "SUICIDE THREAT": ("SUICTHRT", "behavioral_health"),
    "INTOXICATED PERSON": ("INTOX", "substance_use"),
}


def load_calls() -> list[dict]:
    calls = []
    with CSV.open(newline="") as fh:
        for row in csv.DictReader(fh):
            local = dt.datetime.strptime(f"{row['Call Date']} {row['Call Time']}", "%m/%d/%Y %I:%M:%S%p")
            ct, cat = NATURES[row["Nature"]]
            calls.append({"canonical_type": ct, "category": cat, "priority": int(row["Priority"]), "type_desc": row["Nature"],
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
    best = float("inf")
    for _ in range(5):
        t0 = time.perf_counter()
        for c in calls:
            fn(c)
        best = min(best, time.perf_counter() - t0)
    print(f"durham-heart single-call evaluator: {len(calls):,} calls in {best:.3f} s = {len(calls) / best:,.0f} calls/s (best of 5)")


if __name__ == "__main__":
    main()
