"""Dallas and Austin publish house-level addresses; location_text keeps the hundred block
only ('7647 FERGUSON RD' → '76XX FERGUSON RD'), via the generic ``block_level`` key."""

from __future__ import annotations

import pyarrow.compute as pc
import pytest

from altresponse.adapter import Adapter
from altresponse.errors import AdapterError
from altresponse.ingest import ingest

from _force_helpers import ingest_force, row


def test_dallas_2016_addresses_cut_to_block(real_dir, tmp_path):
    _, t = ingest_force(real_dir / "dallas/dpd_response_to_resistance_2016.csv.gz", "dallas_force", tmp_path)
    assert row(t, "incident_id", "UF2016-0418")["location_text"] == "76XX FERGUSON RD"  # 7647 FERGUSON RD
    assert row(t, "incident_id", "UF2016-1185")["location_text"] == "2XX N ERVAY ST"  # 211 N ERVAY ST
    assert not pc.any(pc.match_substring_regex(t["location_text"], r"^\d*[0-9][0-9]\s")).as_py()


def test_austin_2009_addresses_cut_to_block(real_dir, tmp_path):
    _, t = ingest_force(real_dir / "austin/apd_response_to_resistance_2009.csv.gz", "austin_force", tmp_path)
    assert row(t, "source_force_id", "19656")["location_text"] == "63XX BURNS ST"  # 6309 BURNS ST
    assert row(t, "source_force_id", "19654")["location_text"] == "2XX W 4TH ST"  # 200 W 4TH ST


def test_block_level_generic(tmp_path):
    src = tmp_path / "a.csv"
    src.write_text("i,d,a\n1,2020-01-01,5 MAIN ST\n2,2020-01-01,1030-A OAK AVE\n3,2020-01-01,E 6TH ST / RED RIVER ST\n4,2020-01-01,8XX YORK ST\n")
    spec = {
        "name": "bl",
        "table": "force",
        "time_zone": "UTC",
        "timestamps": {"occurred": {"date": ["d"], "date_format": ["%Y-%m-%d"]}},
        "fields": {"incident_id": ["i"], "location_text": ["a"]},
        "block_level": ["location_text"],
    }
    ingest(src, Adapter.model_validate(spec), tmp_path / "s")
    import pyarrow.parquet as pq

    got = pq.read_table(sorted((tmp_path / "s/force").glob("*.parquet")))["location_text"].to_pylist()
    assert got == ["XX MAIN ST", "10XX-A OAK AVE", "E 6TH ST / RED RIVER ST", "8XX YORK ST"]
    with pytest.raises(AdapterError, match="block_level"):
        ingest(src, Adapter.model_validate(spec | {"block_level": ["latitude"]}), tmp_path / "s2")
