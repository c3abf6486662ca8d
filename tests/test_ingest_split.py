"""The record splitter's fast checks find what their slower definitions find."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from altresponse.ingest.split import _has_blank_line

_DEFINITION = re.compile(rb"(?m)^\s*$")  # the check the splitter used before (a line of \s only)
_PIECES = [b"a", b" ", b"\t", b"\n", b"\r", b"\x0b", b"\x0c", b",", b'"', b"\n\n", b"\r\n", b"\x1c", b"\xa0"]


@settings(max_examples=500, derandomize=True, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=12))
def test_blank_line_check_is_the_regex(pieces):
    text = b"".join(pieces)
    assert _has_blank_line(text) == (_DEFINITION.search(text) is not None)


def test_blank_line_check_by_hand():
    assert _has_blank_line(b"")
    assert _has_blank_line(b"a\n \t\nb")
    assert _has_blank_line(b" \nb") and _has_blank_line(b"a\n") and _has_blank_line(b"a\n\x0b")
    assert not _has_blank_line(b"a\nb") and not _has_blank_line(b"a\n\xa0\nb")


def _pairs_by_definition(buf: bytes, end: int, q: int, d: int) -> bool:
    """The check as first written: each pair's open and close have the same breaks before them."""
    import numpy as np

    a = np.frombuffer(buf, dtype=np.uint8, count=end)
    qp = np.flatnonzero(a == q)
    if len(qp) % 2:
        return False
    opens, closes = qp[0::2], qp[1::2]
    bounds = np.array([d, 10, 13], dtype=np.uint8)
    if not (np.isin(a[np.maximum(opens - 1, 0)], bounds) | (opens == 0)).all():
        return False
    if not (np.isin(a[np.minimum(closes + 1, end - 1)], bounds) | (closes == end - 1)).all():
        return False
    breaks = np.flatnonzero((a == 10) | (a == 13))
    return bool((np.searchsorted(breaks, opens) == np.searchsorted(breaks, closes)).all())


@settings(max_examples=500, derandomize=True, deadline=None)
@given(st.lists(st.sampled_from([b'"', b",", b"\n", b"\r", b"a", b'"a"', b'"a,b"', b"\r\n"]), min_size=1, max_size=16))
def test_quote_pairing_is_the_definition(pieces):
    from altresponse.ingest.split import _quotes_pair_within_lines

    buf = b"".join(pieces)
    assert _quotes_pair_within_lines(buf, len(buf), ord('"'), ord(",")) == _pairs_by_definition(buf, len(buf), ord('"'), ord(","))


def test_blank_line_prefilter_never_misses_a_blank_line():
    """``_may_have_blank_line`` (a shortcut) must be True whenever the regex finds a blank line."""
    import random

    from altresponse.ingest.split import _has_blank_line, _may_have_blank_line

    rng = random.Random(14)
    alphabet = [b" ", b"\t", b"\x0b", b"\x0c", b"\r", b"a", b'"', b",", b"\x00", b"\x1f", b"!", b"\xc3\xa9"]
    for _ in range(3000):
        lines = [b"".join(rng.choice(alphabet) for _ in range(rng.randint(0, 4))) for _ in range(rng.randint(0, 6))]
        if _has_blank_line(b"\n".join(lines)) and lines:
            assert _may_have_blank_line(lines), lines
