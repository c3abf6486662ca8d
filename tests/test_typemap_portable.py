"""A type-map regex must read alike in Python ``re`` and RE2: each dialect is asked (typemap/portable.py)."""

from __future__ import annotations

import re

import duckdb
import pytest

from altresponse.errors import ConfigError
from altresponse.typemap import load_typemap
from altresponse.typemap.portable import portability_problems


def _re2_accepts(regex: str) -> bool:
    # the check's answer is compared with DuckDB asked here directly, on a fresh connection
    con = duckdb.connect(":memory:")
    try:
        con.execute("SELECT regexp_matches('', $1)", [regex]).fetchone()
    except duckdb.InvalidInputException:
        return False
    finally:
        con.close()
    return True


# (regex, the piece named): RE2 rejects each; Python 3.11 compiles each
REJECTED_BY_RE2 = [
    ("(?=X)Y", "(?="),  # look-ahead
    ("(?<!X)Y", "(?<"),  # look-behind
    ("(X)\\1", "\\1"),  # back-reference
    ("X\\Z", "\\Z"),  # Python's end of string
    ("X*+", "*+"),  # possessive quantifier
    ("(?>X)", "(?>"),  # atomic group
]
PORTABLE = ["A|B", "\\bWELFARE\\b", "[A-Z]{2,3}", "^CHECK.*$", "(?:ALS|BLS) ?[0-9]"]


@pytest.mark.parametrize(("regex", "piece"), REJECTED_BY_RE2)
def test_what_re2_rejects_is_named_with_its_piece(regex, piece):
    re.compile(regex, re.ASCII)  # Python reads it: only RE2 objects
    assert not _re2_accepts(regex)
    assert portability_problems([regex])[regex].startswith(f"{piece!r} is not portable to RE2 (RE2 says \"")


@pytest.mark.parametrize("regex", PORTABLE)
def test_what_both_read_passes(regex):
    assert _re2_accepts(regex)
    assert portability_problems([regex]) == {}


def test_inline_flags_are_refused_though_both_accept_them():
    assert _re2_accepts("(?i)X")
    assert portability_problems(["(?i)X", "(?m)^X"]) == {
        "(?i)X": "'(?i)' is not portable to RE2 (an inline flag: the text is upper-cased on one line, so none is needed)",
        "(?m)^X": "'(?m)' is not portable to RE2 (an inline flag: the text is upper-cased on one line, so none is needed)",
    }


def test_a_regex_python_rejects_is_left_to_the_invalid_regex_line():
    assert portability_problems(["(X"]) == {}


def test_one_line_per_pattern_with_file_line_and_key(tmp_path):
    body = "source: bad\ndescription: x\npatterns:\n" + "".join(
        f"  - {{id: P{i}, regex: '{regex}', type: ALRU}}\n" for i, (regex, _) in enumerate(REJECTED_BY_RE2)
    )
    path = tmp_path / "bad.yaml"
    path.write_text(body)
    with pytest.raises(ConfigError) as err:
        load_typemap(path)
    lines = str(err.value).split("; ")
    assert len(lines) == len(REJECTED_BY_RE2)
    for i, (line, (_, piece)) in enumerate(zip(lines, REJECTED_BY_RE2)):
        assert line.startswith(f"bad.yaml line {4 + i}, patterns[{i}].regex: {piece!r} is not portable to RE2")
