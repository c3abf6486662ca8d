"""Risk: levels and the reasons eligible calls carry risk, by hand."""

from __future__ import annotations

import pytest
from analyze_fixtures import make_classified

from altresponse.analyze import risk


def test_levels_and_rules():
    rows = [
        dict(eligible=True, risk_level="low", risk_rule="default", canonical_type="WELFARE", category="welfare"),
        dict(eligible=True, risk_level="elevated", risk_rule="weapon_words", canonical_type="WELFARE", category="welfare"),
        dict(eligible=True, risk_level="elevated", risk_rule="weapon_words", canonical_type="SUICIDE", category="behavioral_health"),
        dict(eligible=True, risk_level="high", risk_rule="violence", canonical_type="SUICIDE", category="behavioral_health"),
        dict(eligible=False, risk_level="high", risk_rule="violence", canonical_type="ASSAULT", category="violent_crime"),
        dict(eligible=False, risk_level=None, canonical_type="ASSAULT", category="violent_crime"),
    ]
    sec = risk(make_classified([dict(r, received_local="2022-01-01 10:00") for r in rows]))
    lvl = sec["tables"]["by_level"].set_index("risk_level")
    assert list(lvl.index) == ["low", "elevated", "high", "unknown"]
    assert lvl.loc["high", "calls"] == 2 and lvl.loc["high", "eligible_calls"] == 1
    rules = sec["tables"]["eligible_risk_rules"]
    assert rules.iloc[0].to_dict() == {"risk_level": "elevated", "risk_rule": "weapon_words", "eligible_calls": 2}
    assert sec["numbers"]["share_eligible_elevated_or_high"] == pytest.approx(3 / 4)
    assert sec["headline"] == "3 of 4 eligible calls (75%) carry elevated or high risk."
    by_type = sec["tables"]["by_type"]
    suicide = by_type[by_type["canonical_type"] == "SUICIDE"].set_index("risk_level")
    assert suicide.loc["high", "share_of_type"] == pytest.approx(0.5)


def test_source_flags_against_eligibility_by_hand():
    rows = [
        dict(eligible=True, risk_level="low", flag_mental_health=True, flag_dv=False),
        dict(eligible=True, risk_level="high", flag_mental_health=True, flag_dv=True),
        dict(eligible=True, risk_level="low", flag_mental_health=False, flag_dv=False),
        dict(eligible=False, risk_level="low", flag_mental_health=True, flag_dv=True),
        dict(eligible=False, risk_level="low", flag_mental_health=None, flag_dv=None),
    ]
    sec = risk(make_classified([dict(r, received_local="2022-01-01 10:00", canonical_type="WELFARE", category="welfare") for r in rows]))
    flags = sec["tables"]["source_flags"].set_index("flag")
    assert list(flags.index) == ["flag_mental_health", "flag_dv"]  # drug and alcohol are all null: left out
    mh, dv = flags.loc["flag_mental_health"], flags.loc["flag_dv"]
    assert (mh["calls_with_flag"], mh["flagged_calls"], mh["flagged_eligible"]) == (4, 3, 2)
    assert mh["share_flagged_eligible"] == pytest.approx(2 / 3)
    assert dv["share_of_eligible_flagged"] == pytest.approx(1 / 3) and dv["flagged_eligible_elevated_or_high"] == 1
    assert sec["findings"][-1] == (
        "Of the 3 calls the source itself flagged mental health, 2 (67%) are eligible for a program response; "
        "of eligible calls, 33.3% (1) carry its domestic-violence flag, and the risk rules rate 1 of those elevated or high."
    )


def test_no_source_flags_no_table():
    sec = risk(make_classified([dict(eligible=True, risk_level="low", received_local="2022-01-01 10:00", canonical_type="WELFARE", category="welfare")]))
    assert "source_flags" not in sec["tables"]
