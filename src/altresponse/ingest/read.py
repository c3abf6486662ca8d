"""Streaming reader of CSV(.gz) or parquet as string batches; rows it cannot parse become quarantine rows.

CSV bytes are first cut into records by :mod:`.split` (which knows each record's physical
lines), decoded by the adapter's ``format.encoding`` (a row that does not decode is
quarantined ``invalid_encoding`` with its bytes shown), then parsed by pyarrow one step at a
time. A record with the wrong number of fields is ``malformed_row`` with its raw text.
"""

from __future__ import annotations

import codecs
import gzip
import zlib
import io
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ..adapter import Adapter, normalise_header
from ..calls import QUARANTINE_SCHEMA, QuarantineReason
from ..errors import AdapterError, InputError
from .split import READ_BYTES, Records, Splitter

BLOCK_SIZE = READ_BYTES  # bytes of CSV read per batch
PARQUET_BATCH_ROWS = 65_536


@dataclass
class Unparsed:
    """A record that was counted but could not be parsed into fields."""

    row: int  # data row number (records, the header being 0)
    raw: str
    detail: str
    reason: str = QuarantineReason.MALFORMED_ROW.value


class Reader:
    """Streams string-only record batches from CSV(.gz) or parquet, recording unparsed rows."""

    def __init__(self, path: Path, adapter: Adapter):
        self.path = path
        self.adapter = adapter
        self.unparsed: list[Unparsed] = []
        self.blank_lines = 0
        self.header: list[str] = []
        self.size = max(path.stat().st_size, 1)
        self._raw = None
        self._records: Iterator[Records] | None = None
        self._header = 1  # record number of the header
        self._pending: Records | None = None
        self.is_parquet = path.suffix.lower() in (".parquet", ".pq")
        fmt = adapter.format
        try:
            self.codec = codecs.lookup(fmt.encoding).name
        except LookupError:
            msg = f"adapter {adapter.name}, format.encoding: unknown encoding {fmt.encoding!r}"
            raise AdapterError(msg) from None

    def _open_stream(self):
        try:
            self._raw = open(self.path, "rb")  # noqa: SIM115 - closed when the reader is dropped
        except OSError as exc:
            msg = f"{self.path}: cannot read ({exc.strerror})"
            raise InputError(msg) from None
        if self.path.suffix.lower() in (".gz", ".gzip"):
            return gzip.GzipFile(fileobj=self._raw)  # a truncated or corrupt file raises while reading
        return self._raw

    def fraction(self) -> float:
        try:
            return min(self._raw.tell() / self.size, 1.0) if self._raw is not None else 0.0
        except (OSError, ValueError):
            return 1.0

    def read_header(self) -> list[str] | None:
        """The header's column names, or None for an empty file (zero bytes, a BOM, blank lines)."""
        if self.is_parquet:
            try:
                names = pq.ParquetFile(str(self.path)).schema_arrow.names
            except (pa.ArrowInvalid, OSError) as exc:
                msg = f"{self.path}: not a readable parquet file ({exc})"
                raise InputError(msg) from None
            self.header = [normalise_header(n) for n in names]
            return self.header
        fmt = self.adapter.format
        splitter = Splitter(self._open_stream(), delimiter=fmt.delimiter, quote_char=fmt.quote_char, max_row_lines=fmt.max_row_lines)
        self._records = iter(splitter)
        while True:
            step = self._next_step()
            if step is None:
                return None
            if step.rows:
                break
            if step.malformed:  # the first line is itself broken: take it as the header anyway
                number, first, _, raw, _ = step.malformed.pop(0)
                step.rows.insert(0, raw)
                step.number.insert(0, number)
                step.first_line.insert(0, first)
                step.last_line.insert(0, first)
                break
        self._header, header_line = step.number[0], step.first_line[0]
        text = step.rows[0].decode(self.codec, errors="replace")
        first = next(iter(_csv_rows(text, fmt.delimiter, fmt.quote_char)), [])
        self.header = unique_names([normalise_header(n) for n in first])
        del step.rows[0], step.number[0], step.first_line[0], step.last_line[0]
        step.blank_lines -= header_line - 1  # blank lines before the header are not data
        self._pending = step
        return self.header

    def _next_step(self) -> Records | None:
        try:
            return next(self._records)
        except StopIteration:
            return None
        except (OSError, pa.ArrowException, EOFError, zlib.error) as exc:
            msg = f"{self.path}: cannot read ({str(exc).splitlines()[0] if str(exc) else type(exc).__name__})"
            raise InputError(msg) from None

    def batches(self) -> Iterator[tuple[pa.RecordBatch, np.ndarray]]:
        """Yield (batch of string columns, 1-based data row numbers)."""
        for step in self.steps():
            batch, rows, unparsed = self.parse(step)
            self.unparsed += unparsed
            if batch is not None:
                yield batch, rows

    def steps(self) -> Iterator:
        """The file cut into steps, in order: the part that must run one step after another.
        Each step goes to :meth:`parse`, which may run on any thread."""
        try:
            if self.is_parquet:
                yield from self._parquet_batches()
                return
            step, self._pending = self._pending, None
            while step is not None:
                self.blank_lines += step.blank_lines
                yield step
                step = self._next_step()
        finally:
            self.close()

    def parse(self, step) -> tuple[pa.RecordBatch | None, np.ndarray | None, list[Unparsed]]:
        """(batch or None, its data row numbers, the step's records that could not be parsed)."""
        if isinstance(step, tuple):  # parquet: read as a batch already
            return step[0], step[1], []
        unparsed: list[Unparsed] = []
        batch, rows = self._parse_step(step, unparsed)
        return batch, rows, unparsed

    def close(self) -> None:
        """Close the input file."""
        if self._raw is not None:
            self._raw.close()

    def _parquet_batches(self):
        self._raw = pa.OSFile(str(self.path), "rb")
        pf = pq.ParquetFile(self._raw)
        start = 0
        for batch in pf.iter_batches(batch_size=PARQUET_BATCH_ROWS):
            cols = [c if pa.types.is_string(c.type) else _to_string(c) for c in batch.columns]
            out = pa.RecordBatch.from_arrays(cols, names=self.header)
            rows = np.arange(start + 1, start + out.num_rows + 1, dtype=np.int64)
            start += out.num_rows
            yield out, rows

    # -- one step of records
    def _parse_step(self, step: Records, unparsed: list[Unparsed]):
        h = self._header
        for number, first, last, raw, detail in step.malformed:
            unparsed.append(Unparsed(number - h, _shown(raw, self.codec), _lines(first, last) + detail))
        rows, number, first_line, last_line, joined = self._decoded(step, unparsed)
        if not rows:
            return None, None
        table, bad = _parse(rows, self.header, self.adapter.format, joined)
        for i, detail in bad:
            unparsed.append(Unparsed(number[i] - h, rows[i].decode("utf-8"), _lines(first_line[i], last_line[i]) + detail))
        keep = np.ones(len(rows), dtype=bool)
        keep[[i for i, _ in bad]] = False
        numbers = np.asarray(number, dtype=np.int64)[keep] - h
        if table.num_rows:
            return table.combine_chunks().to_batches()[0], numbers
        return None, None

    def _decoded(self, step: Records, unparsed: list[Unparsed]) -> tuple[list[bytes], list[int], list[int], list[int], bytes | None]:
        """Rows as UTF-8 bytes (and, when all of a UTF-8 step decode, the rows joined by line feeds,
        which the parse reuses: a join of a 4 MB step costs ~16 ms with the GIL held); rows that do
        not decode are quarantined invalid_encoding."""
        rows = step.rows
        try:
            if self.codec == "utf-8":
                joined = b"\n".join(rows)
                joined.decode("utf-8")
                return rows, step.number, step.first_line, step.last_line, joined
            return _each(rows, self.codec), step.number, step.first_line, step.last_line, None
        except UnicodeDecodeError:
            pass
        good, numbers, first, last = [], [], [], []
        h = self._header
        for r, k, a, b in zip(rows, step.number, step.first_line, step.last_line):
            try:
                good.append(r.decode(self.codec).encode("utf-8"))
                numbers.append(k)
                first.append(a)
                last.append(b)
            except UnicodeDecodeError as exc:
                detail = f"{_lines(a, b)}byte {r[exc.start:exc.start + 1]!r} at position {exc.start} is not {self.adapter.format.encoding} (set format.encoding if the file is e.g. latin-1)"
                unparsed.append(Unparsed(k - h, _shown(r, self.codec), detail, QuarantineReason.INVALID_ENCODING.value))
        return good, numbers, first, last, None


def _each(rows: list[bytes], codec: str) -> list[bytes]:
    return [r.decode(codec).encode("utf-8") for r in rows]


def _lines(first: int, last: int) -> str:
    return f"file lines {first}-{last}: " if last > first else f"file line {first}: "


def _shown(raw: bytes, codec: str) -> str:
    """Raw bytes as text; bytes that do not decode are kept visible as \\xNN escapes."""
    try:
        return raw.decode(codec)
    except UnicodeDecodeError:
        return raw.decode("utf-8", errors="backslashreplace")


def _csv_rows(text: str, delimiter: str, quote: str):
    import csv

    return csv.reader(io.StringIO(text), delimiter=delimiter, quotechar=quote)


THREADED_BYTES = 1 << 20  # records of a step parsed in blocks of this size on all cores


def _parse(rows: list[bytes], names: list[str], fmt, joined: bytes | None = None) -> tuple[pa.Table, list[tuple[int, str]]]:
    """Parse delimited records; returns the table and (index, detail) of records with a wrong field count.

    A large step is parsed in blocks on all cores first; it is kept only if every record came
    out as one row (the parser then numbers no row, so a record with a wrong field count
    sends the step to the one-block parse below, which says which record it was).
    """
    data = (b"\n".join(rows) if joined is None else joined) + b"\n"
    if len(data) > 2 * THREADED_BYTES:
        try:
            table, bad = _read_csv(data, names, fmt, THREADED_BYTES, threads=True)
        except pa.ArrowException:  # e.g. a record longer than a block: the one-block parse decides
            table, bad = None, [None]
        if not bad and table.num_rows == len(rows):
            return table, bad
    table, bad = _read_csv(data, names, fmt, len(data) + 1, threads=False)
    if table.num_rows + len(bad) == len(rows) and all(0 <= i < len(rows) for i, _ in bad):
        return table, bad
    # the parser split records differently from the splitter: parse them one at a time
    parts, bad = [], []
    for i, r in enumerate(rows):
        t, b = _parse([r], names, fmt)
        if b or t.num_rows != 1:
            bad.append((i, b[0][1] if b else "cannot split into fields"))
        else:
            parts.append(t)
    schema = pa.schema([pa.field(n, pa.string()) for n in names])
    return (pa.concat_tables(parts) if parts else schema.empty_table()), bad


def _read_csv(data: bytes, names: list[str], fmt, block_size: int, *, threads: bool) -> tuple[pa.Table, list[tuple[int, str]]]:
    bad: list[tuple[int, str]] = []

    def on_invalid(row) -> str:
        number = row.number if row.number is not None else 0  # None when parsed on several threads
        bad.append((number - 1, f"expected {row.expected_columns} fields, found {row.actual_columns}"))
        return "skip"

    table = pacsv.read_csv(
        io.BytesIO(data),
        read_options=pacsv.ReadOptions(column_names=names, block_size=block_size, use_threads=threads),
        parse_options=pacsv.ParseOptions(
            delimiter=fmt.delimiter, quote_char=fmt.quote_char, newlines_in_values=True,
            ignore_empty_lines=False, invalid_row_handler=on_invalid,
        ),
        convert_options=pacsv.ConvertOptions(
            column_types={n: pa.string() for n in names}, strings_can_be_null=False,
            quoted_strings_can_be_null=False, null_values=[],
        ),
    )
    return table, bad


def _to_string(col: pa.Array) -> pa.Array:
    if pa.types.is_timestamp(col.type):
        return pc.strftime(col, format="%Y-%m-%d %H:%M:%S")
    return pc.cast(col, pa.string())


def unique_names(names: list[str]) -> list[str]:
    """Header names made unique (``a``, ``a.2``), an empty name becoming ``column``."""
    seen: Counter = Counter()
    out = []
    for n in names:
        n = n or "column"
        seen[n] += 1
        out.append(n if seen[n] == 1 else f"{n}.{seen[n]}")
    return out


def unparsed_table(items: list[Unparsed], source: str, path, ingest_id: str) -> pa.Table:
    """Quarantine rows for records that could not be parsed."""
    return pa.table(
        {
            "source": [source] * len(items),
            "source_file": [Path(path).name] * len(items),
            "source_row": [u.row if u.row > 0 else None for u in items],
            "reason": [u.reason for u in items],
            "detail": [u.detail for u in items],
            "raw": [u.raw for u in items],
            "ingest_id": [ingest_id] * len(items),
        },
        schema=QUARANTINE_SCHEMA,
    )
