"""Frequency: repeat locations and repeat-call rates (analyst-only: names places).

A place is ``places.location_key``: ``location_text`` (block level), else ``@lat,lon``
rounded to 3 decimals (about 100 m) — the same key premise history uses. A call is a *repeat* when the same place had another call (of any type) in
the 30 days before it; the gap is measured on the engine with a window (``lag``) over
each place's calls in time order.
"""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir

from ._common import count_if, local_time, location_key, pct, scalar, section, share, unavailable, with_eligible


def repeat_calls(classified: ir.Table, *, window_days: int = 30) -> ir.Table:
    """Add ``place``, ``seconds_since_previous`` and ``is_repeat`` to every call with a place.

    Parameters
    ----------
    classified
        The classified calls table.
    window_days
        A call is a repeat when the place's previous call was at most this many days earlier.

    Returns
    -------
    ibis.Table
        Calls that have a place, with the three added columns.
    """
    t = with_eligible(classified)
    t = t.mutate(place=location_key(t), when=local_time(t))
    t = t.filter(t.place.notnull() & t.when.notnull())
    w = ibis.window(group_by=t.place, order_by=[t.when, t.call_id])
    t = t.mutate(previous=t.when.lag().over(w))
    gap = t.when.delta(t.previous, unit="second")
    return t.mutate(
        seconds_since_previous=gap,
        is_repeat=(t.previous.notnull() & (gap <= window_days * 86400)).fill_null(False),
    )


def _places(rc: ir.Table, top: int) -> tuple[int, int, Any, Any, int]:
    """Per-place figures from the narrow repeat table: places, places with 2+ calls, the two top tables, top-10 eligible calls."""
    places = rc.group_by("place").aggregate(
        calls=rc.count(),
        eligible_calls=count_if(rc.is_eligible),
        repeat_calls=count_if(rc.is_repeat),
        call_types=rc.canonical_type.nunique(),
        first_date=rc.received_date.min(),
        last_date=rc.received_date.max(),
        beat=rc.beat.mode() if "beat" in rc.columns else ibis.null("string"),
    )
    with places.cache() as places:  # read by the four queries below
        counts = places.aggregate(n=places.count(), multi=count_if(places.calls >= 2)).to_pandas().iloc[0]
        repeat_locations = places.order_by([places.calls.desc(), "place"]).limit(top).to_pandas()
        el_places = places.filter(places.eligible_calls > 0)
        follow_up = el_places.order_by([el_places.eligible_calls.desc(), el_places.last_date.desc(), "place"]).limit(top).to_pandas()
        # how concentrated: eligible calls at the 10 places with the most (the sum of the 10 largest
        # counts, whichever way ties are ordered, so follow_up's first rows give it when it has them)
        if top >= 10:
            top10_calls = int(follow_up["eligible_calls"].head(10).sum())
        else:
            top10 = el_places.order_by([el_places.eligible_calls.desc(), "place"]).limit(10)
            top10_calls = int(scalar(top10.eligible_calls.sum().fill_null(0)))
    return int(counts["n"]), int(counts["multi"]), repeat_locations, follow_up, top10_calls


def frequency(classified: ir.Table, *, window_days: int = 30, top: int = 25) -> dict[str, Any]:
    """Repeat locations, the repeat-call rate of eligible calls, and follow-up places.

    Parameters
    ----------
    classified
        The classified calls table.
    window_days
        Look-back for a repeat call (default 30 days).
    top
        How many places the follow-up and repeat-location tables keep.

    Returns
    -------
    dict
        A section with tables ``repeat_rate`` (eligible vs other), ``repeat_locations``
        (places with the most calls) and ``follow_up`` (places with the most eligible calls:
        where a Care Navigation team would go first), or unavailable without locations.
    """
    total = int(scalar(classified.count()))
    rc = repeat_calls(classified, window_days=window_days)
    keep = ["place", "is_eligible", "is_repeat", "canonical_type", "received_date", *(["beat"] if "beat" in rc.columns else [])]
    # The 30-day window over every call is the dear part: run it once into a narrow table on the
    # engine, and aggregate that (it ran once per query before: 8 times, ~2 s each at 1M calls).
    with rc.select(*keep).cache() as rc:
        rate = rc.mutate(group=ibis.ifelse(rc.is_eligible, "eligible", "other"))
        rate = rate.group_by("group").aggregate(calls=rate.count(), repeat_calls=count_if(rate.is_repeat))
        rate = rate.mutate(repeat_rate=rate.repeat_calls / rate.calls).order_by("group").to_pandas()
        placed = int(rate["calls"].sum())
        if placed == 0:
            return unavailable("The source has no block-level location or coordinates, so repeat locations cannot be found.")
        n_places, multi, repeat_locations, follow_up, top10_calls = _places(rc, top)
    # eligible calls with a place: the same count as summing eligible calls over places
    el_total = int(rate.loc[rate["group"] == "eligible", "calls"].sum())
    r = rate.set_index("group")
    e_rate = float(r.loc["eligible", "repeat_rate"]) if "eligible" in r.index else None
    o_rate = float(r.loc["other", "repeat_rate"]) if "other" in r.index else None
    numbers = {
        "calls_with_place": placed,
        "share_with_place": share(placed, total),
        "places": n_places,
        "places_with_2plus_calls": multi,
        "eligible_repeat_rate": e_rate,
        "other_repeat_rate": o_rate,
        "window_days": window_days,
        "share_eligible_top10_places": share(top10_calls, el_total),
    }
    if e_rate is not None:
        headline = (
            f"{pct(e_rate)} of eligible calls came from a place that had another call in the previous {window_days} days"
            + (f" (other calls: {pct(o_rate)})." if o_rate is not None else ".")
        )
    else:
        headline = f"No eligible call has a location; {pct(o_rate)} of other calls are repeats within {window_days} days."
    findings = [
        f"{placed:,} of {total:,} calls ({pct(share(placed, total))}) have a block-level place; "
        f"{multi:,} of {n_places:,} places had two or more calls.",
    ]
    if el_total:
        findings.append(f"The 10 places with the most eligible calls account for {pct(share(top10_calls, el_total))} of eligible calls with a place.")
    tables = {"repeat_rate": rate, "repeat_locations": repeat_locations, "follow_up": follow_up}
    return section(headline, findings=findings, numbers=numbers, tables=tables)
