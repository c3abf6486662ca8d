"""Premise history in memory: prior violent calls and use of force per place, from the store.

Loaded once when the service starts (and again on ``POST /v1/admin/reload``) from the same
expression :func:`altresponse.classify.premise_events` gives ``classify``, so the counts mean
the same thing in batch and live: for a call at local time ``t`` at place ``k``,
``premise_violence`` is the number of violent calls at ``k`` with local time in
``[t - 365 days, t]`` and ``premise_force`` the number of distinct use-of-force incidents at
``k`` in ``[t - 365 days, t)``. A place is the block-level location text (trimmed, upper case),
else latitude/longitude rounded to 3 decimals, as :func:`altresponse.classify.location_key`.
A new call is not in the store, so nothing is subtracted for the call itself.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ..classify import LOCATION_DECIMALS, LOOKBACK_DAYS

_LOOKBACK = dt.timedelta(days=LOOKBACK_DAYS)


def _round_like_engine(x: float) -> float:
    # DuckDB rounds doubles half away from zero (std::round); Python's round() does not.
    m = 10.0**LOCATION_DECIMALS
    return math.copysign(math.floor(abs(x) * m + 0.5), x) / m


def premise_key(location_text: str | None, latitude: float | None, longitude: float | None) -> str | None:
    """The place key of one call, as :func:`altresponse.classify.location_key` writes it.

    Examples
    --------
    >>> premise_key(None, 35.9852198, -78.8972535)
    '@35.985,-78.897'
    >>> premise_key("  100 block main st ", 35.9, -78.9)
    '100 BLOCK MAIN ST'
    """
    text = (location_text or "").strip().upper()
    if text:
        return text
    if latitude is None or longitude is None:
        return None
    return f"@{_round_like_engine(latitude)!r},{_round_like_engine(longitude)!r}"


@dataclass
class PremiseIndex:
    """Sorted local instants of violent calls, and force incidents, per place."""

    violent: dict[str, list[dt.datetime]] = field(default_factory=dict)
    force: dict[str, list[tuple[dt.datetime, str | None]]] | None = None
    calls: int = 0
    loaded_at: dt.datetime | None = None

    def counts(self, key: str | None, at: dt.datetime | None) -> tuple[int | None, int | None]:
        """``(premise_violence, premise_force)`` for a call at place ``key`` and local time ``at``."""
        if key is None or at is None:
            return None, None
        times = self.violent.get(key, ())
        pv = bisect.bisect_right(times, at) - bisect.bisect_left(times, at - _LOOKBACK)
        if self.force is None:
            return pv, None
        ids = {(fid if fid is not None else (ts, i)) for i, (ts, fid) in enumerate(self.force.get(key, ()))
               if at - _LOOKBACK <= ts < at}
        return pv, len(ids)


def load_premises(store: str | Path | None, tree, *, typemap=None) -> PremiseIndex:
    """Build the index from a store's calls (and force incidents, when it has any).

    ``store=None`` gives an empty index (every place has no history: counts 0).
    """
    index = PremiseIndex(loaded_at=dt.datetime.now(dt.UTC))
    if store is None:
        return index
    from .. import store as store_mod
    from ..classify import force_points, premise_events, read_force

    calls = store_mod.calls(store)
    ev = premise_events(calls, tree, typemap=typemap)
    index.calls = int(calls.count().execute())
    rows = ev.filter(ev._violent == 1, ev._loc.notnull(), ev._ts.notnull()).order_by("_ts").to_pyarrow().to_pylist()
    violent: dict[str, list[dt.datetime]] = defaultdict(list)
    for r in rows:
        violent[r["_loc"]].append(r["_ts"])
    index.violent = dict(violent)
    force = read_force(store)
    if force is not None:
        f, _ = force_points(force)
        got: dict[str, list] = defaultdict(list)
        for r in f.filter(f._floc.notnull(), f._fts.notnull()).to_pyarrow().to_pylist():
            got[r["_floc"]].append((r["_fts"], r["_fid"]))
        index.force = dict(got)
    return index
