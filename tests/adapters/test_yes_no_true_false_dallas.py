"""Dallas: booleans are Yes/No in early years and true/false in 2017 and 2019."""

from __future__ import annotations

import pyarrow.compute as pc

from _force_helpers import ingest_force


def _true(t) -> int:
    return int(pc.sum(pc.fill_null(t["subject_injured"], False)).as_py())


def test_subject_injured_reads_both_spellings(real_dir, tmp_path):
    _, early = ingest_force(real_dir / "dallas/dpd_response_to_resistance_2014.csv.gz", "dallas_force", tmp_path / "a")
    _, late = ingest_force(real_dir / "dallas/dpd_response_to_resistance_2017.csv.gz", "dallas_force", tmp_path / "b")
    assert (_true(early), len(early) - early["subject_injured"].null_count) == (1006, 3395)  # CIT_INJURE Yes / No
    assert (_true(late), len(late) - late["subject_injured"].null_count) == (764, 2711)  # true / false
