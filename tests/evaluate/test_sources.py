"""Use-of-force incidents join the calls panel only where the force table overlaps it in place and time."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from altresponse.evaluate.sources import _force_panel

WEEKS = [dt.date(2021, 1, 4), dt.date(2021, 1, 11)]


def _store(tmp_path, rows):
    (tmp_path / "force").mkdir()
    pq.write_table(pa.table(rows), tmp_path / "force" / "x.parquet")
    return tmp_path


def test_incidents_counted_once_per_incident_on_the_panel_grid(tmp_path):
    panel = pd.DataFrame({"unit": ["1", "1", "2", "2"], "period": WEEKS * 2})
    # incident A has two rows (two officers): one incident; C is outside the panel's weeks
    store = _store(tmp_path, {"beat": ["1", "1", "2", "2"], "incident_id": ["A", "A", "B", "C"],
                              "occurred_date": [dt.date(2021, 1, 5), dt.date(2021, 1, 5), dt.date(2021, 1, 17), dt.date(2021, 2, 1)]})
    out = _force_panel(store, panel, unit="beat", period="week")
    assert out.set_index(["unit", "period"])["force"].to_dict() == {
        ("1", WEEKS[0]): 1, ("1", WEEKS[1]): 0, ("2", WEEKS[0]): 0, ("2", WEEKS[1]): 1}


def test_no_overlap_is_said(tmp_path):
    panel = pd.DataFrame({"unit": ["1", "2"], "period": [WEEKS[0]] * 2})
    store = _store(tmp_path, {"beat": ["9"], "incident_id": ["A"], "occurred_date": [dt.date(2021, 1, 5)]})
    assert _force_panel(store, panel, unit="beat", period="week") == "the force table has no incident in the calls' units and dates"
    assert _force_panel(tmp_path / "none", panel, unit="beat", period="week") == "no use-of-force table in this store"
