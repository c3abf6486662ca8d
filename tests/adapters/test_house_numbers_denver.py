"""Denver crime offenses: house addresses are cut to the hundred block; every row is loaded or quarantined.

Figures recomputed from the raw file (../shared/data/real/denver), never typed in.
"""

from __future__ import annotations

import csv
import gzip

import pyarrow.parquet as pq
import pytest

from altresponse.ingest import ingest

FILE = "denver/denver_crime_offenses_2019_2024.csv.gz"


@pytest.fixture(scope="module")
def denver_store(real_dir, tmp_path_factory):
    store = tmp_path_factory.mktemp("denver")
    rep = ingest(real_dir / FILE, "denver_reports", store)
    return store, rep


def test_rows_reconcile_with_the_raw_file(real_dir, denver_store):
    _, rep = denver_store
    with gzip.open(real_dir / FILE, "rt", encoding="utf-8", newline="") as fh:
        rows = sum(1 for _ in fh) - 1  # no field in this file spans lines
    assert rep.rows_read == rows
    assert rep.rows_read == rep.rows_loaded + rep.rows_quarantined


def test_addresses_are_hundred_blocks(denver_store):
    store, _ = denver_store
    t = pq.read_table(sorted((store / "reports").glob("*.parquet")), columns=["location_text", "source_report_id"])
    texts = [x for x in t["location_text"].to_pylist() if x]
    # a leading house number keeps at most its hundreds: '15987 E RANDOLPH PL' -> '159XX E RANDOLPH PL';
    # text the city already published at block level ('2300 BLOCK N FEDERAL BLVD') is kept as written
    import re

    house = [x for x in texts[:50_000] if re.match(r"^\d*[0-9]{2}\s", x) and not re.match(r"^\d*XX|^\d*00 BLOCK\b", x)]
    assert house == []
    first = dict(zip(t["source_report_id"].to_pylist(), t["location_text"].to_pylist()))["2020454617299900"]
    assert first == "159XX E RANDOLPH PL"


def test_precinct_counts_match_the_raw_file(real_dir, denver_store):
    store, _ = denver_store
    raw = {}
    with gzip.open(real_dir / FILE, "rt", encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        i = header.index("PRECINCT_ID")
        for row in reader:
            if len(row) == len(header):
                raw[row[i]] = raw.get(row[i], 0) + 1
    t = pq.read_table(sorted((store / "reports").glob("*.parquet")), columns=["beat"])
    ours = {}
    for b in t["beat"].to_pylist():
        ours[b] = ours.get(b, 0) + 1
    assert ours["611"] == raw["611"] and ours["123"] == raw["123"]
