"""Two ingest stores hold the same rows: calls and quarantine compared with DuckDB, reports too.

Used to check that a faster ingest stores exactly what the slower one did (issue 14):

    .venv/bin/python benchmarks/compare_stores.py STORE_BEFORE STORE_AFTER [REPORT_BEFORE.json REPORT_AFTER.json]

For each table (every ``*.parquet`` part of each folder: ``calls/`` or ``force/``…, ``quarantine/``): the row counts, and
``EXCEPT ALL`` both ways over every column (so duplicates count, and a NULL equals a NULL).
The ``--json`` reports of the two runs, if given, must agree on everything but ``seconds``.
Prints one line per check; exits 1 on any difference.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import duckdb


def compare_table(con, before: Path, after: Path) -> list[str]:
    a, b = f"read_parquet('{before}/*.parquet')", f"read_parquet('{after}/*.parquet')"
    problems = []
    cols_a = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {a}").fetchall()]
    cols_b = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {b}").fetchall()]
    if cols_a != cols_b:
        return [f"{before.name}: columns differ: {cols_a} vs {cols_b}"]
    n_a = con.execute(f"SELECT count(*) FROM {a}").fetchone()[0]
    n_b = con.execute(f"SELECT count(*) FROM {b}").fetchone()[0]
    only_a = con.execute(f"SELECT count(*) FROM (SELECT * FROM {a} EXCEPT ALL SELECT * FROM {b})").fetchone()[0]
    only_b = con.execute(f"SELECT count(*) FROM (SELECT * FROM {b} EXCEPT ALL SELECT * FROM {a})").fetchone()[0]
    line = f"{before.name}: {n_a:,} vs {n_b:,} rows, {len(cols_a)} columns; only before {only_a:,}, only after {only_b:,}"
    print(line)
    if n_a != n_b or only_a or only_b:
        problems.append(line)
    return problems


def compare_reports(before: Path, after: Path) -> list[str]:
    def load(p: Path) -> dict:
        doc = json.loads(p.read_text())
        for f in doc.get("files", []):
            f.pop("seconds", None)
        doc.pop("store", None)
        return doc

    same = load(before) == load(after)
    print(f"reports: {'same' if same else 'DIFFERENT'} (seconds and store path aside)")
    return [] if same else [f"reports differ: {before} vs {after}"]


def main(argv: list[str]) -> int:
    before, after = Path(argv[0]), Path(argv[1])
    con = duckdb.connect()
    problems = []
    tables = sorted(d.name for d in before.iterdir() if d.is_dir() and any(d.glob("*.parquet")))
    for table in tables:
        problems += compare_table(con, before / table, after / table)
    if len(argv) >= 4:
        problems += compare_reports(Path(argv[2]), Path(argv[3]))
    print("identical" if not problems else f"{len(problems)} difference(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
