"""Police unit-hours on eligible calls, by hand."""

from __future__ import annotations

import pytest
from analyze_fixtures import make_classified

from altresponse.analyze import workload


def test_unit_hours_are_time_on_scene_times_units():
    rows = [
        # eligible: 30 min × 2 units = 1.0 h; 60 min × unknown units (counts 1) = 1.0 h
        dict(onscene_after=600, cleared_after=600 + 1800, units=2, eligible=True, category="welfare", canonical_type="WELFARE", agency="POLICE"),
        dict(onscene_after=300, cleared_after=300 + 3600, units=None, eligible=True, category="trespass", canonical_type="TRESPASS", agency="POLICE"),
        # eligible but no clear time: adds nothing
        dict(onscene_after=300, eligible=True, category="welfare", canonical_type="WELFARE", agency="POLICE"),
        # other: 90 min × 1 = 1.5 h
        dict(onscene_after=60, cleared_after=60 + 5400, units=1, eligible=False, category="violent_crime", canonical_type="ASSAULT", agency="POLICE"),
        # EMS call: left out of police workload
        dict(onscene_after=60, cleared_after=60 + 36000, units=3, eligible=True, category="medical", canonical_type="MEDICAL", agency="EMS"),
    ]
    rows = [dict(r, received_local=f"2022-01-0{i + 1} 10:00") for i, r in enumerate(rows)]
    sec = workload(make_classified(rows))
    n = sec["numbers"]
    assert n["eligible_unit_hours"] == pytest.approx(2.0)
    assert n["all_unit_hours"] == pytest.approx(3.5)
    assert n["eligible_calls"] == 3 and n["eligible_calls_with_time_on_scene"] == 2
    assert n["eligible_calls_units_unknown"] == 1
    assert n["days"] == 4
    assert n["eligible_unit_hours_per_year"] == pytest.approx(2.0 / 4 * 365)
    cat = sec["tables"]["by_category"].set_index("category")
    assert cat.loc["welfare", "unit_hours"] == pytest.approx(1.0)
    assert "police incidents only" in sec["headline"]


def test_unavailable_without_on_scene_times():
    sec = workload(make_classified([dict(received_local="2022-01-01 10:00", dispatched_after=30, eligible=True)]))
    assert sec["available"] is False and "on-scene" in sec["why"]
