"""Treatment read off the shipped program files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from altresponse.evaluate.treatment import design
from altresponse.program import load_program

PROGRAMS = Path(__file__).resolve().parents[2] / "programs"


def test_durham_heart_is_a_staggered_roll_out():
    prog = load_program(PROGRAMS / "durham-heart.yaml")
    units = [str(b) for b in (111, 112, 113, 114, 122, 214, 223, 411, 413, 511, 512, 513, 213, 222, 324)]
    d = design(prog, units)
    pilot = prog.response("crt").periods[0].service_area
    assert d.treated_units == sorted(pilot) and len(pilot) == 12
    assert d.adoption["324"] == d.citywide_from == dt.date(2023, 10, 23)
    assert d.staggered and d.has_comparison


def test_denver_star_pilot_precincts_from_june_2020():
    prog = load_program(PROGRAMS / "denver-star.yaml")
    d = design(prog, ["123", "311", "312", "611", "612", "621", "622", "623", "111", "759"])
    assert d.treated_units == ["123", "311", "312", "611", "612", "621", "622", "623"]
    assert d.first_start == dt.date(2020, 6, 1) and not d.staggered and d.comparison_units == ["111", "759"]


def test_citywide_from_day_one_is_said_in_words():
    prog = load_program(PROGRAMS / "durham-heart.yaml")
    d = design(prog, ["111", "213"], response_id="ccd")
    assert not d.has_comparison
    assert any("no comparison group" in w for w in d.warnings)
