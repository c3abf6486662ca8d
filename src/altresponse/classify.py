"""Classify calls under a program: eligibility per response, recommended response, risk — with reasons.

``classify(calls, program)`` is one Ibis expression over the canonical calls table (it runs on
the engine; no Python loop over rows). It adds the columns listed in ``docs/architecture.md``
(plus ``premise_violence`` and ``premise_force``, the premise-history counts risk rules use).
The decisions come from the compiled rule tree in :mod:`altresponse.rules`, whose single-call
evaluator gives the same answers; :func:`explain` uses it to list the rules that fired.

Dates and programs
------------------
Programs change over time, so each call is judged by the periods in effect on its
``received_date``. A call dated before a response's first period (or in a gap) finds that
response **not operating**: ``in_area``/``in_hours`` are False and the call falls back with rule
``<response>.not_in_operation``. For historical what-ifs (e.g. 2021 calls under Durham's 2022
pilot) pass ``as_of=date``: every call is then judged by the periods in effect on that date.
Eligibility (type and exclusions) never depends on the date.

Premise history
---------------
For each call: ``premise_violence`` counts earlier calls at the same location within the
previous 365 days whose category is ``violent_crime`` or whose type description or narrative
has weapon or violence words; ``premise_force`` counts use-of-force incidents there in the same
window, when a force table is given (else null). The location is ``location_text`` (trimmed,
upper case), else latitude/longitude rounded to 3 decimals (~100 m, a block). Calls at exactly
the same instant and place count each other. Calls without a location get null counts.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir

from .clock import on_program_clock
from .errors import InputError, UsageError
from .places import LOCATION_DECIMALS, location_key  # noqa: F401 - one definition, re-exported
from .program import Program, load_program
from .rules import FACT_COLUMNS, RuleTree, compile_program

LOOKBACK_DAYS = 365
TYPE_COLUMNS = ("canonical_type", "category", "type_rule")


def classify(
    calls: ir.Table,
    program: Program | str | Path,
    *,
    typemap=None,
    force: ir.Table | None = None,
    as_of: dt.date | None = None,
) -> ir.Table:
    """Add eligibility, recommended response and risk (each with its rule id) to a calls table.

    Parameters
    ----------
    calls
        Canonical calls (``CALLS_SCHEMA``). If it already has ``canonical_type``, ``category``
        and ``type_rule`` they are kept; otherwise types are mapped with ``typemap``.
    program
        A :class:`~altresponse.program.Program` or a path to a program file.
    typemap
        A :class:`~altresponse.typemap.TypeMap`, bundled name or YAML path (one map for every
        source), or a dict source -> map; None uses the map each call's ``source`` names
        (see :func:`resolve_typemaps`).
    force
        Use-of-force incidents (``STORE/force``) for premise history; None leaves
        ``premise_force`` null.
    as_of
        Judge every call by the periods in effect on this date (what-if); None: by the call's own
        ``received_date``.

    Returns
    -------
    ibis.Table
        ``calls`` plus the classification columns (row order is not kept: use ``call_id``).

    Raises
    ------
    ProgramError
        If ``program`` is a path to an invalid file.
    UsageError
        If the calls table lacks a needed column.

    Examples
    --------
    >>> from altresponse import store  # doctest: +SKIP
    >>> out = classify(store.calls("demo-store"), "programs/durham-heart.yaml")  # doctest: +SKIP
    >>> out.recommended_response.value_counts().execute()  # doctest: +SKIP
    """
    prog = program if isinstance(program, Program) else load_program(program)
    tree = compile_program(prog, as_of=as_of)
    typed = _with_types(calls, typemap)
    facts = _with_premise_history(typed, tree, force)
    # Hours are the program's wall clock: calls from a source in another zone are converted
    # for the rules, and their own local times restored afterwards (clock.py).
    facts = facts.mutate(clk_src_local=facts.received_local.cast("timestamp"), clk_src_date=facts.received_date.cast("date"))
    facts, _ = on_program_clock(facts, prog.timezone, source=calls)  # zones and span from the raw calls: one cheap scan
    facts = facts.mutate(
        priority=facts.priority.cast("int64"),
        beat=facts.beat.cast("string"),
        type_desc=facts.type_desc.cast("string"),
        narrative=facts.narrative.cast("string"),
        received_local=facts.received_local.cast("timestamp"),
        received_date=facts.received_date.cast("date"),
    )
    out = tree.apply(facts)
    out = out.mutate(
        received_program_local=out.received_local, received_local=out.clk_src_local, received_date=out.clk_src_date
    ).drop("clk_src_local", "clk_src_date")
    return out.mutate(program_id=ibis.literal(prog.id), program_version=ibis.literal(prog.version))


def _with_types(calls: ir.Table, typemap) -> ir.Table:
    if all(c in calls.columns for c in TYPE_COLUMNS):
        return calls
    from .typemap import map_types

    if typemap is not None and not isinstance(typemap, dict):
        return map_types(calls, typemap)
    maps = resolve_typemaps(calls, typemap)
    if not maps:
        return map_types(calls, "durham").limit(0)  # empty table, right columns
    parts = [map_types(calls.filter(calls.source == s), tm) for s, tm in maps.items()]
    out = parts[0]
    for p in parts[1:]:
        out = out.union(p)
    return out


def resolve_typemaps(calls: ir.Table, typemap=None, *, store: str | Path | None = None) -> dict:
    """Source -> :class:`~altresponse.typemap.TypeMap` used to type a calls table.

    In order: ``typemap`` (one map for every source, or a dict source -> map), the map file
    named by the adapter the source was ingested through (``STORE/adapters.json``; the
    adapter's ``typemap:`` as it is now), the shipped map the source's shipped adapter names.

    Raises
    ------
    UsageError
        If a source has no type map (the message says how to give one).
    """
    from .typemap import TypeMap, available_typemaps, load_typemap, typemap_for_source

    if "source" not in calls.columns:
        if typemap is None or isinstance(typemap, dict):
            msg = "calls have no canonical_type and no source column; pass --typemap (typemap=)"
            raise UsageError(msg)
        return {"": typemap if isinstance(typemap, TypeMap) else load_typemap(typemap)}
    found = calls.select(source=calls.source.cast("string").fill_null("")).distinct().to_pyarrow()
    sources = sorted(found.column("source").to_pylist())
    given = typemap if isinstance(typemap, dict) else {s: typemap for s in sources} if typemap is not None else {}
    from .store import recorded_adapters
    from .typemap import adapter_typemap_file

    adapters = recorded_adapters(store) if store is not None else {}
    out = {}
    for s in sources:
        named = adapter_typemap_file(adapters[s]) if s in adapters and Path(adapters[s]).is_file() else None
        choice = given.get(s) or named or typemap_for_source(s)
        if isinstance(choice, TypeMap):
            out[s] = choice
            continue
        if str(choice) not in available_typemaps() and not str(choice).endswith((".yaml", ".yml")):
            msg = (f"no type map for source {s!r}: pass --typemap FILE (write one with `altresponse types --suggest "
                   f"--out FILE`), or name it in the adapter (typemap: FILE); shipped: {', '.join(available_typemaps())}")
            raise UsageError(msg)
        out[s] = load_typemap(choice)
    return out


def _instant(t: ir.Table, local: str = "received_local", date: str = "received_date") -> ir.TimestampValue:
    return ibis.coalesce(t[local].cast("timestamp"), t[date].cast("timestamp"))


def violent_flag(t: ir.Table, tree: RuleTree) -> ir.IntegerValue:
    """1 where a typed call counts toward premise history (violent category, weapon or violence words), else 0."""
    text = t.type_desc.cast("string").fill_null("").concat(" ", t.narrative.cast("string").fill_null(""))
    return (
        (t.category == "violent_crime").fill_null(False)
        | text.re_search(tree.keywords["weapon"])
        | text.re_search(tree.keywords["violence"])
    ).cast("int64")


def premise_events(calls: ir.Table, tree: RuleTree, *, typemap=None) -> ir.Table:
    """Each call's premise key, local instant and violent flag (``_loc``, ``_ts``, ``_violent``).

    What premise history counts, for a service that keeps it in memory (``serve.premises``).
    """
    t = _with_types(calls, typemap)
    return t.select(_loc=location_key(t), _ts=_instant(t), _violent=violent_flag(t, tree))


def _with_premise_history(t: ir.Table, tree: RuleTree, force: ir.Table | None) -> ir.Table:
    # The window runs over a narrow projection and joins back on call_id: over the full-width
    # table it held every column of every call in memory (10M calls: 7.5 GB). The premise key,
    # instant and violent flag (two regular expressions over the text) are computed on the
    # narrow side only: on the wide side too they cost ~1 s of CPU per 1M calls (issue 14).
    k = t.select("call_id", _loc=location_key(t), _ts=_instant(t), _violent=violent_flag(t, tree))
    w = ibis.window(group_by=k._loc, order_by=k._ts, preceding=ibis.interval(days=LOOKBACK_DAYS), following=0)
    prior = k._violent.sum().over(w) - k._violent
    undated = k._loc.isnull() | k._ts.isnull()
    history = k.select(
        _pid=k.call_id, _loc=k._loc, _ts=k._ts, premise_violence=ibis.ifelse(undated, ibis.null("int64"), prior.cast("int64"))
    )
    history = _with_force(history, force) if force is not None else history.mutate(premise_force=ibis.null("int64"))
    return t.left_join(history.drop("_loc", "_ts"), t.call_id == history._pid).drop("_pid")


FORCE_DATE_COLUMNS = ("occurred_local", "occurred_at", "occurred_date", "incident_date", "received_local", "received_date", "date")


def force_points(force: ir.Table) -> tuple[ir.Table, bool]:
    """Use-of-force incidents as (``_floc``, ``_fts``, ``_fid``) and whether they carry an incident id.

    Raises
    ------
    UsageError
        If the table has no date column or no location.
    """
    cols = set(force.columns)
    present = [c for c in FORCE_DATE_COLUMNS if c in cols]
    when = present[0] if present else None
    if when is None or not ({"location_text"} <= cols or {"latitude", "longitude"} <= cols):
        msg = f"force table needs a date column (one of {', '.join(FORCE_DATE_COLUMNS)}) and location_text or latitude/longitude"
        raise UsageError(msg)
    f = force.mutate(
        location_text=force.location_text if "location_text" in cols else ibis.null("string"),
        latitude=force.latitude if "latitude" in cols else ibis.null("float64"),
        longitude=force.longitude if "longitude" in cols else ibis.null("float64"),
    )
    # per row, the first of the date columns that is set: a source with dates only (New
    # Orleans) has occurred_local null throughout, and its date is read as local midnight
    fts = ibis.coalesce(*[f[c].cast("timestamp") for c in present]) if len(present) > 1 else f[when].cast("timestamp")
    # rows of one incident (one per officer or subject) count once
    ids = [f[c].cast("string") for c in ("incident_id", "force_id") if c in cols]
    fid = (ibis.coalesce(*ids) if len(ids) > 1 else ids[0]) if ids else None
    return f.select(_floc=location_key(f), _fts=fts, _fid=fid if fid is not None else ibis.null("string")), fid is not None


def _with_force(history: ir.Table, force: ir.Table) -> ir.Table:
    """``history`` (one row per call: ``_pid``, ``_loc``, ``_ts``) plus ``premise_force``."""
    f, has_id = force_points(force)
    keys = history.select(_cid=history._pid, _loc=history._loc, _ts=history._ts)
    j = keys.join(
        f,
        [keys._loc == f._floc, f._fts < keys._ts, f._fts >= keys._ts - ibis.interval(days=LOOKBACK_DAYS)],
    )
    counts = j.group_by("_cid").aggregate(_nforce=j._fid.nunique() if has_id else j._fts.count())
    out = history.left_join(counts, history._pid == counts._cid)
    out = out.mutate(
        premise_force=ibis.ifelse(out._loc.isnull() | out._ts.isnull(), ibis.null("int64"), out._nforce.fill_null(0).cast("int64"))
    )
    return out.drop("_cid", "_nforce")


def summary(classified: ir.Table, program: Program) -> dict[str, Any]:
    """Counts for the CLI: calls, by recommended response, eligible per response, by risk level."""
    aggs = {"calls": classified.count(), "eligible_any": classified.eligible.sum()}
    for r in program.responses:
        aggs[f"eligible_{r.id}"] = classified[f"eligible_{r.id}"].sum()
    row = classified.aggregate(**aggs).to_pyarrow().to_pylist()[0]
    rec = classified.group_by("recommended_response").aggregate(n=classified.count()).to_pyarrow().to_pylist()
    risk = classified.group_by("risk_level").aggregate(n=classified.count()).to_pyarrow().to_pylist()
    return {
        "program_id": program.id,
        "program_version": program.version,
        "calls": int(row["calls"]),
        "eligible_any": int(row["eligible_any"] or 0),
        "eligible": {r.id: int(row[f"eligible_{r.id}"] or 0) for r in program.responses},
        "by_recommended_response": dict(sorted(((d["recommended_response"], int(d["n"])) for d in rec), key=lambda kv: -kv[1])),
        "by_risk_level": {lvl: next((int(d["n"]) for d in risk if d["risk_level"] == lvl), 0) for lvl in ("low", "elevated", "high")},
    }


def classify_store(
    store: str | Path, program: Program | str | Path, *, as_of: dt.date | None = None, typemap=None, con=None
) -> dict[str, Any]:
    """Classify a store's calls and write ``STORE/classified/<program_id>.parquet``.

    Beside it, ``<program_id>.json`` records what made the labels (:mod:`altresponse.labels`).
    Returns the :func:`summary` of the result, with ``as_of``, ``time_zone`` (the program's and
    the data's zones), ``notes`` and the ``output`` path.
    """
    from . import labels
    from . import store as store_mod
    from .clock import mismatch_text, zones
    from .engine import read_parquet, write_parquet

    prog = program if isinstance(program, Program) else load_program(program)
    calls = store_mod.calls(store, con=con)
    maps = resolve_typemaps(calls, typemap, store=store)
    labelled = classify(calls, prog, typemap=maps, force=read_force(store, con=con), as_of=as_of)
    out_dir = store_mod.table_dir(store, "classified")
    out_dir.mkdir(parents=True, exist_ok=True)
    out_path = out_dir / f"{prog.id}.parquet"
    write_parquet(labelled, out_path)  # the engine writes it: years of calls never pass through Python
    record = labels.record(prog, as_of=as_of, typemaps=maps, calls=store_mod.parts(store, "calls"))
    store_mod.write_label_record(store, prog.id, record)
    doc = summary(read_parquet(out_path, con=con), prog)
    doc["as_of"] = as_of.isoformat() if as_of else None
    doc["time_zone"] = {"program": prog.timezone, "data": zones(calls)}
    doc["notes"] = [n for n in [mismatch_text(doc["time_zone"])] if n]
    doc["typemaps"] = {s: tm.source for s, tm in maps.items()}
    doc["output"] = str(out_path)
    return doc


def read_force(store: str | Path, *, con=None) -> ir.Table | None:
    """The store's use-of-force table, or None when the store has none."""
    from . import store as store_mod

    if not store_mod.parts(store, "force"):
        return None
    return store_mod.read_table(store, "force", con=con)


def explain(
    call_id: str,
    store: str | Path,
    program: Program | str | Path,
    *,
    as_of: dt.date | None = None,
    typemap=None,
    con=None,
) -> dict[str, Any]:
    """The rules that fired for one call.

    The call is classified with the whole store (premise history needs its neighbours); the
    rule trace comes from the single-call evaluator, which agrees with the engine.

    Returns
    -------
    dict
        ``call_id``, ``program_id``, ``program_version``, ``as_of``, ``facts`` (what the rules
        saw), ``labels`` (the classification columns) and ``steps`` (list of ``stage``,
        ``rule``, ``fired``, ``detail``).

    Raises
    ------
    InputError
        If the store has no calls table or no call with that id.
    """
    from . import store as store_mod

    prog = program if isinstance(program, Program) else load_program(program)
    calls = store_mod.calls(store, con=con)
    maps = resolve_typemaps(calls, typemap, store=store)
    out = classify(calls, prog, typemap=maps, force=read_force(store, con=con), as_of=as_of)
    rows = out.filter(out.call_id == call_id).to_pyarrow().to_pylist()
    if not rows:
        msg = f"{store}: no call with call_id {call_id!r}"
        raise InputError(msg)
    row = rows[0]
    tree = compile_program(prog, as_of=as_of)
    facts = {k: row.get(k) for k in FACT_COLUMNS}
    if row.get("source_tz") not in (None, prog.timezone):  # the rules read the program's clock
        from .clock import local_on

        converted = local_on(prog.timezone, row.get("received_at"))
        if converted is not None:
            facts["received_local"], facts["received_date"] = converted
    labels = {k: row[k] for k in ("canonical_type", "category", "type_rule", *tree.output_columns)}
    return {
        "call_id": call_id,
        "program_id": prog.id,
        "program_version": prog.version,
        "as_of": as_of.isoformat() if as_of else None,
        "facts": facts,
        "labels": labels,
        "steps": [{"stage": "type", "rule": row["type_rule"], "fired": True,
                   "detail": f"canonical_type = {row['canonical_type']} ({row['category']})"}, *tree.trace(facts)],
    }
