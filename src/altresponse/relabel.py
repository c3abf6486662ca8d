"""Labels for a store: the stored ones when they were made the way they are asked for, else
classified again (and said so).

``classify_store`` writes ``STORE/classified/<program_id>.json`` beside the labels
(:mod:`altresponse.labels`); the verbs that read labels (``report``, ``plan``, ``simulate``)
call :func:`stored_or_fresh`, which sits above ``classify`` so that ``classify`` never imports it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .classify import classify_store, resolve_typemaps


def stored_or_fresh(store: str | Path, program, *, as_of: dt.date | str | None = None, typemap=None, con=None):
    """The program's labels for a store: the stored ones if they match, else classified again.

    Returns
    -------
    tuple
        ``(table, note)``: ``note`` is None when the stored labels were used, else one line
        saying why they were recomputed.
    """
    from . import labels as labels_mod
    from . import store as store_mod
    from .engine import read_parquet
    from .errors import InputError
    from .inputs import as_date

    as_of = None if as_of is None else as_date(as_of)  # `report.load_inputs` passes the caller's date or YYYY-MM-DD on
    path = store_mod.table_dir(store, "classified") / f"{program.id}.parquet"
    stored = store_mod.read_label_record(store, program.id)
    calls_parts = store_mod.parts(store, "calls")
    if not calls_parts:
        # nothing to classify again from: labels with no record are used as they are (said so);
        # labels recorded as made otherwise are refused.
        if path.exists() and stored is None:
            return read_parquet(path, con=con), f"{path}: labels used as found (no record of what made them, and no calls to recompute from)"
        msg = f"{path}: no classified table for program {program.id!r} (run `altresponse classify` first)"
        if path.exists():
            asked = labels_mod.record(program, as_of=as_of, typemaps={})
            why = labels_mod.differences(stored, dict(asked, typemaps=stored.get("typemaps"), calls=stored.get("calls")))
            if not why:
                return read_parquet(path, con=con), None
            msg = f"{path}: labels were made otherwise ({'; '.join(why)}) and the store has no calls to classify again"
        raise InputError(msg)
    maps = resolve_typemaps(store_mod.calls(store, con=con), typemap, store=store)
    wanted = labels_mod.record(program, as_of=as_of, typemaps=maps, calls=calls_parts)
    note = None
    if path.exists():
        why = labels_mod.differences(stored, wanted)
        if not why:
            return read_parquet(path, con=con), None
        note = f"labels in {path} were recomputed: {'; '.join(why)}"
    else:
        note = f"no labels for {program.id} in {store}: classified now"
    classify_store(store, program, as_of=as_of, typemap=typemap, con=con)
    return read_parquet(path, con=con), note
