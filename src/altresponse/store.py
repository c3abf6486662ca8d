"""The store: a directory of parquet files, one sub-directory per table.

    STORE/calls/<ingest_id>.parquet        canonical calls (one part per ingested file)
    STORE/quarantine/<ingest_id>.parquet   rows that could not be loaded, with reasons
    STORE/force/<ingest_id>.parquet        use-of-force incidents
    STORE/ingests/<ingest_id>.json         the ingest report of each run
    STORE/classified/<program_id>.parquet  calls + classification columns, per program
    STORE/classified/<program_id>.json     what made those labels (program, as-of, type maps)
    STORE/adapters.json                    source -> adapter file it was ingested through

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


# --------------------------------------------------------------------------- label records
# What made STORE/classified/<program_id>.parquet sits beside it as <program_id>.json, so a
# later reader can tell labels made with another as-of, program or type map (and recompute).


def label_record_path(store: str | Path, program_id: str) -> Path:
    """``STORE/classified/<program_id>.json``: what made the labels beside it."""
    return table_dir(store, "classified") / f"{program_id}.json"


def write_label_record(store: str | Path, program_id: str, record: dict) -> Path:
    """Write the record of what made a program's labels (atomically)."""
    import json

    path = label_record_path(store, program_id)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(record, indent=2, sort_keys=True), encoding="utf-8")
    tmp.replace(path)
    return path


def read_label_record(store: str | Path, program_id: str) -> dict | None:
    """The record beside a program's labels, or None (none written, or unreadable)."""
    import json

    path = label_record_path(store, program_id)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


# --------------------------------------------------------------------------- adapter files by source
# An adapter may name its own type map file (`typemap: springfield-types.yaml`, relative to the
# adapter). `altresponse ingest` records which adapter file each source came through, so
# classify, explain and report read the adapter's `typemap:` as it is now (edits included).


def adapters_path(store: str | Path) -> Path:
    return Path(store) / "adapters.json"


def remember_adapter(store: str | Path, source: str, path: str | Path) -> None:
    """Record the adapter file a source was ingested through."""
    import json

    known = recorded_adapters(store)
    known[source] = str(Path(path).resolve())
    file = adapters_path(store)
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(json.dumps(known, indent=2, sort_keys=True), encoding="utf-8")


def recorded_adapters(store: str | Path) -> dict[str, str]:
    """Source -> adapter file recorded at ingest (empty when none)."""
    import json

    try:
        data = json.loads(adapters_path(store).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}
