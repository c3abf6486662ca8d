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
