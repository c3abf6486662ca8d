"""Splitting raw CSV bytes into records, each with the physical lines it spans.

The parser (pyarrow) sees only records this module has already delimited, so every row of a
file is accounted for whatever the bytes do: a record is counted even when a cell is huge
(the buffer grows), line endings may be LF, CRLF or CR (mixed too), blank lines are skipped
and counted, and a quote that never closes costs one line, not the rest of the file.

Quoting follows the parser's rules: a quote opens a quoted value only at the start of a
field, ``""`` inside it is a quote, and the value may continue after the closing quote.
A quoted value may span line breaks, but a record spanning more than ``max_row_lines``
physical lines (or more than ``MAX_QUOTED_BYTES``) is a quote that was never meant to
close: its first line becomes a malformed record and splitting resumes on the next line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import BinaryIO, Iterator

import numpy as np

READ_BYTES = 4 << 20  # bytes read from the file per step
MAX_ROW_BYTES = 1 << 20  # a record longer than this is quarantined (malformed_row), not parsed
MAX_QUOTED_BYTES = 64 << 20  # a quote still open after this many bytes is an unclosed quote
RAW_KEPT = 2000  # characters of an oversized record kept in quarantine's raw


@dataclass
class Records:
    """One step's records: text (no terminator), first line, last line; plus what was skipped."""

    rows: list[bytes] = field(default_factory=list)
    number: list[int] = field(default_factory=list)  # record number (1 = the first record, the header)
    first_line: list[int] = field(default_factory=list)
    last_line: list[int] = field(default_factory=list)
    malformed: list[tuple[int, int, int, bytes, str]] = field(default_factory=list)  # (number, first, last, raw, detail)
    blank_lines: int = 0


def _record_regex(delimiter: bytes, quote: bytes, *, one_line: bool = False) -> re.Pattern:
    """A record; with ``one_line``, a record within one line followed by its line end (group 2)."""
    d, q = re.escape(delimiter), re.escape(quote)
    eol = rb"\r\n" if one_line else b""
    rest = rb"[^" + d + rb"\r\n]*"
    inner = rb"[^" + q + eol + rb"]*"
    quoted = q + inner + rb"(?:" + q + q + inner + rb")*" + q + rest
    plain = rb"(?!" + q + rb")" + rest
    one = rb"(?:" + quoted + rb"|" + plain + rb")"
    record = one + rb"(?:" + d + one + rb")*"
    if one_line:
        return re.compile(rb"(" + record + rb")(\r\n|\n|\r)")
    return re.compile(record)


# A line of bytes \s only (space, tab, \n, \r, \f, \v): the same lines as ``(?m)^\s*$``, found
# ~10× faster, since a search for (?m)^ tries every byte of the buffer and these only each line break.
_BLANK_FIRST = re.compile(rb"[ \t\r\f\v]*(?:\n|\Z)")
_BLANK_LATER = re.compile(rb"\n[ \t\r\f\v]*(?:\n|\Z)")


def _has_blank_line(text: bytes) -> bool:
    return _BLANK_FIRST.match(text) is not None or _BLANK_LATER.search(text) is not None


def _may_have_blank_line(lines: list[bytes]) -> bool:
    """False when no line can be blank: every line then starts with a byte above the space, so
    the smallest line (bytes order) does too. One C-speed pass instead of a regex search (~14 ms
    a 4 MB step)."""
    if not lines:
        return False
    low = min(lines)
    return not low or low[0] <= 0x20


def _quotes_pair_within_lines(buf: bytes, end: int, q: int, d: int) -> bool:
    """Whether ``buf[:end]`` is quoted the plain way, so every line is one record.

    True when its quotes pair up in order, each pair opening at a field start (after a
    delimiter or a line start) and closing before a delimiter or a line end, with no line
    break and no doubled quote inside: then no quoted value spans a line. Anything else
    (a quote inside a field, ``""``, a quoted line break) goes the careful way.
    """
    a = np.frombuffer(buf, dtype=np.uint8, count=end)
    qp = np.flatnonzero(a == q)
    if len(qp) % 2:
        return False
    opens, closes = qp[0::2], qp[1::2]
    before = a[np.maximum(opens - 1, 0)]
    if not (_is_bound(before, d) | (opens == 0)).all():
        return False
    after = a[np.minimum(closes + 1, end - 1)]
    if not (_is_bound(after, d) | (closes == end - 1)).all():
        return False
    # a break inside a pair has an odd number of quotes before it (breaks are few, quotes many)
    breaks = np.flatnonzero((a == 10) | (a == 13))
    return bool((np.searchsorted(qp, breaks) % 2 == 0).all())


def _is_bound(b: np.ndarray, d: int) -> np.ndarray:
    """Delimiter, LF or CR."""
    return (b == d) | (b == 10) | (b == 13)


def _line_end(buf: bytes, p: int) -> int:
    ends = [i for i in (buf.find(b"\n", p), buf.find(b"\r", p)) if i >= 0]
    return min(ends) if ends else len(buf)


def _line_breaks(text: bytes) -> int:
    return text.count(b"\n") + text.count(b"\r") - text.count(b"\r\n")


class Splitter:
    """Streams records out of a binary stream (already decompressed)."""

    def __init__(self, stream: BinaryIO, *, delimiter: str, quote_char: str, max_row_lines: int):
        self.stream = stream
        self.q = quote_char.encode()
        self.d = delimiter.encode()[0]
        self.regex = _record_regex(delimiter.encode(), self.q)
        self.line_regex = _record_regex(delimiter.encode(), self.q, one_line=True)
        self.max_row_lines = max_row_lines
        self.line = 1  # physical line number of the next unread byte's line
        self.record = 1  # number of the next record (blank lines count, as lines do)
        self.bytes_read = 0

    def __iter__(self) -> Iterator[Records]:
        buf = b""
        eof = False
        first = True
        while not (eof and not buf):
            if not eof:
                chunk = self.stream.read(READ_BYTES)
                self.bytes_read += len(chunk)
                eof = not chunk
                if first and chunk:
                    chunk = chunk.removeprefix(b"\xef\xbb\xbf")
                    first = False
                buf += chunk
            out = Records()
            used = self._split(buf, eof, out)
            buf = buf[used:]
            if out.rows or out.malformed or out.blank_lines:
                yield out
            elif eof and buf:  # nothing could be taken from a final fragment: cannot happen, but never loop
                out.malformed.append((self.record, self.line, self.line, buf, "unreadable end of file"))
                buf = b""
                yield out

    # -- one buffer
    def _split(self, buf: bytes, eof: bool, out: Records) -> int:
        if self.q not in buf:
            return self._split_plain(buf, eof, out)
        end = len(buf) if eof else max(buf.rfind(b"\n"), buf.rfind(b"\r", 0, len(buf) - 1)) + 1
        if end and _quotes_pair_within_lines(buf, end, self.q[0], self.d):
            return self._split_plain(buf[:end], True, out)
        return self._split_quoted(buf, eof, out)

    def _add(self, out: Records, rec: bytes, lines: int) -> None:
        first, last = self.line, self.line + lines - 1
        self.line = last + 1
        number = self.record
        self.record += 1
        if not rec.strip():
            out.blank_lines += lines
        elif len(rec) > MAX_ROW_BYTES:
            shown = rec[:RAW_KEPT] + b"..."
            out.malformed.append((number, first, last, shown, f"row of {len(rec):,} bytes is over the {MAX_ROW_BYTES:,}-byte limit"))
        else:
            out.rows.append(rec)
            out.number.append(number)
            out.first_line.append(first)
            out.last_line.append(last)

    def _split_plain(self, buf: bytes, eof: bool, out: Records) -> int:
        """No quote in the buffer: every line is a record."""
        end = len(buf)
        if not eof:
            end = max(buf.rfind(b"\n"), buf.rfind(b"\r", 0, len(buf) - 1)) + 1  # a final CR may start CRLF
            if end == 0:
                return self._oversized_line(buf, out) if len(buf) > MAX_QUOTED_BYTES else 0
        if end == 0:
            return 0
        body = buf[:end]
        if b"\r" in body:  # the test alone is ~20× cheaper than the two replaces
            body = body.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        lines = body.split(b"\n")
        if body.endswith(b"\n"):
            lines.pop()
        self._add_lines(lines, body.removesuffix(b"\n"), out)
        return end

    def _add_lines(self, lines: list[bytes], joined: bytes, out: Records) -> None:
        """One-line records in bulk (one at a time only if one is blank or oversized)."""
        blank = _may_have_blank_line(lines) and _has_blank_line(joined)
        if blank or (len(joined) > MAX_ROW_BYTES and max(map(len, lines)) > MAX_ROW_BYTES):
            for rec in lines:
                self._add(out, rec, 1)
            return
        n = len(lines)
        out.rows.extend(lines)
        out.number.extend(range(self.record, self.record + n))
        self.record += n
        out.first_line.extend(range(self.line, self.line + n))
        out.last_line.extend(range(self.line, self.line + n))
        self.line += n

    def _one_line_records(self, buf: bytes, p: int, eof: bool, out: Records) -> int:
        """Consecutive records that each fit on their line, from ``p``; returns where they end."""
        n, pos, recs = len(buf), p, []
        match = self.line_regex.match  # anchored: a search ahead would rescan a huge cell
        while (m := match(buf, pos)) is not None:
            if m.end() == n and not eof and m.group(2) == b"\r":
                break  # a CR that may start a CRLF
            recs.append(m.group(1))
            pos = m.end()
        if recs:
            self._add_lines(recs, b"\n".join(recs), out)
        return pos

    def _oversized_line(self, buf: bytes, out: Records) -> int:
        # a line with no end in sight: count what we have as one record and go on
        self._add(out, buf, 1)
        self.line -= 1  # the line continues
        self.record -= 1
        return len(buf)

    def _split_quoted(self, buf: bytes, eof: bool, out: Records) -> int:
        p, n = 0, len(buf)
        last_q = buf.rfind(self.q)
        while p < n:
            nq = buf.find(self.q, p)
            if nq < 0:  # no quote in the rest: plain lines
                return p + self._split_plain(buf[p:], eof, out)
            line_start = max(buf.rfind(b"\n", p, nq), buf.rfind(b"\r", p, nq)) + 1
            if line_start > p:  # whole lines before the next quote: plain too
                p += self._split_plain(buf[p:line_start], True, out)
                continue
            after = self._one_line_records(buf, p, eof, out)
            if after > p:
                p = after
                continue
            # the last quote of the buffer cannot be closed in it: match within its line only
            m = self.regex.match(buf, p, _line_end(buf, p)) if nq == last_q else self.regex.match(buf, p)
            e = m.end() if m else p  # no field at all: a quote that never closes
            if e < n and buf[e : e + 1] in (b"\n", b"\r"):
                t = e + 1
                if buf[e : e + 1] == b"\r":
                    if t == n and not eof:
                        break  # CR at the end of the buffer: maybe CRLF
                    if buf[t : t + 1] == b"\n":
                        t += 1
            elif e == n:
                if not eof:
                    break
                t = n
            else:  # a quoted value not closed in the buffer
                if not eof and n - p <= MAX_QUOTED_BYTES:
                    break
                p = self._broken_quote(buf, p, eof, out, "quote opened on this line is never closed")
                continue
            rec = buf[p:e]
            lines = _line_breaks(rec) + 1 if self.q in rec else 1
            if lines > self.max_row_lines:
                p = self._broken_quote(
                    buf, p, eof, out, f"quote opened on this line closes {lines - 1} lines later (over format.max_row_lines {self.max_row_lines})"
                )
                continue
            self._add(out, rec, lines)
            p = t
        return p

    def _broken_quote(self, buf: bytes, p: int, eof: bool, out: Records, detail: str) -> int:
        """The physical line at ``p`` is one malformed record; return where the next line starts."""
        m = re.compile(rb"\r\n|\r|\n").search(buf, p)
        end, t = (m.start(), m.end()) if m else (len(buf), len(buf))
        out.malformed.append((self.record, self.line, self.line, buf[p:end], detail))
        self.line += 1
        self.record += 1
        return t
