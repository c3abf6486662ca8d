"""Seeded fuzz run of `altresponse check` on mutated shipped config files (issue 15, config half).

    python benchmarks/fuzz_config.py [N] [SEED]

Mutates the shipped programs, three adapters and a type map with the same operations as
``tests/test_check_fuzz.py`` (byte flips, deletions, duplicated lines, retyped values, alias
loops and bombs, deep nesting, mappings as list items), runs each through ``check`` in
process and prints "N inputs tried, M violations" by class. A violation: a traceback or
internal failure, an exit code outside 0/1/2, a line that does not name the file, or a run
over 2 s (after one warm-up check of each shipped file, so module imports are not counted).
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from test_check_fuzz import TEXTS, mutate  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from altresponse.cli import app  # noqa: E402

OPS = ["flip", "delete", "duplicate", "retype", "alias", "nest", "item"]


def main(n: int = 2000, seed: int = 20261130) -> int:
    rng = random.Random(seed)
    runner = CliRunner()
    violations: Counter = Counter()
    examples: dict[str, str] = {}
    codes: Counter = Counter()
    slowest = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for name, raw in TEXTS.items():  # warm up: the first check of a kind imports its modules (ibis: ~1 s)
            (Path(tmp) / name).write_bytes(raw)
            runner.invoke(app, ["check", str(Path(tmp) / name)])
        for k in range(n):
            name = rng.choice(sorted(TEXTS))
            ops = [(rng.choice(OPS), rng.random(), rng.randrange(10_000)) for _ in range(rng.randint(1, 4))]
            path = Path(tmp) / f"{k}-{name}"
            path.write_bytes(mutate(TEXTS[name], ops))
            start = time.perf_counter()
            res = runner.invoke(app, ["check", str(path)])
            took = time.perf_counter() - start
            slowest = max(slowest, took)
            out = res.output.strip()
            codes[res.exit_code] += 1
            found = []
            if (res.exception and not isinstance(res.exception, SystemExit)) or "Traceback" in out or "internal failure" in out:
                found.append("crash")
            if res.exit_code not in (0, 1, 2):
                found.append(f"exit {res.exit_code}")
            if any(not line.removeprefix("error: ").startswith(str(path)) for line in out.splitlines()) or not out:
                found.append("line without the file")
            if took > 2:
                found.append("over 2 s")
            for cls in found:
                violations[cls] += 1
                examples.setdefault(cls, f"{ops} on {name}: {out[:300]!r} {res.exception!r}")
            path.unlink()
    print(f"{n} inputs tried, {sum(violations.values())} violations; exit codes {dict(sorted(codes.items()))}; slowest {slowest:.2f} s")
    for cls, count in violations.most_common():
        print(f"  {cls}: {count}  e.g. {examples[cls]}")
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main(*(int(a) for a in sys.argv[1:3])))
