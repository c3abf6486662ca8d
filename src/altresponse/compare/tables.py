"""The compare numbers for one program on one store's classified calls, as engine aggregates.

Per response ``r`` (and ``any``, eligible for at least one response, when the program has more
than one): calls, eligible calls, eligible calls among public-initiated and mental-health calls
(for published figures counted that way), eligible calls with a time of day, eligible calls
within the response's hours (``in_hours_<r>``) and within its area and hours. Then the same
eligible counts by category and by hour of week. Three aggregates, no loop over calls.
"""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd

from ..analyze._common import count_if
from ..program import Program

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
ANY = "any"


def response_ids(program: Program) -> list[str]:
    """Responses compared: every response, plus ``any`` when there is more than one."""
    ids = [r.id for r in program.responses]
    return [*ids, ANY] if len(ids) > 1 else ids


def _flags(t: ir.Table, program: Program) -> dict[str, tuple[ir.BooleanValue, ir.BooleanValue, ir.BooleanValue]]:
    """Per response id: (eligible, eligible and in hours, eligible and in area and hours)."""
    out = {}
    for r in program.responses:
        e = t[f"eligible_{r.id}"].fill_null(False)
        h = e & t[f"in_hours_{r.id}"].fill_null(False)
        out[r.id] = (e, h, h & t[f"in_area_{r.id}"].fill_null(False))
    if len(program.responses) > 1:
        parts = list(out.values())
        out[ANY] = tuple(ibis.or_(*[p[k] for p in parts]) for k in range(3))
    return out


def summary(t: ir.Table, program: Program) -> dict[str, dict[str, int]]:
    """Response id -> counts (one engine aggregate for all responses)."""
    flags = _flags(t, program)
    public = (t.channel != "self_initiated").fill_null(True)  # unknown channel: counted (a caveat says so)
    mental = (t.category == "behavioral_health").fill_null(False)
    timed = t.received_local.notnull()
    aggs: dict[str, Any] = {
        "calls": t.count(),
        "public_calls": count_if(public),
        "behavioral_health_calls": count_if(mental),
    }
    for rid, (e, h, ah) in flags.items():
        aggs[f"{rid}__eligible"] = count_if(e)
        aggs[f"{rid}__eligible_public"] = count_if(e & public)
        aggs[f"{rid}__eligible_behavioral_health"] = count_if(e & mental)
        aggs[f"{rid}__eligible_timed"] = count_if(e & timed)
        aggs[f"{rid}__in_hours"] = count_if(h)
        aggs[f"{rid}__in_area_hours"] = count_if(ah)
    row = {k: int(v or 0) for k, v in t.aggregate(**aggs).to_pyarrow().to_pylist()[0].items()}
    base = {k: row[k] for k in ("calls", "public_calls", "behavioral_health_calls")}
    return {rid: {**base, **{k.split("__", 1)[1]: v for k, v in row.items() if k.startswith(f"{rid}__")}} for rid in flags}


def by_category(t: ir.Table, program: Program) -> pd.DataFrame:
    """Long table: response, category, calls, eligible_calls (categories with any calls)."""
    flags = _flags(t, program)
    agg = t.group_by("category").aggregate(calls=t.count(), **{f"e__{rid}": count_if(f[0]) for rid, f in flags.items()})
    wide = agg.to_pandas()
    return _long(wide, ["category"], flags)


def by_hour_of_week(t: ir.Table, program: Program) -> pd.DataFrame:
    """Long table: response, weekday (0 = Mon), hour, hour_of_week, calls, eligible_calls (timed calls only)."""
    flags = _flags(t, program)
    timed = t.filter(t.received_local.notnull())
    timed = timed.mutate(weekday=timed.received_local.day_of_week.index(), hour=timed.received_local.hour())
    tf = _flags(timed, program)
    agg = timed.group_by(["weekday", "hour"]).aggregate(calls=timed.count(), **{f"e__{rid}": count_if(f[0]) for rid, f in tf.items()})
    wide = agg.to_pandas()
    out = _long(wide, ["weekday", "hour"], flags)
    if len(out):
        out["weekday"] = out["weekday"].astype("int64")
        out["hour"] = out["hour"].astype("int64")
        out.insert(out.columns.get_loc("hour") + 1, "hour_of_week", out["weekday"] * 24 + out["hour"])
        out.insert(out.columns.get_loc("weekday") + 1, "weekday_name", out["weekday"].map(dict(enumerate(WEEKDAYS))))
    return out


def _long(wide: pd.DataFrame, keys: list[str], flags: dict) -> pd.DataFrame:
    frames = []
    for rid in flags:
        part = wide[[*keys, "calls"]].copy()
        part.insert(0, "response", rid)
        part["eligible_calls"] = wide[f"e__{rid}"].astype("int64")
        frames.append(part)
    if not frames:
        return pd.DataFrame(columns=["response", *keys, "calls", "eligible_calls"])
    out = pd.concat(frames, ignore_index=True)
    out["calls"] = out["calls"].astype("int64")
    return out.sort_values(["response", *keys], kind="stable").reset_index(drop=True)
