"""Compare two report.json files number by number (issue 14: a faster report must not change a figure).

Run (from the repository root)::

    .venv/bin/python benchmarks/compare_reports.py BEFORE/report.json AFTER/report.json

Walks both documents together: the same keys, the same list lengths, strings, booleans and
integers identical, floats equal within a relative 1e-9 (sums in another order may differ in
the last bits). ``meta`` lines are compared too, except the
'Generated: <time>' stamp. Prints every difference with its path and
exits 1 if there is any, else prints how many values it compared and exits 0.
"""

from __future__ import annotations

import json
import math
import sys

REL = 1e-9
STAMP = "Generated: "


def differences(a, b, path: str = "$") -> list[str]:
    """Every place where ``a`` and ``b`` differ, as ``path: a != b`` lines."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = [f"{path}: key {k!r} only in {'first' if k in a else 'second'}" for k in sorted(set(a) ^ set(b))]
        for k in a:
            if k in b:
                out += differences(a[k], b[k], f"{path}.{k}")
        return out
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{path}: {len(a)} items != {len(b)} items"]
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in differences(x, y, f"{path}[{i}]")]
    if isinstance(a, float) or isinstance(b, float):
        if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool) and not isinstance(b, bool):
            if a == b or math.isclose(a, b, rel_tol=REL, abs_tol=0.0):
                return []
        return [f"{path}: {a!r} != {b!r}"]
    if isinstance(a, str) and isinstance(b, str) and a.startswith(STAMP) and b.startswith(STAMP):
        return []  # when the page was made, not a figure
    if type(a) is not type(b) or a != b:
        return [f"{path}: {a!r} != {b!r}"]
    return []


def count_values(doc) -> int:
    if isinstance(doc, dict):
        return sum(count_values(v) for v in doc.values())
    if isinstance(doc, list):
        return sum(count_values(v) for v in doc)
    return 1


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    first, second = (json.loads(open(p, encoding="utf-8").read()) for p in argv)
    diffs = differences(first, second)
    for line in diffs:
        print(line)
    if diffs:
        print(f"{len(diffs)} differences")
        return 1
    print(f"identical: {count_values(first):,} values compared (floats within relative {REL:g})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
