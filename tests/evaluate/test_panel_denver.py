"""The Denver reports panel equals a count made straight from the raw file, zeros included."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
from collections import Counter
from pathlib import Path

import pytest
import yaml

from altresponse.evaluate.sources import reports_panel
from altresponse.ingest import ingest

FILE = "denver/denver_crime_offenses_2019_2024.csv.gz"
LISTS = Path(__file__).resolve().parents[2] / "programs" / "denver-star-targeted-offenses.yaml"
FIRST, LAST = dt.date(2019, 1, 7), dt.date(2020, 11, 29)


@pytest.fixture(scope="module")
def panel(real_dir, tmp_path_factory):
    store = tmp_path_factory.mktemp("denver_panel")
    ingest(real_dir / FILE, "denver_reports", store)
    raw, _, _ = reports_panel(store, LISTS, period="week", first=FIRST, last=LAST, exclude_units=["999"])
    return raw


def _raw_counts(real_dir) -> Counter:
    targeted = set(yaml.safe_load(LISTS.read_text())["lists"]["targeted"]["offense_types"])
    out: Counter = Counter()
    with gzip.open(real_dir / FILE, "rt", encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        i_type, i_prec, i_rep = (header.index(c) for c in ("OFFENSE_TYPE_ID", "PRECINCT_ID", "REPORTED_DATE"))
        for row in reader:
            if len(row) != len(header) or row[i_type] not in targeted:
                continue
            day = dt.datetime.strptime(row[i_rep], "%m/%d/%Y %I:%M:%S %p").date()
            if FIRST <= day <= LAST:
                out[(row[i_prec], day - dt.timedelta(days=day.weekday()))] += 1
    return out


@pytest.mark.slow
def test_weekly_targeted_counts_match_the_raw_file(real_dir, panel):
    raw = _raw_counts(real_dir)
    weeks = sorted(panel["period"].unique())
    assert weeks[0] == FIRST and len(weeks) == (LAST - FIRST).days // 7 + 1
    for precinct in ("611", "123", "759"):
        ours = panel[panel["unit"] == precinct].set_index("period")["targeted"].to_dict()
        assert ours == {w: raw.get((precinct, w), 0) for w in weeks}, precinct
    # a week without a targeted report is a 0 row, not a missing one
    assert len(panel) == panel["unit"].nunique() * len(weeks) and (panel["targeted"] == 0).any()
