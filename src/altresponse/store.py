"""The store: a directory of parquet files, one sub-directory per table.

    STORE/calls/<ingest_id>.parquet        canonical calls (one part per ingested file)
    STORE/quarantine/<ingest_id>.parquet   rows that could not be loaded, with reasons
    STORE/force/<ingest_id>.parquet        use-of-force incidents
    STORE/ingests/<ingest_id>.json         the ingest report of each run
    STORE/classified/<program_id>.parquet  calls + classification columns, per program

Parts are named by the content hash of the input file and adapter, so re-ingesting the
same file adds nothing and a new month appends a new part.
"""

from __future__ import annotations

from pathlib import Path

from .errors import InputError

TABLES = ("calls", "quarantine", "force", "ingests", "classified")


def table_dir(store: str | Path, table: str) -> Path:
    """Directory of one table inside the store."""
    return Path(store) / table


def parts(store: str | Path, table: str) -> list[Path]:
    """Parquet parts of a table, sorted by name (stable order)."""
    return sorted(table_dir(store, table).glob("*.parquet"))


def read_table(store: str | Path, table: str, *, con=None):
    """Open a store table as an Ibis table.

    Raises
    ------
    InputError
        If the store has no parts for that table.
    """
    from .engine import read_parquet

    found = parts(store, table)
    if not found:
        msg = f"{store}: no {table!r} table in this store (run `altresponse ingest` first?)"
        raise InputError(msg)
    return read_parquet(found, con=con)


def calls(store: str | Path, *, con=None):
    """The canonical calls table of a store."""
    return read_table(store, "calls", con=con)
