"""Two source trees ingest hostile inputs alike: same exit code, same stderr, same stored rows.

The inputs are ``fuzz_ingest.py``'s mutations of the first 200 rows of the Durham, DECC and
Burlington exports (seeded). Used to check that a faster ingest changed nothing (issue 14):

    .venv/bin/python benchmarks/compare_mutated.py BEFORE/src AFTER/src [N] [SEED]

Each input runs ``altresponse ingest --json`` once per tree (``PYTHONPATH`` set to the tree);
when both load, ``compare_stores.py`` compares the stores and reports. Prints one line per
difference and a summary; exits 1 on any difference.
"""

from __future__ import annotations

import io
import json
import os
import random
import subprocess
import sys
import tempfile
from collections import Counter
from contextlib import redirect_stdout
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import fuzz_ingest as fz  # noqa: E402
from compare_stores import main as compare  # noqa: E402

CLI = str(Path(sys.executable).with_name("altresponse"))


def _ingest(src: str, csv: Path, source: str, store: Path) -> tuple[int, str, str]:
    env = {**os.environ, "PYTHONPATH": src}
    p = subprocess.run([CLI, "ingest", str(csv), "--adapter", source, "--store", str(store), "--json"],
                       capture_output=True, text=True, env=env, cwd=store.parent, timeout=300)
    return p.returncode, p.stdout, p.stderr.strip()


def main(argv: list[str]) -> int:
    before, after = argv[0], argv[1]
    n = int(argv[2]) if len(argv) > 2 else 60
    rnd = random.Random(int(argv[3]) if len(argv) > 3 else 15)
    bases = {s: fz.first_rows(s, 200) for s in fz.SOURCES}
    differ, reasons = 0, Counter()
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(n):
            source = rnd.choice(list(fz.SOURCES))
            kinds = [rnd.choice(fz.KINDS) for _ in range(rnd.randint(1, 3))]
            data = bases[source]
            for kind in kinds:
                data = fz.mutate(data, kind, rnd)
            work = Path(tmp) / str(i)
            work.mkdir()
            (work / "in.csv").write_bytes(data)
            runs = {}
            for name, src in (("before", before), ("after", after)):
                runs[name] = _ingest(src, work / "in.csv", source, work / name)
                (work / f"{name}.json").write_text(runs[name][1])
            (rc_b, _, err_b), (rc_a, out_a, err_a) = runs["before"], runs["after"]
            same = (rc_b, err_b) == (rc_a, err_a)
            if same and rc_a in (0, 1):
                lines = io.StringIO()
                with redirect_stdout(lines):  # its lines are shown only for a difference
                    same = compare([str(work / "before"), str(work / "after"), str(work / "before.json"), str(work / "after.json")]) == 0
                if not same:
                    print(lines.getvalue(), end="")
                reasons.update(json.loads(out_a)["quarantine_reasons"])
            if not same:
                differ += 1
                what = f"exit {rc_b} vs {rc_a}; {err_b!r} vs {err_a!r}" if (rc_b, err_b) != (rc_a, err_a) else "the stores or reports (above)"
                print(f"input {i} ({source}, {'+'.join(kinds)}): differs: {what}")
    print(f"{n} mutated inputs: {n - differ} the same, {differ} different; quarantined rows (after): {dict(reasons)}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
