"""Helpers for the force-adapter quirk tests: ingest real files into a temporary store."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from altresponse.ingest import ingest


def ingest_force(files, adapter, store: Path):
    """Ingest ``files`` through ``adapter``; returns (report, force table)."""
    report = ingest(files, adapter, store)
    return report, pq.read_table(sorted((store / "force").glob("*.parquet")))


def row(t: pa.Table, column: str, value) -> dict:
    """The first row of ``t`` whose ``column`` equals ``value``."""
    for r in t.to_pylist():
        if r[column] == value:
            return r
    raise KeyError(f"{column}={value!r} not found")
