"""Steps of more than 2 MB are parsed on all cores; they must give what the one-block parse gives.

The file is built here: 160,000 records (~8 MB: two steps, each over 2 MB), with
a record of the wrong field count at a known row, a quoted value spanning two lines and a
blank line. Expected: every record accounted for, the broken one quarantined at its row, and
the same rows, values and row numbers as with the threaded parse switched off.
"""

from __future__ import annotations

import pyarrow as pa

from altresponse.adapter import load_adapter
from altresponse.ingest import read
from altresponse.ingest.read import Reader

ROWS = 160_000
BROKEN = 31_337  # data row with one field too many
QUOTED = 150_000  # data row whose location spans two lines (in the second step)


def _write(path):
    lines = ["call_id,nature,location_text,priority"]
    for i in range(1, ROWS + 1):
        where = f'"100 BLOCK OF\nMAIN ST {i}"' if i == QUOTED else f"{i % 997} BLOCK OF SYNTH ST"
        extra = ",x" if i == BROKEN else ""
        lines.append(f"S-{i:06d},WELFARE CHECK {i % 13},{where},{i % 5}{extra}")
        if i == 20_000:
            lines.append("")
    path.write_text("\n".join(lines) + "\n")


def _read(path):
    reader = Reader(path, load_adapter("synth"))
    reader.read_header()
    parts = list(reader.batches())
    table = pa.Table.from_batches([b for b, _ in parts])
    rows = [int(r) for _, rr in parts for r in rr]
    return table, rows, [(u.row, u.reason, u.detail) for u in reader.unparsed]


def test_threaded_parse_is_the_one_block_parse(tmp_path, monkeypatch):
    path = tmp_path / "big.csv"
    _write(path)
    assert path.stat().st_size > 2 * read.THREADED_BYTES
    calls = []
    real = read._read_csv
    monkeypatch.setattr(read, "_read_csv", lambda *a, **k: calls.append(k["threads"]) or real(*a, **k))
    table, rows, unparsed = _read(path)
    # the step with the broken record fell back to the one-block parse, the other kept its threaded parse
    assert calls[:2] == [True, False] and calls[2:] == [True]
    monkeypatch.setattr(read, "THREADED_BYTES", 1 << 40)
    one_table, one_rows, one_unparsed = _read(path)
    assert table.equals(one_table) and rows == one_rows and unparsed == one_unparsed
    assert table.num_rows + len(unparsed) == ROWS
    assert [(u[0], u[1]) for u in unparsed] == [(BROKEN + 1, "malformed_row")]  # +1: the blank line counts
    assert "expected 4 fields, found 5" in unparsed[0][2]
    i = rows.index(QUOTED + 1)
    assert table.column("location_text")[i].as_py() == "100 BLOCK OF\nMAIN ST 150000"
