"""Write tests/golden/synth_golden.json: hashes of synth output for a few argument sets.

Made with the code before synth.py became a package (commit the golden first, then refactor);
``tests/test_synth_golden.py`` checks the package still gives the same bytes.
Run: PYTHONPATH=src python tests/golden/make_synth_golden.py
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyarrow as pa

from altresponse import synth

CASES = [
    {"calls": 3_000, "seed": 0},
    {"calls": 5_000, "seed": 7, "chunk_rows": 2_000},
    {"calls": 20_000, "seed": 3, "start": "2022-10-20"},  # over the autumn DST change
]


def digest(case: dict) -> dict:
    table = pa.Table.from_batches(synth.synthetic_call_batches(**case))
    h = hashlib.sha256()
    for name in table.column_names:
        h.update(name.encode())
        h.update(repr(table.column(name).to_pylist()).encode())
    return {"args": case, "rows": table.num_rows, "sha256": h.hexdigest(),
            "first_call_id": table.column("call_id")[0].as_py(), "last_received": table.column("received_local")[-1].as_py()}


if __name__ == "__main__":
    out = Path(__file__).with_name("synth_golden.json")
    out.write_text(json.dumps([digest(c) for c in CASES], indent=1) + "\n")
    print(out.read_text())
