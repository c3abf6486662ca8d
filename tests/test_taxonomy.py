"""The canonical call-type taxonomy: APCO alignment, categories, flags, validation."""

from __future__ import annotations

import csv

import pytest

from altresponse.errors import ConfigError, UsageError
from altresponse.taxonomy import CATEGORIES, UNKNOWN, load_taxonomy

from paths import REFERENCE


@pytest.fixture(scope="module")
def apco_codes() -> set[str]:
    path = REFERENCE / "apco_common_incident_types_2.103.2-2019.csv"
    with path.open(newline="", encoding="utf-8") as f:
        return {row["code"] for row in csv.DictReader(f)}


def test_every_apco_code_is_in_the_standard(apco_codes):
    tax = load_taxonomy()
    flagged = [t.code for t in tax if t.apco]
    assert len(flagged) > 150
    assert [c for c in flagged if c not in apco_codes] == []


def test_non_apco_codes_are_few_and_not_apco(apco_codes):
    ours = [t.code for t in load_taxonomy() if not t.apco]
    assert ours == [UNKNOWN]
    assert not set(ours) & apco_codes


def test_required_codes_and_categories():
    tax = load_taxonomy()
    expected = {
        "MNTL": "behavioral_health", "MTLV": "behavioral_health", "EDP": "behavioral_health",
        "SUICTHRT": "behavioral_health", "SUICIDE": "behavioral_health", "TRESPASS": "trespass",
        "WELFARE": "welfare", "INTOX": "substance_use", "PHANDLE": "disorder", "VAG": "disorder",
        "INDECENT": "disorder", "DISORD": "disorder", "NOISE": "disorder", "DVNA": "violent_crime",
        "DVA": "violent_crime", "ASSAULT": "violent_crime", "FIGHT": "violent_crime",
        "SHOOT": "violent_crime", "WEAPON": "violent_crime", "LARCENY": "property_crime",
        "BURGLARY": "property_crime", "TSTOP": "traffic", "MVA": "traffic", "ALMB": "alarm",
        "ADMIN": "administrative", "UNKNOWN": "other",
    }
    assert {c: tax.category(c) for c in expected} == expected


def test_every_category_is_used_and_valid():
    tax = load_taxonomy()
    used = {t.category for t in tax}
    assert used == set(CATEGORIES)
    assert len(CATEGORIES) == 13


def test_flags_where_risk_rules_need_them():
    tax = load_taxonomy()
    assert set(tax.with_flag("weapon")) >= {"WEAPON", "SHOOT", "STABBING", "NCRASLTWF"}
    assert set(tax.with_flag("violence")) >= {"MTLV", "DVA", "ASSAULT", "FIGHT"}
    assert "MNTL" not in tax.with_flag("violence")
    assert "EDP" not in tax.with_flag("violence")
    assert tax["SUICIDE"].injury and not tax["SUICTHRT"].injury


def test_load_is_cached_and_codes_ordered():
    assert load_taxonomy() is load_taxonomy()
    codes = load_taxonomy().codes
    assert codes[0] == "MNTL" and len(codes) == len(set(codes))


def test_unknown_code_is_a_usage_error():
    with pytest.raises(UsageError, match="'NOPE' is not a canonical call type"):
        load_taxonomy().category("NOPE")


def _write(tmp_path, body: str):
    path = tmp_path / "tax.yaml"
    path.write_text(body, encoding="utf-8")
    return path


HEAD = "version: 1\nstandard: test\ncategories: {other: x}\ntypes:\n"


def test_bad_category_names_file_line_and_key(tmp_path):
    path = _write(tmp_path, HEAD + "  - {code: UNKNOWN, description: x, category: other, apco: false}\n"
                  "  - {code: FOO, description: x, category: weird, apco: false}\n")
    with pytest.raises(ConfigError) as err:
        load_taxonomy(path)
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith("tax.yaml line 6, types[1].category:")
    assert "'weird'" in message and "behavioral_health" in message


def test_unknown_key_and_duplicate_code_rejected(tmp_path):
    path = _write(tmp_path, HEAD + "  - {code: UNKNOWN, description: x, category: other, apco: false, colour: red}\n")
    with pytest.raises(ConfigError, match=r"line 5, types\[0\]\.colour: unknown key .colour."):
        load_taxonomy(path)
    path = _write(tmp_path, HEAD + "  - {code: UNKNOWN, description: x, category: other, apco: false}\n"
                  "  - {code: UNKNOWN, description: y, category: other, apco: false}\n")
    with pytest.raises(ConfigError, match=r"line 6, types\[1\]\.code: code 'UNKNOWN' repeats types\[0\]"):
        load_taxonomy(path)


def test_missing_fallback_and_broken_yaml(tmp_path):
    path = _write(tmp_path, HEAD + "  - {code: FOO, description: x, category: other, apco: false}\n")
    with pytest.raises(ConfigError, match="fallback type 'UNKNOWN' is missing"):
        load_taxonomy(path)
    path = _write(tmp_path, HEAD + "  - {code: FOO, description: [x\n")
    with pytest.raises(ConfigError, match=r"tax\.yaml line \d+: not valid YAML"):
        load_taxonomy(path)
    path = _write(tmp_path, "version: 1\nversion: 2\n")
    with pytest.raises(ConfigError, match="line 2, version: key repeated"):
        load_taxonomy(path)


def test_docs_list_every_category_and_the_exact_flag_sets():
    from paths import REPO

    doc = (REPO / "docs" / "taxonomy.md").read_text(encoding="utf-8")
    tax = load_taxonomy()
    for category in CATEGORIES:
        assert f"| `{category}` |" in doc
    for flag in ("weapon", "violence", "injury"):
        assert f"| `{flag}` | {', '.join(tax.with_flag(flag))} |" in doc
