"""Hours on the program's clock: calls from a source in another time zone are converted.

A program's hours (``"08:00-20:00"``) are wall-clock times in the program's ``timezone``; a
call's ``received_local`` is the wall clock of its source's zone (``source_tz``). When the two
differ (Los Angeles calls under a New York program), matching hours on ``received_local`` would
judge them on the wrong clock, so :func:`on_program_clock` rebuilds ``received_local`` and
``received_date`` from the UTC ``received_at`` in the program's zone. The conversion is one
join against a table of UTC hour → offset (built with ``zoneinfo`` over the calls' span), so it
runs on any engine. Calls with a date only keep their date: with no time of day there is no
hour to convert.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import ibis
import ibis.expr.types as ir

MAX_HOURS = 24 * 366 * 30  # offsets table bound: 30 years of hours


def zones(calls: ir.Table) -> list[str]:
    """Distinct ``source_tz`` values of a calls table (sorted; nulls left out)."""
    if "source_tz" not in calls.columns:
        return []
    found = calls.select(z=calls.source_tz.cast("string")).distinct().to_pyarrow().column("z").to_pylist()
    return sorted(z for z in found if z)


def on_program_clock(calls: ir.Table, zone: str, *, source: ir.Table | None = None) -> tuple[ir.Table, dict]:
    """``calls`` with ``received_local``/``received_date`` on ``zone``'s clock, and a note.

    ``source`` is the table the zones and the time span are read from (default ``calls``):
    the raw calls ``calls`` was derived from, when ``calls`` is an expensive expression (in
    classify, reading them from the typed calls with premise history ran that whole query twice).

    Returns
    -------
    tuple
        The table (unchanged when every call's ``source_tz`` is ``zone``) and a dict
        ``{"program": zone, "data": [zones], "converted": bool}`` for summaries.
    """
    src = calls if source is None else source
    data = zones(src)
    note = {"program": zone, "data": data, "converted": False}
    if not data or data == [zone] or "received_at" not in calls.columns:
        return calls, note
    span = src.aggregate(lo=src.received_at.min(), hi=src.received_at.max()).to_pyarrow().to_pylist()[0]
    if span["lo"] is None:
        return calls, note
    offsets = _offsets(zone, span["lo"], span["hi"])
    keyed = calls.mutate(_clk_h=calls.received_at.truncate("h").cast("timestamp"))
    j = keyed.left_join(offsets, keyed._clk_h == offsets._clk_hour)
    other = (j.source_tz.cast("string") != zone).fill_null(True) & j.received_at.notnull()
    local = (j.received_at + j._clk_min.as_interval("m")).cast("timestamp")
    out = j.mutate(
        received_local=ibis.ifelse(other, local, j.received_local.cast("timestamp")),
        received_date=ibis.ifelse(other, local.date(), j.received_date.cast("date")),
    ).drop("_clk_h", "_clk_hour", "_clk_min")
    note["converted"] = True
    return out, note


def _offsets(zone: str, lo: dt.datetime, hi: dt.datetime) -> ir.Table:
    tz = zoneinfo.ZoneInfo(zone)
    start = lo.replace(minute=0, second=0, microsecond=0, tzinfo=None)
    hours = min(MAX_HOURS, int((hi.replace(tzinfo=None) - start).total_seconds() // 3600) + 2)
    stamps = [start + dt.timedelta(hours=i) for i in range(hours)]
    minutes = [int(s.replace(tzinfo=dt.timezone.utc).astimezone(tz).utcoffset().total_seconds() // 60) for s in stamps]
    return ibis.memtable({"_clk_hour": stamps, "_clk_min": minutes}, schema={"_clk_hour": "timestamp", "_clk_min": "int32"})


def mismatch_text(note: dict) -> str | None:
    """One sentence for a summary or report when the data's zone is not the program's, else None.

    Examples
    --------
    >>> mismatch_text({"program": "America/New_York", "data": ["America/Los_Angeles"], "converted": True})
    "calls are in America/Los_Angeles, the program's hours in America/New_York: hours were matched on the program's clock (received times converted)"
    """
    others = [z for z in note.get("data", []) if z != note["program"]]
    if not others:
        return None
    return (f"calls are in {', '.join(others)}, the program's hours in {note['program']}: hours were matched on the "
            f"program's clock (received times converted)")


def local_on(zone: str, received_at: dt.datetime | None) -> tuple[dt.datetime, dt.date] | None:
    """One call's received wall clock and date in ``zone`` (for the single-call evaluator)."""
    if received_at is None:
        return None
    aware = received_at if received_at.tzinfo else received_at.replace(tzinfo=dt.timezone.utc)
    local = aware.astimezone(zoneinfo.ZoneInfo(zone)).replace(tzinfo=None)
    return local, local.date()
