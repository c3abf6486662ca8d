"""What made a set of labels, and whether stored labels are still the ones asked for.

``classify_store`` writes ``STORE/classified/<program_id>.json`` beside the labels: program id,
version and a hash of its content, ``as_of``, and a hash of each source's type map. Readers
(``report``, ``plan``, ``simulate``) call :func:`altresponse.relabel.stored_or_fresh`: labels made with another
as-of, program version or content, or type map are recomputed, and the reason is returned so
the command can say so.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

RECORD_FORMAT = 2  # 2: the calls parts the labels were made from


def _hash(value) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()[:16]


def typemap_hash(tm) -> str:
    """Content hash of a type map (its entries and patterns, not its file name)."""
    return _hash({"exact": tm.exact, "patterns": [(p.id, p.regex, p.type) for p in tm.patterns]})


def record(program, *, as_of: dt.date | None, typemaps: dict, calls=None) -> dict:
    """The record of what makes a set of labels (``typemaps``: source -> TypeMap; ``calls``: the
    store's calls parts, named by content hash, the labels were made from)."""
    return {
        "format": RECORD_FORMAT,
        "program_id": program.id,
        "program_version": program.version,
        "program_hash": _hash(program.model_dump(mode="json")),
        "as_of": as_of.isoformat() if as_of else None,
        "typemaps": {s: {"name": tm.source, "hash": typemap_hash(tm)} for s, tm in sorted(typemaps.items())},
        "calls": sorted(Path(p).name for p in calls or []),
    }


def differences(stored: dict | None, wanted: dict) -> list[str]:
    """Why stored labels are not the ones wanted (empty: they are).

    Examples
    --------
    >>> w = {"format": 2, "program_id": "p", "program_version": "1", "program_hash": "a", "as_of": None, "typemaps": {}, "calls": []}
    >>> differences(dict(w, as_of="2022-07-01"), w)
    ['made as of 2022-07-01, asked as of each call’s own date']
    """
    if stored is None:
        return ["no record of what made them (labels from an earlier version)"]
    out = []
    if stored.get("program_version") != wanted["program_version"]:
        out.append(f"made with program version {stored.get('program_version')}, asked {wanted['program_version']}")
    elif stored.get("program_hash") != wanted["program_hash"]:
        out.append("the program file changed since (same version)")
    if stored.get("as_of") != wanted["as_of"]:
        asked = wanted["as_of"] or "each call’s own date"
        out.append(f"made as of {stored.get('as_of') or 'each call’s own date'}, asked as of {asked}")
    if stored.get("typemaps") != wanted["typemaps"]:
        out.append("made with another type map")
    # the classified file copies the calls it was made from: calls ingested (or re-ingested) since
    # would be missing from it, or stale in it
    if stored.get("calls") != wanted["calls"]:
        out.append("the store's calls changed since" if "calls" in stored else "labels from an earlier version (no record of the calls they were made from)")
    return out
