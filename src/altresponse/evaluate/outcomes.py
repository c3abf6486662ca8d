"""The outcomes an evaluation can count, for calls and for crime reports.

Calls (``STORE/calls`` classified by the program on the fly): ``eligible`` (police calls of the
evaluated response's eligible types, after its exclusions, wherever and whenever they came),
``calls`` (police calls for service, not cancelled), ``unit_hours`` (units x dispatch-to-clear hours),
``response_p1`` (median seconds from received to on scene for priority-1 calls; a median, so
empty cells stay missing), ``repeat`` (calls at a block with another call in the previous 30
days), ``arrest`` / ``report`` (calls whose disposition says so). An outcome the store cannot
support (no times, no dispositions) is left out with the reason.

Reports (``STORE/reports``): one outcome per offense list in an offense-list file (e.g.
``programs/denver-star-targeted-offenses.yaml``): ``{name: {label, offense_types: [...],
offense_categories: [...]}}``; a report counts when its type or category is listed.
"""

from __future__ import annotations

from pathlib import Path

import ibis
import ibis.expr.types as ir

from ..errors import ConfigError
from .panel import Outcome

CALL_OUTCOMES: tuple[str, ...] = ("eligible", "calls", "unit_hours", "response_p1", "repeat", "arrest", "report")
REPEAT_DAYS = 30


def not_cancelled(t: ir.Table) -> ir.BooleanValue:
    return ~t.cancelled.fill_null(False) if "cancelled" in t.columns else ibis.literal(True)


def call_outcomes(classified: ir.Table, response_id: str) -> tuple[list[Outcome], dict[str, str]]:
    """Outcomes the classified calls support, and why each other one is left out.

    Returns
    -------
    (list of Outcome, dict name -> reason)
    """
    from ..analyze._common import non_nulls

    # one query for every column: each query classifies the calls again (one per column took
    # six classifications of the store before the panel's own)
    have = non_nulls(classified, ["dispatched_at", "cleared_at", "onscene_at", "received_at", "disposition", "units"])
    elig = f"eligible_{response_id}"
    # the eligible calls first: they are what the program can change directly (the headline)
    out = [Outcome("eligible", f"police calls of types the {response_id} response may take", "count",
                   lambda t: t[elig].fill_null(False) & not_cancelled(t)),
           Outcome("calls", "police calls for service", "count", not_cancelled)]
    missing: dict[str, str] = {}
    if have.get("dispatched_at") and have.get("cleared_at"):
        out.append(Outcome("unit_hours", "police unit-hours (units x dispatch to clear)", "sum",
                           lambda t: ibis.ifelse(t.cleared_at > t.dispatched_at,
                                                 (t.cleared_at.epoch_seconds() - t.dispatched_at.epoch_seconds()) / 3600.0
                                                 * t.units.fill_null(1).cast("float64"), 0.0).fill_null(0.0)))
    else:
        missing["unit_hours"] = "no dispatch and clear times in this store"
    if have.get("onscene_at") and have.get("received_at"):
        out.append(Outcome("response_p1", "median seconds to arrival, priority-1 calls", "median",
                           lambda t: ibis.ifelse((t.priority == 1) & (t.onscene_at >= t.received_at),
                                                 t.onscene_at.epoch_seconds() - t.received_at.epoch_seconds(), ibis.null("int64"))))
    else:
        missing["response_p1"] = "no received and on-scene times in this store"
    out.append(Outcome("repeat", f"calls at a block with another call in the {REPEAT_DAYS} days before", "count",
                       lambda t: t._repeat))
    if have.get("disposition"):
        for name, word in (("arrest", "arrest"), ("report", "report")):
            out.append(Outcome(name, f"calls whose disposition mentions {word}", "count",
                               lambda t, w=word: t.disposition.lower().contains(w)))
    else:
        missing["arrest"] = missing["report"] = "no dispositions in this store"
    return out, missing


def with_repeat_flag(calls: ir.Table) -> ir.Table:
    """Add ``_repeat``: another call at the same block-level place in the previous 30 days (on the engine)."""
    from ..analyze._common import location_key

    t = calls.mutate(_place=location_key(calls), _when=calls.received_date.cast("timestamp"))
    w = ibis.window(group_by=t._place, order_by=t._when)
    prev = t._when.lag().over(w)
    gap = t._when.epoch_seconds() - prev.epoch_seconds()
    return t.mutate(_repeat=(t._place.notnull() & prev.notnull() & (gap <= REPEAT_DAYS * 86_400)).fill_null(False))


def read_offense_lists(path: str | Path) -> dict[str, dict]:
    """Read an offense-list file: ``{name: {label, offense_types, offense_categories, note}}``.

    Read through the one config reader (size, depth, alias and repeated-key bounds, lines).

    Raises
    ------
    ConfigError
        Not a mapping of lists, or a list with neither types nor categories.
    """
    from ..config import read_yaml

    path = Path(path)
    if not path.is_file():
        msg = f"{path}: no such offense-list file"
        raise ConfigError(msg)
    data, lines = read_yaml(path, shown=str(path), what="offense list")
    return offense_lists_from_yaml(data, lines, str(path))


def offense_lists_from_yaml(data, lines, shown: str) -> dict[str, dict]:
    """Validate parsed offense lists (``check`` uses this too); errors are ``FILE line N, key: message``."""
    from ..config import location

    lists = data.get("lists") if isinstance(data, dict) else None
    if not isinstance(lists, dict) or not lists:
        msg = f"{shown} line 1: expected a top-level 'lists:' mapping of name -> {{label, offense_types, offense_categories}}"
        raise ConfigError(msg)
    for name, spec in lists.items():
        where = location(shown, lines, ("lists", name))
        if not isinstance(spec, dict) or not (spec.get("offense_types") or spec.get("offense_categories")):
            msg = f"{where}: needs offense_types or offense_categories (a list)"
            raise ConfigError(msg)
        unknown = set(spec) - {"label", "offense_types", "offense_categories", "note", "main"}
        if unknown:
            msg = f"{where}: unknown key(s) {', '.join(sorted(map(str, unknown)))}; use label, offense_types, offense_categories, note, main"
            raise ConfigError(msg)
    return lists


def report_outcomes(lists: dict[str, dict]) -> list[Outcome]:
    """One count outcome per offense list."""
    out = []
    for name, spec in lists.items():
        types = [str(x) for x in spec.get("offense_types") or []]
        cats = [str(x) for x in spec.get("offense_categories") or []]

        def value(t, types=types, cats=cats):
            cond = ibis.literal(False)
            if types:
                cond = cond | t.offense_type.isin(types)
            if cats:
                cond = cond | t.offense_category.isin(cats)
            return cond

        out.append(Outcome(name, spec.get("label") or name, "count", value))
    return out
