"""Type maps: source call types -> canonical types, on the engine and one call at a time."""

from __future__ import annotations

import ibis
import pandas as pd
import pytest

from altresponse.errors import ConfigError
from altresponse.taxonomy import load_taxonomy
from altresponse.typemap import available_typemaps, load_typemap, map_types, normalize

from conftest import REAL


def _durham_calls() -> pd.DataFrame:
    d = pd.read_csv(REAL / "durham" / "durham_dpd_cfs_2021_heart_beats_community_safety_types.csv")
    return pd.DataFrame({"type_code": d["Nature"], "type_desc": d["Nature"]})


DURHAM_SIX = {
    "CRISIS": "EDP",
    "SUICIDE THREAT": "SUICTHRT",
    "TRESPASS OR UNWANTED": "TRESPASS",
    "WELFARE CHECK": "WELFARE",
    "INTOXICATED PERSON": "INTOX",
    "PANHANDLING OR NUISANCE": "PHANDLE",
}


def test_durham_six_natures_map_to_sensible_types():
    tm = load_typemap("durham")
    got = {nature: tm.map_one(nature, nature) for nature in DURHAM_SIX}
    assert got == {n: (code, f"durham.exact:{n}") for n, code in DURHAM_SIX.items()}


def test_durham_real_calls_on_the_engine():
    calls = ibis.memtable(_durham_calls())
    out = map_types(calls, "durham").execute()
    assert len(out) == 4033
    counts = out.groupby(["type_desc", "canonical_type", "category"]).size().to_dict()
    assert counts == {
        ("CRISIS", "EDP", "behavioral_health"): 545,
        ("INTOXICATED PERSON", "INTOX", "substance_use"): 188,
        ("PANHANDLING OR NUISANCE", "PHANDLE", "disorder"): 371,
        ("SUICIDE THREAT", "SUICTHRT", "behavioral_health"): 199,
        ("TRESPASS OR UNWANTED", "TRESPASS", "trespass"): 2210,
        ("WELFARE CHECK", "WELFARE", "welfare"): 520,
    }


def test_normalize():
    assert normalize("  Welfare \t\n check ") == "WELFARE CHECK"
    assert normalize("") is None and normalize(" \t") is None and normalize(None) is None
    assert normalize("café") == "CAFé"  # only ASCII letters change, as on the engine


def test_code_beats_description_beats_pattern():
    tm = load_typemap("durham")
    # code matches exactly: wins over a description that would match something else
    assert tm.map_one("FIGHT", "WELFARE CHECK") == ("FIGHT", "durham.exact:FIGHT")
    # code unknown, description exact
    assert tm.map_one("ZZ9", "welfare check") == ("WELFARE", "durham.exact:WELFARE CHECK")
    # no exact: first pattern over the description
    assert tm.map_one("ZZ9", "Shots heard near park") == ("WEAPON", "durham.pattern:SHOTS")
    # no description: pattern over the code
    assert tm.map_one("SHOTS HEARD", None) == ("WEAPON", "durham.pattern:SHOTS")
    assert tm.map_one(None, None) == ("UNKNOWN", "durham.unmapped")


def test_map_types_replaces_existing_output_columns():
    calls = ibis.memtable({"type_code": ["CRISIS"], "type_desc": ["CRISIS"], "canonical_type": ["X"]})
    out = map_types(calls, "durham")
    assert list(out.columns) == ["type_code", "type_desc", "canonical_type", "category", "type_rule"]
    assert out.execute()["canonical_type"].tolist() == ["EDP"]


def test_unknown_map_names_the_available_ones():
    with pytest.raises(ConfigError, match=r"unknown type map 'nowhere'; available: .*durham"):
        load_typemap("nowhere")
    assert "durham" in available_typemaps()


def test_every_target_is_a_canonical_type():
    tax = load_taxonomy()
    for name in available_typemaps():
        tm = load_typemap(name)
        assert tm.source == name
        assert set(tm.rules.values()) <= set(tax.codes)


def _write(tmp_path, body: str):
    path = tmp_path / "bad.yaml"
    path.write_text(body, encoding="utf-8")
    return path


def test_bad_target_type_rejected_with_line(tmp_path):
    path = _write(tmp_path, "source: bad\ndescription: x\nexact:\n  FOO: MNTL\n  BAR: NOTATYPE\n")
    with pytest.raises(ConfigError, match=r"^bad\.yaml line 5, exact\.BAR: 'NOTATYPE' is not a canonical call type"):
        load_typemap(path)


def test_keys_equal_after_normalising_rejected(tmp_path):
    path = _write(tmp_path, "source: bad\ndescription: x\nexact:\n  Welfare Check: WELFARE\n  WELFARE  CHECK: WELFARE\n")
    with pytest.raises(ConfigError, match=r"line 5, exact\.WELFARE  CHECK: .* same type as 'Welfare Check'"):
        load_typemap(path)


def test_unportable_lowercase_and_invalid_regexes_rejected(tmp_path):
    body = (
        "source: bad\ndescription: x\npatterns:\n"
        "  - {id: A, regex: '(?=X)Y', type: MNTL}\n"
        "  - {id: B, regex: 'alarm', type: ALRU}\n"
        "  - {id: C, regex: '(X', type: ALRU}\n"
        "  - {id: C, regex: 'X', type: ALRU, extra: 1}\n"
    )
    with pytest.raises(ConfigError) as err:
        load_typemap(_write(tmp_path, body))
    message = str(err.value)
    assert "\n" not in message
    assert "bad.yaml line 7, patterns[3].extra: Extra inputs are not permitted" in message


def test_regex_problems_each_named(tmp_path):
    body = (
        "source: bad\ndescription: x\npatterns:\n"
        "  - {id: A, regex: '(?=X)Y', type: MNTL}\n"
        "  - {id: B, regex: 'alarm', type: ALRU}\n"
        "  - {id: C, regex: '(X', type: ALRU}\n"
        "  - {id: C, regex: 'X', type: NOPE}\n"
    )
    with pytest.raises(ConfigError) as err:
        load_typemap(_write(tmp_path, body))
    message = str(err.value)
    assert "line 4, patterns[0].regex: '(?=' is not portable to RE2" in message
    assert "line 5, patterns[1].regex: 'alarm' has lower-case letters" in message
    assert "line 6, patterns[2].regex: '(X' is not a valid regex" in message
    assert "line 7, patterns[3].id: 'C' repeats" in message
    assert "line 7, patterns[3].type: 'NOPE' is not a canonical call type" in message


def test_broken_yaml_rejected(tmp_path):
    with pytest.raises(ConfigError, match=r"bad\.yaml line 4: not valid YAML \(expected"):
        load_typemap(_write(tmp_path, "source: bad\nexact:\n  - [unclosed\n"))
