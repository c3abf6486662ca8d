"""Ingest: stream a source export through its adapter into the store.

``ingest(paths, adapter, store)`` reads CSV, CSV.gz or parquet in batches (never a whole
file), maps each batch vectorised onto the target table's schema (``calls`` by default),
converts local times to UTC, and writes one part per input file:

    STORE/<table>/<ingest_id>.parquet      loaded rows
    STORE/quarantine/<ingest_id>.parquet   rows not loaded, each with a reason code
    STORE/ingests/<ingest_id>.json         the report

Every input row is either loaded or quarantined (``rows_read == rows_loaded +
rows_quarantined``). ``ingest_id`` is a content hash of the file and the adapter, so
re-ingesting the same file adds nothing and a new file appends.

Time rules (documented in docs/schema.md): an ambiguous local time (the repeated hour when
DST ends) is read as the *first* occurrence (daylight time) and flagged ``ambiguous_dst``;
a nonexistent local time (the skipped hour when DST starts) is shifted forward to the first
valid instant and flagged ``nonexistent_dst``. Intervals that run backwards are flagged
(``dispatched_before_received`` ...), never dropped.

A record over ``MAX_ROW_BYTES`` is quarantined (``malformed_row``) with its line number;
blank lines are skipped and counted (``blank_lines``), not rows.

The package, one job per module: ``split`` (bytes → records with their lines), ``read``
(decoding and parsing records, rows it cannot parse), ``mapping`` (the vectorised mapper),
``values`` (value parsing), ``places`` (coordinates, beats), ``ids`` (ingest id, duplicate-id
index, row hashes), ``tables`` (target-table registry), ``report`` (the reports),
``pipeline`` (the run).
"""

from __future__ import annotations

from .ids import ingest_id_of
from .pipeline import ingest
from .read import BLOCK_SIZE, PARQUET_BATCH_ROWS
from .report import SAMPLE_QUARANTINE, FileReport, IngestReport
from .split import MAX_ROW_BYTES
from .tables import TABLES, TableSpec, register_table, table_spec

__all__ = [
    "BLOCK_SIZE",
    "MAX_ROW_BYTES",
    "PARQUET_BATCH_ROWS",
    "SAMPLE_QUARANTINE",
    "TABLES",
    "FileReport",
    "IngestReport",
    "TableSpec",
    "ingest",
    "ingest_id_of",
    "register_table",
    "table_spec",
]
