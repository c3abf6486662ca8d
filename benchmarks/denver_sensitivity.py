"""Denver STAR sensitivity table: the headline estimate over precinct sets, offense lists and windows.

Run (after ingesting the Denver crime file into a store, see docs/evaluation.md):
``PYTHONPATH=src python benchmarks/denver_sensitivity.py --store STORE``

Poisson two-way fixed effects (precinct and period), 95% cluster-robust intervals, treated from
2020-06-01, data 2019-01-01 to 2020-11-29 (the six months STAR's 748 calls and Dee & Pyne cover).
Windows: all weeks; the protest weeks left out; months; and weeks from 2020-03-30 only (a
baseline after the COVID closures, which emptied downtown before STAR began). For the targeted
list the placebo-unit permutation p-value is shown too (20 random groups of
comparison precincts of the same size; the smallest possible value is 1/21 = 0.048). Nothing
here is tuned: the precinct sets and lists are fixed in this file and in
programs/denver-star-targeted-offenses.yaml. Prints one markdown table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from altresponse.evaluate import checks  # noqa: E402
from altresponse.evaluate.estimators import twfe  # noqa: E402
from altresponse.evaluate.panel import drop_window, mark_treatment  # noqa: E402
from altresponse.evaluate.sources import reports_panel  # noqa: E402

START = dt.date(2020, 6, 1)
FIRST, LAST = dt.date(2019, 1, 1), dt.date(2020, 11, 29)
NOT_PLACES = ["999", "232", "316", "436", "529", "559"]  # SOURCE.md: not precincts (391 and 1-2 rows)
SETS = {
    "8 central (program file)": ["123", "311", "312", "611", "612", "621", "622", "623"],
    "District 6 only (5)": ["611", "612", "621", "622", "623"],
    "8 minus 123 (7)": ["311", "312", "611", "612", "621", "622", "623"],
    "8 minus 311, 312 (6)": ["123", "611", "612", "621", "622", "623"],
}
LISTS = ("targeted", "targeted_narrow", "targeted_wide", "serious")
PROTESTS = (dt.date(2020, 5, 25), dt.date(2020, 6, 14))
COVID_BASELINE = dt.date(2020, 3, 30)


def cell(est: dict) -> str:
    return f"{est['relative_effect']:+.0%} ({est['ci_low']:+.0%} to {est['ci_high']:+.0%})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", required=True)
    parser.add_argument("--draws", type=int, default=20)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    lists_file = REPO / "programs" / "denver-star-targeted-offenses.yaml"
    panels = {}
    for period in ("week", "month"):
        raw, _, _ = reports_panel(args.store, lists_file, period=period, first=FIRST, last=LAST, exclude_units=NOT_PLACES)
        panels[f"{period}s, all"] = (raw, period)
        if period == "week":
            panels["weeks, protest weeks 2020-05-25..06-14 left out"] = (drop_window(raw, *PROTESTS, period="week"), "week")
            # COVID closures from mid-March 2020 emptied downtown before STAR began: a baseline of
            # the nine weeks after them asks what changed at the launch itself
            panels["weeks from 2020-03-30 (COVID-era baseline)"] = (raw[raw["period"] >= COVID_BASELINE], "week")
    print("| precinct set | window | " + " | ".join(LISTS) + " | targeted: permutation p |")
    print("|---|---|" + "---|" * (len(LISTS) + 1))
    for set_name, treated in SETS.items():
        for window, (raw, period) in panels.items():
            adoption = {u: (START if u in treated else None) for u in raw["unit"].unique()}
            p = mark_treatment(raw, adoption, period)
            ests = {name: twfe(p, name) for name in LISTS}
            perm = checks.placebo_units(raw, "targeted", treated, START, ests["targeted"]["relative_effect"],
                                        period=period, draws=args.draws)
            print(f"| {set_name} | {window} | " + " | ".join(cell(ests[n]) for n in LISTS)
                  + f" | {perm.get('permutation_p', float('nan')):.3f} |", flush=True)


if __name__ == "__main__":
    main()
