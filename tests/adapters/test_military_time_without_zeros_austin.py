"""Austin 2016–2017: 'Time Occurred' is military time with leading zeros dropped
('30' = 00:30, '1' = 00:01, '344' = 03:44); the adapter pads it to 4 digits
(``timestamps.occurred.time_zero_pad``) before parsing."""

from __future__ import annotations

from altresponse.adapter import Adapter
from altresponse.ingest import ingest

from _force_helpers import ingest_force, row


def test_short_military_times_2016(real_dir, tmp_path):
    report, t = ingest_force(real_dir / "austin/apd_response_to_resistance_2016.csv.gz", "austin_force", tmp_path)
    assert report.rows_quarantined == 0
    for rin, local in (("170347", "2016-01-13 03:44:00"), ("174570", "2016-06-24 00:30:00"), ("170384", "2016-01-14 00:01:00")):
        assert str(row(t, "source_force_id", rin)["occurred_local"]) == local
    assert len(t) - t["occurred_at"].null_count == 2422


def test_time_zero_pad_generic(tmp_path):
    src = tmp_path / "t.csv"
    src.write_text("i,d,t\n1,2020-03-01,5\n2,2020-03-01,45\n3,2020-03-01,945\n4,2020-03-01,2359\n5,2020-03-01,\n")
    a = Adapter.model_validate(
        {
            "name": "tp",
            "table": "force",
            "time_zone": "UTC",
            "timestamps": {"occurred": {"date": ["d"], "time": ["t"], "time_zero_pad": 4, "format": ["%Y-%m-%d %H%M"], "date_format": ["%Y-%m-%d"]}},
            "fields": {"incident_id": ["i"]},
        }
    )
    report = ingest(src, a, tmp_path / "s")
    assert report.rows_quarantined == 0
    import pyarrow.parquet as pq

    got = {r["incident_id"]: r["occurred_local"] for r in pq.read_table(sorted((tmp_path / "s/force").glob("*.parquet"))).to_pylist()}
    assert {k: (str(v) if v else None) for k, v in got.items()} == {
        "1": "2020-03-01 00:05:00",
        "2": "2020-03-01 00:45:00",
        "3": "2020-03-01 09:45:00",
        "4": "2020-03-01 23:59:00",
        "5": None,
    }
