"""Streaming reader of CSV(.gz) or parquet as string batches; malformed rows become quarantine rows."""

from __future__ import annotations

import csv
import io
from collections import Counter
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

BLOCK_SIZE = 4 << 20  # bytes of CSV parsed per batch
PARQUET_BATCH_ROWS = 65_536


class _Reader:
    """Streams string-only record batches from CSV(.gz) or parquet, recording malformed rows."""

    def __init__(self, path: Path, adapter: Adapter):
        self.path = path
        self.adapter = adapter
        self.malformed: list[tuple[int, str, str]] = []  # (data row number, text, detail)
        self.skipped_rows: list[int] = []  # data row numbers that are not records (blank or malformed)
        self.header: list[str] = []
        self.size = max(path.stat().st_size, 1)
        self._raw = None
        self.is_parquet = path.suffix.lower() in (".parquet", ".pq")

    # -- CSV helpers
    def _compression(self) -> str | None:
        return "gzip" if self.path.suffix.lower() in (".gz", ".gzip") else None

    def _open_stream(self):
        self._raw = pa.OSFile(str(self.path), "rb")
        comp = self._compression()
        return pa.CompressedInputStream(self._raw, comp) if comp else self._raw

    def fraction(self) -> float:
        try:
            return min(self._raw.tell() / self.size, 1.0) if self._raw is not None else 0.0
        except (OSError, ValueError):
            return 1.0

    def read_header(self) -> list[str] | None:
        if self.is_parquet:
            try:
                names = pq.ParquetFile(str(self.path)).schema_arrow.names
            except (pa.ArrowInvalid, OSError) as exc:
                msg = f"{self.path}: not a readable parquet file ({exc})"
                raise InputError(msg) from None
            self.header = [normalise_header(n) for n in names]
            return self.header
        fmt = self.adapter.format
        try:
            stream = self._open_stream()
            head = stream.read(1 << 20)
            stream.close()
        except (OSError, pa.ArrowInvalid) as exc:
            msg = f"{self.path}: cannot read ({exc})"
            raise InputError(msg) from None
        if not head.strip():
            return None
        try:
            text = head.decode(fmt.encoding, errors="strict")
        except UnicodeDecodeError:
            text = head.decode(fmt.encoding, errors="replace")
        except LookupError:
            msg = f"adapter {self.adapter.name}, format.encoding: unknown encoding {fmt.encoding!r}"
            raise AdapterError(msg) from None
        text = text.lstrip("\ufeff")
        first = next(csv.reader(io.StringIO(text), delimiter=fmt.delimiter, quotechar=fmt.quote_char), [])
        self.header = [normalise_header(n) for n in first]
        return self.header

    def batches(self) -> Iterator[tuple[pa.RecordBatch, np.ndarray]]:
        """Yield (batch of string columns, 1-based data row numbers)."""
        if self.is_parquet:
            yield from self._parquet_batches()
        else:
            yield from self._csv_batches()

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

    def _csv_batches(self):
        fmt = self.adapter.format
        names = _unique(self.header)
        self.header = names

        def on_invalid(row) -> str:
            number = row.number - 1 if row.number and row.number > 0 else -1  # header is line 1
            text = row.text or ""
            if number > 0:
                self.skipped_rows.append(number)
            if row.actual_columns == 1 and text.strip() == "":
                return "skip"  # a blank line is not a record
            detail = f"expected {row.expected_columns} fields, found {row.actual_columns}"
            self.malformed.append((number, text, detail))
            return "skip"

        read = pacsv.ReadOptions(
            column_names=names,
            skip_rows=1,
            block_size=BLOCK_SIZE,
            encoding=fmt.encoding,
            use_threads=False,
        )
        parse = pacsv.ParseOptions(
            delimiter=fmt.delimiter,
            quote_char=fmt.quote_char,
            newlines_in_values=fmt.newlines_in_values,
            ignore_empty_lines=False,
            invalid_row_handler=on_invalid,
        )
        convert = pacsv.ConvertOptions(
            column_types={n: pa.string() for n in names},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
            null_values=[],
        )
        stream = self._open_stream()
        try:
            reader = pacsv.open_csv(stream, read_options=read, parse_options=parse, convert_options=convert)
        except pa.ArrowInvalid as exc:
            if "Empty CSV file" in str(exc):
                return
            msg = f"{self.path}: cannot parse as CSV ({exc})"
            raise InputError(msg) from None
        good_so_far = 0
        while True:
            try:
                batch = reader.read_next_batch()
            except StopIteration:
                break
            except pa.ArrowInvalid as exc:
                # e.g. an unterminated quote at the end of the file: the rest is one malformed row
                self.malformed.append((-1, "", f"CSV parse error: {exc}"))
                break
            bad = np.array(sorted(r for r in self.skipped_rows), dtype=np.int64)
            k = np.arange(good_so_far + 1, good_so_far + batch.num_rows + 1, dtype=np.int64)
            if len(bad):
                k = k + np.searchsorted(bad - np.arange(len(bad)), k, side="right")
            good_so_far += batch.num_rows
            yield batch, k


def _to_string(col: pa.Array) -> pa.Array:
    if pa.types.is_timestamp(col.type):
        return pc.strftime(col, format="%Y-%m-%d %H:%M:%S")
    return pc.cast(col, pa.string())


def _unique(names: list[str]) -> list[str]:
    seen: Counter = Counter()
    out = []
    for n in names:
        n = n or "column"
        seen[n] += 1
        out.append(n if seen[n] == 1 else f"{n}.{seen[n]}")
    return out


def _malformed_table(items, source, path, ingest_id) -> pa.Table:
    return pa.table(
        {
            "source": [source] * len(items),
            "source_file": [Path(path).name] * len(items),
            "source_row": [n if n > 0 else None for n, _, _ in items],
            "reason": [QuarantineReason.MALFORMED_ROW.value] * len(items),
            "detail": [d for _, _, d in items],
            "raw": [t for _, t, _ in items],
            "ingest_id": [ingest_id] * len(items),
        },
        schema=QUARANTINE_SCHEMA,
    )
