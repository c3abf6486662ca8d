"""Seeded fuzzing of ``altresponse ingest --json`` on mutated real exports (issue 15).

Takes the first rows of the Durham, DECC (Virginia) and Burlington exports, applies one to three
hostile mutations per input (stray quotes and delimiters, CR / CRLF / blank lines, invalid UTF-8
and Latin-1 bytes, NULs, deleted spans, truncation, duplicated rows, overflowing numbers, a cell
over the row-size limit, a BOM, an emptied file) and checks the ingest contract on each:

- the exit code is 0, 1, 2 or 3, and never an "engine or internal failure" on user input;
- an error is one line on stderr, with no traceback and no "Exception ignored";
- on success stderr is silent and ``rows_read == rows_loaded + rows_quarantined``, and
  ``rows_read`` equals the file's data rows as counted by :func:`reference_rows`, an independent
  line-by-line reading of the documented rules (blank lines are not rows; a quoted value may span
  at most ``max_row_lines`` lines, else its first line alone is a row).

    PYTHONPATH=src .venv/bin/python benchmarks/fuzz_ingest.py --seconds 180 --seed 15

prints ``N inputs tried, M violations`` and the violations by class. The test suite runs the same
contract through hypothesis on fewer inputs (``tests/test_ingest_fuzz.py``).
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "data" / "real"
SOURCES = {
    "durham": "durham/durham_dpd_cfs_2021_heart_beats_community_safety_types.csv",
    "decc_virginia": "decc_virginia/decc_cad_incidents_2025w35_w48.csv.gz",
    "burlington": "burlington/bpd_police_incidents_2022h1.csv.gz",
}
BOM = b"\xef\xbb\xbf"
HOSTILE = [b'"', b",", b"\r", b"\n", b"\r\n", b"\x00", b"\xff", b"\xe9", b"\n\n", b" ", b'""', b"\xc3"]
OVERFLOW = [b"1e309", b"-1e309", b"inf", b"-Infinity", b"NaN", b"9" * 400]


def first_rows(source: str, n: int = 200, real: Path = REAL) -> bytes:
    """Header and the first ``n`` data lines of a shipped real export, as bytes."""
    path = real / SOURCES[source]
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as fh:
        lines = [fh.readline() for _ in range(n + 1)]
    return b"".join(lines)


# --------------------------------------------------------------------------- mutations


def _lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True)


def mutate(data: bytes, kind: str, rnd: random.Random) -> bytes:
    """One mutation of ``kind`` at places drawn from ``rnd``."""
    pos = rnd.randrange(len(data) + 1)
    if kind == "insert":
        return data[:pos] + rnd.choice(HOSTILE) * rnd.choice([1, 1, 2, 3]) + data[pos:]
    if kind == "delete":
        return data[:pos] + data[pos + rnd.randint(1, 60) :]
    if kind == "truncate":
        return data[:pos]
    lines = _lines(data)
    if kind == "duplicate" and len(lines) > 1:
        i = rnd.randrange(1, len(lines))
        lines.insert(rnd.randrange(1, len(lines) + 1), lines[i])
    elif kind == "overflow" and len(lines) > 1:
        i = rnd.randrange(1, len(lines))
        cells = lines[i].split(b",")
        cells[rnd.randrange(len(cells))] = rnd.choice(OVERFLOW)
        lines[i] = b",".join(cells)
        if not lines[i].endswith(b"\n"):
            lines[i] += b"\n"
    elif kind == "huge_cell" and len(lines) > 1:
        i = rnd.randrange(1, len(lines))
        cells = lines[i].split(b",")
        cells[rnd.randrange(len(cells))] = b'"' + b"x" * rnd.choice([2_000, (1 << 20) + 10]) + b'"'
        lines[i] = b",".join(cells)
    elif kind == "line_endings":
        body = data.replace(b"\r\n", b"\n")
        return body.replace(b"\n", rnd.choice([b"\r", b"\r\n"])) if rnd.random() < 0.5 else _mixed(body, rnd)
    elif kind == "blank_lines":
        for _ in range(rnd.randint(1, 5)):
            lines.insert(rnd.randrange(len(lines) + 1), rnd.choice([b"\n", b"  \n", b"\r\n"]))
    elif kind == "stray_quote" and len(lines) > 1:
        i = rnd.randrange(1, len(lines))
        cells = lines[i].split(b",")
        j = rnd.randrange(len(cells))
        cells[j] = b'"' + cells[j]
        lines[i] = b",".join(cells)
    elif kind == "bom":
        return BOM + data
    elif kind == "empty":
        head = lines[0] if lines else b""
        return rnd.choice([b"", BOM, head.rstrip(b"\r\n"), head])
    return b"".join(lines)


def _mixed(body: bytes, rnd: random.Random) -> bytes:
    return b"".join(line + rnd.choice([b"\r", b"\n", b"\r\n"]) for line in body.split(b"\n"))


KINDS = ["insert", "delete", "truncate", "duplicate", "overflow", "huge_cell", "line_endings", "blank_lines", "stray_quote", "bom", "empty"]


# --------------------------------------------------------------------------- the reference count

_TERMINATOR = re.compile(rb"\r\n|\r|\n")


def _physical_lines(data: bytes) -> list[bytes]:
    out, p = [], 0
    for m in _TERMINATOR.finditer(data):
        out.append(data[p : m.start()])
        p = m.end()
    if p < len(data):
        out.append(data[p:])
    return out


def _ends_in_quote(line: bytes, in_quote: bool, d: int = 44, q: int = 34) -> bool:
    """Whether a line ends inside a quoted value (quotes open only at a field's start)."""
    at_start = not in_quote
    i, n = 0, len(line)
    while i < n:
        c = line[i]
        if in_quote:
            if c == q:
                if i + 1 < n and line[i + 1] == q:
                    i += 1
                else:
                    in_quote = False
        elif c == d:
            at_start = True
            i += 1
            continue
        elif c == q and at_start:
            in_quote = True
        at_start = False
        i += 1
    return in_quote


def reference_rows(data: bytes, *, max_row_lines: int = 10) -> int:
    """Data rows of a CSV file by the documented rules, read line by line (header excluded)."""
    lines = _physical_lines(data.removeprefix(BOM))
    records = []
    i = 0
    while i < len(lines):
        j, open_ = i, _ends_in_quote(lines[i], False)
        while open_ and j + 1 < len(lines) and j + 1 - i < max_row_lines:
            j += 1
            open_ = _ends_in_quote(lines[j], True)
        if open_:  # never closes within the limit: that first line alone is a (malformed) row
            j = i
        records.append(b"\n".join(lines[i : j + 1]))
        i = j + 1
    nonblank = [r for r in records if r.strip()]
    return max(len(nonblank) - 1, 0)


# --------------------------------------------------------------------------- the contract


def run_cli(args: list[str]) -> tuple[int, str, str]:
    """Run the CLI in-process (typer's runner): exit code, stdout, stderr."""
    from typer.testing import CliRunner

    from altresponse.cli import app

    result = CliRunner().invoke(app, args)
    return result.exit_code, result.stdout, result.stderr


def violations(data: bytes, source: str, workdir: Path, name: str = "in.csv") -> list[str]:
    """Classes of contract violation of one input (empty when it holds)."""
    path = workdir / name
    path.write_bytes(data)
    store = workdir / "store"
    code, out, err = run_cli(["ingest", str(path), "--adapter", source, "--store", str(store), "--json"])
    found = []
    if "Traceback" in err or "Exception ignored" in err or "Traceback" in out:
        found.append("traceback")
    if code not in (0, 1, 2, 3):
        found.append(f"exit_{code}")
    if code != 0:
        if len(err.strip().splitlines()) != 1:
            found.append("error_not_one_line")
        if "internal failure" in err:
            found.append("internal_failure")
        return found
    if err.strip():
        found.append("stderr_on_success")
    try:
        doc = json.loads(out)
    except ValueError:
        return [*found, "json_unreadable"]
    f = doc["files"][0]
    if f["rows_read"] != f["rows_loaded"] + f["rows_quarantined"]:
        found.append("read_ne_loaded_plus_quarantined")
    if not f.get("already_ingested") and f["rows_read"] != reference_rows(data):
        found.append("read_ne_physical_rows")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=180.0)
    parser.add_argument("--inputs", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--rows", type=int, default=200)
    args = parser.parse_args(argv)
    rnd = random.Random(args.seed)
    bases = {s: first_rows(s, args.rows) for s in SOURCES}
    tried, by_class, examples = 0, Counter(), {}
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        while tried < args.inputs and time.monotonic() - started < args.seconds:
            source = rnd.choice(list(SOURCES))
            kinds = [rnd.choice(KINDS) for _ in range(rnd.randint(1, 3))]
            data = bases[source]
            for kind in kinds:
                data = mutate(data, kind, rnd)
            work = Path(tmp) / str(tried)
            work.mkdir()
            for v in violations(data, source, work):
                by_class[v] += 1
                examples.setdefault(v, f"{source} {'+'.join(kinds)}")
            for p in sorted(work.rglob("*"), reverse=True):
                p.unlink() if p.is_file() else p.rmdir()
            work.rmdir()
            tried += 1
    total = sum(by_class.values())
    print(f"{tried} inputs tried, {total} violations ({time.monotonic() - started:.0f} s, seed {args.seed})")
    for cls, n in by_class.most_common():
        print(f"  {cls}: {n} (first: {examples[cls]})")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
