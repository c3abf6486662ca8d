"""Property-based test of the ingest contract on mutated real export rows (issue 15).

Hypothesis draws a source (Durham, DECC, Burlington: their first 200 rows) and one to three
hostile mutations (``benchmarks/fuzz_ingest.py`` defines them and the contract), derandomized
(a fixed seed), bounded in examples and in time per example. The contract: exit 0/1/2/3 as
documented, never an internal failure on user input, an error is one line, no traceback, and on
success ``rows_read`` = the file's physical data rows (blank lines excluded, counted by an
independent line-by-line reading) = loaded + quarantined. The longer seeded run is
``benchmarks/fuzz_ingest.py``.
"""

from __future__ import annotations

import random
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from paths import REAL, REPO

sys.path.insert(0, str(REPO / "benchmarks"))
import fuzz_ingest  # noqa: E402

BASES = {s: fuzz_ingest.first_rows(s, 200, REAL) for s in fuzz_ingest.SOURCES}
mutations = st.lists(st.tuples(st.sampled_from(fuzz_ingest.KINDS), st.integers(0, 2**32 - 1)), min_size=1, max_size=3)


@settings(max_examples=40, deadline=timedelta(seconds=30), derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(source=st.sampled_from(sorted(BASES)), steps=mutations)
def test_mutated_exports_keep_the_ingest_contract(source, steps):
    data = BASES[source]
    for kind, seed in steps:
        data = fuzz_ingest.mutate(data, kind, random.Random(seed))
    with tempfile.TemporaryDirectory() as tmp:
        assert fuzz_ingest.violations(data, source, Path(tmp)) == []


def test_reference_count_reads_the_documented_rules():
    # the oracle itself, on the cases the rules name
    assert fuzz_ingest.reference_rows(b"h\n1\n\n  \n2\r3\r\n") == 3  # blank lines are not rows; CR ends a line
    assert fuzz_ingest.reference_rows(b'h,x\n1,"a\nb"\n2,c\n') == 2  # a quoted line break joins two lines
    assert fuzz_ingest.reference_rows(b'h,x\n1,"a\n2,c\n') == 2  # never closed: its line alone is a row
    assert fuzz_ingest.reference_rows(b'h,x\n1,a"b\n2,c\n') == 2  # a quote inside a field is a character
    many = b"h,x\n1,\"a\n" + b"2,c\n" * 20 + b'3,"\n'
    assert fuzz_ingest.reference_rows(many) == 22  # a quote closing 21 lines later (> 10) joins nothing
