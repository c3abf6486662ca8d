"""Read a sample of an unknown export: header, delimiter, encoding and each column's values."""

from __future__ import annotations

import csv
import gzip
import io
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError

SAMPLE_ROWS = 50_000
# Tokens that mean "no value" in CAD exports; which ones a file uses is reported.
NULL_TOKENS = ("", "NA", "N/A", "NULL", "null", "<Null>", "None", "none", "#N/A", "-")


@dataclass
class Sample:
    """The first ``rows`` data rows of a file, column by column (raw strings, stripped)."""

    path: Path
    delimiter: str
    encoding: str
    header: list[str]
    columns: dict[str, list[str]] = field(default_factory=dict)
    rows: int = 0
    truncated: bool = False
    null_tokens: dict[str, int] = field(default_factory=dict)
    """Null-looking token -> cells holding it (over all columns)."""

    def values(self, name: str) -> list[str]:
        """Non-null values of a column (null tokens removed)."""
        return [v for v in self.columns[name] if v not in NULL_TOKENS]

    def null_share(self, name: str) -> float:
        col = self.columns[name]
        return sum(v in NULL_TOKENS for v in col) / len(col) if col else 1.0


def read_sample(path: str | Path, *, rows: int = SAMPLE_ROWS) -> Sample:
    """Read up to ``rows`` data rows of a CSV (or .csv.gz) with a sniffed delimiter and encoding.

    Raises
    ------
    InputError
        If the file is missing, empty or has no header line.
    """
    path = Path(path)
    if not path.is_file():
        msg = f"{path}: no such file"
        raise InputError(msg)
    opener = gzip.open if path.suffix.lower() in (".gz", ".gzip") else open
    with opener(path, "rb") as fh:
        raw = fh.read(64 << 20)  # enough for the sample; the rest is never read
    encoding = _encoding(raw)
    text = raw.decode(encoding, errors="replace")
    if not text.strip():
        msg = f"{path}: empty file"
        raise InputError(msg)
    first = text.splitlines()[0]
    delimiter = max(",;\t|", key=first.count) if any(c in first for c in ",;\t|") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [h.replace("\ufeff", "").strip() for h in next(reader)]
    columns: dict[str, list[str]] = {h: [] for h in header}
    n = 0
    truncated = False
    for record in reader:
        if n >= rows:
            truncated = True
            break
        if len(record) != len(header):
            continue  # malformed line: ingest quarantines it; the draft just skips it
        for h, v in zip(header, record):
            columns[h].append(v.strip())
        n += 1
    else:
        truncated = len(raw) >= (64 << 20)
    tokens: dict[str, int] = {}
    for col in columns.values():
        for v in col:
            if v in NULL_TOKENS:
                tokens[v] = tokens.get(v, 0) + 1
    return Sample(path, delimiter, encoding, header, columns, n, truncated, tokens)


def _encoding(raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        return "utf-8"  # the BOM is stripped from the header
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(raw) - 4:  # not just a multi-byte character cut at the end
            return "cp1252"
    return "utf-8"
