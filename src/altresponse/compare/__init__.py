"""Any city's program on any city's calls, side by side (``altresponse compare``).

``compare(stores, programs)`` classifies every store's calls under every program (each program
applied to that city with :func:`localise`, judged ``as_of`` its latest period unless a date is
given) and returns one document:

- ``rows``: per program, response and store — calls, eligible calls and share, eligible calls a
  year, eligible calls answerable within the response's hours (where the data has times) and
  within its area too (where the area means something in that city), with caveat codes;
- ``by_category`` and ``by_hour_of_week``: eligible calls per category / hour of week (long);
- ``published``: each program's published figures beside ours, with why they differ;
- ``stores`` (each with its caveats) and ``programs``.

:func:`write_compare` writes it as ``compare.html`` (side-by-side charts in the report's
layout), ``compare.json`` and CSVs. Everything is counted on the engine (Ibis).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from .. import store as store_mod
from ..analyze._common import share
from ..classify import _with_types, classify, read_force
from ..errors import InputError, UsageError
from ..program import Program, load_program
from . import tables
from .caveats import store_caveats, store_stats
from .localise import area_status, default_as_of, localise
from .page import write_compare
from .published import DAYS_A_YEAR, compare_figure

__all__ = ["compare", "default_as_of", "localise", "write_compare"]

AREA_NOTES = {
    "other_city": "Its area names {city}'s beats: in-area figures are not computed for {source}.",
    "unnamed": "Its area ('{name}') is named by the city applying it; none given (--area {name}=BEAT,...): in-area figures not computed.",
    "not_operating": "The response is not in operation on {as_of}: in-hours figures not computed.",
}


def compare(
    stores: Sequence[str | Path],
    programs: Sequence[str | Path | Program],
    *,
    as_of: dt.date | None = None,
    areas: Mapping[str, list[str] | None] | None = None,
    con=None,
) -> dict[str, Any]:
    """Every program on every store (see the module docstring for the document).

    Parameters
    ----------
    stores
        Store directories (from ``altresponse ingest``).
    programs
        Program files or :class:`~altresponse.program.Program` objects (ids must differ).
    as_of
        Judge every program by its periods in effect on this date; None: each program's latest
        period start (the program as it works now).
    areas
        Local area name -> beats (or None for citywide) in the stores' cities, for programs whose
        area is ``{local: NAME}``.

    Raises
    ------
    UsageError
        No store or program, or two programs with one id.
    InputError
        A store without calls.

    Examples
    --------
    >>> doc = compare(["stores/durham", "stores/burlington"], ["programs/denver-star.yaml"])  # doctest: +SKIP
    >>> [(r["store"], round(r["eligible_share"], 3)) for r in doc["rows"]]  # doctest: +SKIP
    [('durham', 0.773), ('burlington', 0.099)]
    """
    if not stores or not programs:
        msg = "compare needs at least one --store and one --program"
        raise UsageError(msg)
    progs = [p if isinstance(p, Program) else load_program(p) for p in programs]
    ids = [p.id for p in progs]
    if len(set(ids)) != len(ids):
        msg = f"two programs share an id: {', '.join(sorted({i for i in ids if ids.count(i) > 1}))}"
        raise UsageError(msg)
    from ..engine import default_connection

    con = con or default_connection()
    doc: dict[str, Any] = {"as_of": as_of.isoformat() if as_of else None, "stores": [], "rows": [],
                           "by_category": [], "by_hour_of_week": [], "published": []}
    doc["programs"] = [{"id": p.id, "version": p.version, "name": p.name or p.id, "city": p.city,
                        "as_of": (as_of or default_as_of(p)).isoformat(), "planned_response": p.planned_response,
                        "hours_of_week": _hours_of_week(p, as_of or default_as_of(p))} for p in progs]
    labels: list[str] = []
    for store in stores:
        _compare_store(Path(store), progs, doc, labels, as_of=as_of, areas=dict(areas or {}), con=con)
    return doc


def _hours_of_week(program: Program, on: dt.date) -> list[list[float]]:
    """The planned response's hours on ``on`` as [start, end) hours of the week (Mon 00:00 = 0)."""
    period = program.response(program.planned_response).period_at(on, strict=False)
    if period is None:
        return []
    return [[d * 24 + s / 60, d * 24 + e / 60] for d, ranges in sorted(period.hours.items()) for s, e in ranges]


def _compare_store(store: Path, progs: list[Program], doc: dict, labels: list[str], *, as_of, areas, con) -> None:
    if not store_mod.parts(store, "calls"):
        msg = f"{store}: no calls table (run `altresponse ingest` first)"
        raise InputError(msg)
    # type the calls once: classify keeps canonical types it is given (each program only adds labels)
    typed_name = f"compare_typed_{uuid.uuid4().hex}"
    calls = con.create_table(typed_name, _with_types(store_mod.calls(store, con=con), None), temp=True)
    try:
        _programs_on_store(store, calls, progs, doc, labels, as_of=as_of, areas=areas, con=con)
    finally:
        con.drop_table(typed_name, force=True)


def _programs_on_store(store: Path, calls, progs: list[Program], doc: dict, labels: list[str], *, as_of, areas, con) -> None:
    force = read_force(store, con=con)
    stats = info = None
    for prog in progs:
        when = as_of or default_as_of(prog)
        sources = stats["sources"] if stats else _sources(calls)
        applied = localise(prog, sources=sources, areas=areas)
        name = f"compare_{uuid.uuid4().hex}"
        t = con.create_table(name, classify(calls, applied, force=force, as_of=when), temp=True)
        try:
            if stats is None:
                stats = store_stats(t)
                info = _store_info(store, stats, store_caveats(store, stats), labels)
                doc["stores"].append(info)
            _program_on_store(t, prog, applied, when, stats, info, doc, areas)
        finally:
            con.drop_table(name, force=True)


def _sources(calls) -> list[str]:
    return sorted(str(s) for s in calls.select("source").distinct().to_pyarrow().column("source").to_pylist() if s is not None)


def _store_info(store: Path, stats: dict, caveats: list[dict], labels: list[str]) -> dict[str, Any]:
    label = ",".join(stats["sources"]) or store.name
    while label in labels:
        label += "'"
    labels.append(label)
    return {"store": label, "path": str(store), "sources": stats["sources"], "calls": stats["calls"],
            "first": stats["first"].isoformat() if stats["first"] else None,
            "last": stats["last"].isoformat() if stats["last"] else None, "days": stats["days"], "caveats": caveats}


def _program_on_store(t, prog: Program, applied: Program, when: dt.date, stats: dict, info: dict, doc: dict, areas) -> None:
    summ = tables.summary(t, applied)
    codes = [c["code"] for c in info["caveats"]]
    timed = stats["timed"] > 0
    names = {r.id: r.name for r in prog.responses}
    for rid in tables.response_ids(prog):
        c = summ[rid]
        statuses = [area_status(prog, r, when, sources=stats["sources"], areas=areas) for r in ([rid] if rid != tables.ANY else names)]
        row_codes, notes = list(codes), []
        for status, period in statuses:
            if status in AREA_NOTES:
                row_codes.append(f"area_{status}" if status != "not_operating" else status)
                notes.append(AREA_NOTES[status].format(city=prog.city, source=info["store"], as_of=when,
                                                       name=getattr(period, "local_area", "") or ""))
        operating = all(s != "not_operating" for s, _ in statuses)
        area_known = all(s in ("citywide", "beats") for s, _ in statuses)
        doc["rows"].append({
            "program_id": prog.id, "program": prog.name or prog.id, "response": rid,
            "response_name": names.get(rid, "eligible for any response"), "planned": rid == prog.planned_response,
            "store": info["store"], "as_of": when.isoformat(), "calls": c["calls"], "eligible_calls": c["eligible"],
            "eligible_share": share(c["eligible"], c["calls"]),
            "eligible_per_year": c["eligible"] * DAYS_A_YEAR / stats["days"] if stats["days"] else None,
            "eligible_timed": c["eligible_timed"],
            "answerable_in_hours": c["in_hours"] if timed and operating else None,
            "answerable_share": share(c["in_hours"], c["eligible_timed"]) if timed and operating else None,
            "in_area_and_hours": c["in_area_hours"] if timed and operating and area_known else None,
            "caveats": list(dict.fromkeys(row_codes)), "notes": list(dict.fromkeys(notes)),
        })
    for key, frame in (("by_category", tables.by_category(t, applied)),
                       ("by_hour_of_week", tables.by_hour_of_week(t, applied) if timed else pd.DataFrame())):
        if len(frame):
            frame.insert(0, "store", info["store"])
            frame.insert(0, "program_id", prog.id)
            doc[key] += frame.to_dict(orient="records")
    for fig in prog.published:
        rid = fig.response or (tables.ANY if len(prog.responses) > 1 else prog.responses[0].id)
        doc["published"].append(compare_figure(fig, prog, summ[rid], source=info["store"], days=stats["days"], caveats=info["caveats"]))
