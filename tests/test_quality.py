"""Data-quality report over a store (real DECC file: full timestamp chain)."""

from __future__ import annotations

import pytest

from altresponse.errors import InputError
from altresponse.ingest import ingest
from altresponse.quality import quality


@pytest.fixture(scope="module")
def decc_quality(real_dir, tmp_path_factory):
    store = tmp_path_factory.mktemp("decc")
    ingest(real_dir / "decc_virginia/decc_cad_incidents_2025w35_w48.csv.gz", "decc_virginia", store)
    return quality(store)


def test_rows_and_ranges(decc_quality):
    q = decc_quality
    assert q["rows"] == 22147
    assert q["by_source"] == {"decc_virginia": 22147}
    assert q["received_date"] == {"min": "2025-08-24", "max": "2025-11-29"}
    assert q["timestamps"]["received_at"]["filled"] == 22147
    assert q["timestamps"]["onscene_at"]["filled"] == 19465  # arrival 87.9% filled


def test_null_rates_and_types(decc_quality):
    q = decc_quality
    assert q["null_rate"]["received_at"] == 0
    assert q["null_rate"]["latitude"] == 1.0  # no location at all
    assert q["types_by_volume"][0] == {"type_desc": "TRAFFIC STOP", "calls": 1547}


def test_intervals(decc_quality):
    iv = decc_quality["intervals"]
    assert iv["received_to_dispatched"]["computable"] == 22147
    assert iv["received_to_onscene"]["computable"] == 19465
    assert iv["received_to_dispatched"]["negative"] == 1


def test_empty_store_is_input_error(tmp_path):
    with pytest.raises(InputError):
        quality(tmp_path)
