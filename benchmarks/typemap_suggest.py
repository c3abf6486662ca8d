"""How well `altresponse types --suggest` places calls: hide each shipped type map in turn.

For each shipped source with a real export in shared/data/real, the export is ingested with its
shipped adapter, and every distinct (type_code, type_desc) is typed twice: by the shipped type
map (the truth) and by the suggester with that map hidden from its corpus (what a new city
would get). Printed per map: calls the map types (not UNKNOWN), the share whose suggestion is
the same canonical type, the same category, and, among suggestions scoring >= MIN_SCORE (the
ones written as live entries), their share of calls and their accuracy. Also per distinct type
(each map entry counts once).

    PYTHONPATH=src python benchmarks/typemap_suggest.py [--json]

Takes ~1 minute (four ingests). Numbers quoted in docs/taxonomy.md come from this script.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "data" / "real"
FILES = {
    "durham": "durham/durham_dpd_cfs_2021_heart_beats_community_safety_types.csv",
    "portland": "portland/ppb_cfs_nij_2016_08_09.csv.gz",
    "decc_virginia": "decc_virginia/decc_cad_incidents_2025w35_w48.csv.gz",
    "burlington": "burlington/bpd_police_incidents_2022h1.csv.gz",
}


def measure(name: str, path: Path, store: Path) -> dict:
    from altresponse import store as store_mod
    from altresponse.ingest import ingest
    from altresponse.taxonomy import UNKNOWN, load_taxonomy
    from altresponse.typemap import load_typemap
    from altresponse.typemap_suggest import MIN_SCORE, suggest_one

    ingest([path], name, store)
    calls = store_mod.calls(store)
    groups = calls.group_by("type_code", "type_desc").aggregate(calls=calls.count()).execute()
    tm = load_typemap(name)
    cats = load_taxonomy().categories()
    tot = right = right_cat = live = live_right = types = types_right = 0
    for r in groups.itertuples():
        code = None if r.type_code is None or r.type_code != r.type_code else str(r.type_code)
        desc = None if r.type_desc is None or r.type_desc != r.type_desc else str(r.type_desc)
        truth, _ = tm.map_one(code, desc)
        if truth == UNKNOWN:
            continue
        guess, score, _ = suggest_one(code, desc, hide=name)
        n = int(r.calls)
        tot += n
        types += 1
        right += n * (guess == truth)
        types_right += guess == truth
        right_cat += n * (cats[guess] == cats[truth])
        if score >= MIN_SCORE:
            live += n
            live_right += n * (guess == truth)
    return {"typemap": name, "types": types, "calls": tot, "correct_calls": right, "correct_share": right / tot,
            "category_share": right_cat / tot, "types_correct_share": types_right / types,
            "live_calls_share": live / tot, "live_accuracy": live_right / live if live else None, "min_score": MIN_SCORE}


def main() -> None:
    t0 = time.time()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, rel in FILES.items():
            rows.append(measure(name, REAL / rel, Path(tmp) / name))
    if "--json" in sys.argv:
        print(json.dumps(rows, indent=2))
        return
    print(f"{'type map (hidden)':<18}{'types':>6}{'calls':>8}{'correct':>9}{'category':>10}{'types ok':>9}{'>=min':>7}{'acc>=min':>9}")
    for r in rows:
        acc = "n/a" if r["live_accuracy"] is None else f"{r['live_accuracy']:.0%}"
        print(f"{r['typemap']:<18}{r['types']:>6}{r['calls']:>8,}{r['correct_share']:>9.0%}{r['category_share']:>10.0%}"
              f"{r['types_correct_share']:>9.0%}{r['live_calls_share']:>7.0%}{acc:>9}")
    print(f"({time.time() - t0:.0f} s; correct = same canonical type as the hidden map, by calls; >=min = calls whose "
          f"suggestion scores >= {rows[0]['min_score']:g}, acc>=min = their accuracy)")


if __name__ == "__main__":
    main()
