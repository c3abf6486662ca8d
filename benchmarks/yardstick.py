"""The yardstick: a fixed set of report.json numbers that pandas and bare DuckDB recompute from the CSV.

Each number below is read from altresponse's ``report.json`` and recomputed from the same synth
CSV by ``yardstick_pandas.py`` and ``yardstick_duckdb.py``; ``compare`` says where they differ.

============================  =========================================================  =================================
name                          definition (what report.json means by it)                  report.json
============================  =========================================================  =================================
``calls_by_month``            calls per month of the local received date                 volume.tables.by_month
``calls_by_beat``             calls per beat (raw ``beat`` column)                       location.tables.by_beat
``calls_by_hour_of_week``     calls per (weekday Mon=0, local hour) of received time     volume.tables.by_hour_weekday
``eligible_by_type``          eligible calls per canonical type (synth → durham type     volume.tables.by_type
                              map; eligible = some program response takes the type and
                              none of its word exclusions matches the nature)
``response_by_priority``      received → on scene, per priority: valid intervals,        response_time.tables.by_priority
                              median and 90th percentile in seconds (linear              (interval == "response")
                              interpolation; instants in UTC from America/New_York
                              local time, an ambiguous time read as daylight time)
``repeat_30d``                calls with a place, and those whose place had a call at    frequency.tables.repeat_rate
                              most 30 days (local wall clock) before, eligible vs other
``unit_hours``                on scene → cleared × units (unknown or 0 units = 1), valid  workload.numbers
                              intervals only, eligible and all
============================  =========================================================  =================================

A valid interval has both timestamps, does not run backwards and is not zero seconds long on
a self-initiated call. Counts must agree exactly; medians and percentiles within
``SECONDS_TOL`` seconds (all three interpolate linearly between order statistics: DuckDB's
``quantile_cont``, pandas' default ``linear``); unit-hours within a relative ``REL_TOL``
(sums of floats in a different order).

The baselines read a small lookup file (``lookups``, built once per CSV and not timed): the
nature → canonical type and eligibility table, and the adapter's priority and channel codes, as
an analyst would keep a code table next to a notebook.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PROGRAM = REPO / "programs" / "durham-heart.yaml"
TZ = "America/New_York"
WINDOW_DAYS = 30
SECONDS_TOL = 1e-6
REL_TOL = 1e-9
NAMES = ("calls_by_month", "calls_by_beat", "calls_by_hour_of_week", "eligible_by_type", "response_by_priority", "repeat_30d", "unit_hours")


def build_lookups(csv: Path, out: Path) -> dict:
    """Write the code tables the baselines use (distinct natures and sources of ``csv`` mapped once)."""
    import duckdb

    from altresponse.adapter import load_adapter
    from altresponse.program import load_program
    from altresponse.rules import word_pattern
    from altresponse.typemap import load_typemap

    adapter, program = load_adapter("synth"), load_program(PROGRAM)
    typemap = load_typemap(adapter.typemap)
    con = duckdb.connect()
    distinct = con.sql(f"select distinct nature, source from read_csv('{csv}', all_varchar=true)").fetchall()
    natures = sorted({n for n, _ in distinct if n is not None})
    sources = sorted({s for _, s in distinct if s is not None})
    word_re = {flag: re.compile(word_pattern(words)) for flag, words in program.keywords.items()}

    def eligible(code: str, nature: str) -> bool:
        for r in program.responses:
            if code not in r.eligible_types:
                continue
            # only word exclusions can be decided per nature; a response with other exclusions
            # (crt.high_risk) is skipped, which is exact for durham-heart because care_nav takes
            # the same types with word exclusions only (the agreement check would catch a change)
            if any(e.words is None for e in r.exclusions):
                continue
            if not any(word_re[f].search(nature) for e in r.exclusions for f in e.words):
                return True
        return False

    types = {n: typemap.map_one(None, n)[0] for n in natures}
    channel = adapter.values["channel"]
    cmap = {k.upper(): v for k, v in channel.map.items()}
    lookups = {
        "tz": adapter.time_zone,
        "natures": {n: {"canonical_type": types[n], "eligible": eligible(types[n], n)} for n in natures},
        "priority": dict(adapter.values["priority"].map),
        "self_initiated_sources": [s for s in sources if cmap.get(s.upper(), channel.default) == "self_initiated"],
    }
    out.write_text(json.dumps(lookups, indent=1))
    return lookups


def from_report(report_json: Path) -> dict:
    """The yardstick numbers as altresponse's report.json states them."""
    r = json.loads(Path(report_json).read_text())
    vol, loc, rt = r["volume"]["tables"], r["location"]["tables"], r["response_time"]["tables"]
    out = {
        "calls_by_month": {row["month"][:7]: row["calls"] for row in vol["by_month"]},
        "calls_by_beat": {_key(row["beat"]): row["calls"] for row in loc["by_beat"]},
        "calls_by_hour_of_week": {f"{row['weekday']}-{row['hour']:02d}": row["calls"] for row in vol["by_hour_weekday"]},
        "eligible_by_type": {row["canonical_type"]: row["eligible_calls"] for row in vol["by_type"] if row["eligible_calls"]},
        "response_by_priority": {
            _key(row["priority"]): [row["calls"], row["median_seconds"], row["p90_seconds"]]
            for row in rt["by_priority"]
            if row["interval"] == "response"
        },
        "repeat_30d": {row["group"]: [row["calls"], row["repeat_calls"]] for row in r["frequency"]["tables"]["repeat_rate"]},
        "unit_hours": {
            "eligible": r["workload"]["numbers"]["eligible_unit_hours"],
            "all": r["workload"]["numbers"]["all_unit_hours"],
        },
    }
    return out


def _key(value) -> str:
    """One spelling for a group key across JSON, pandas and DuckDB (1, 1.0 and "1" are "1"; null is "null")."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "null"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def normalise(numbers: dict) -> dict:
    """Plain JSON types with string keys, so results from any contender compare directly."""
    return json.loads(json.dumps(numbers, default=float))


def compare(reference: dict, other: dict) -> list[str]:
    """Every difference between two yardstick results, one line each (empty when they agree)."""
    problems = []
    for name in NAMES:
        a, b = reference.get(name), other.get(name)
        if a is None or b is None:
            problems.append(f"{name}: missing ({'reference' if a is None else 'other'})")
            continue
        for key in sorted(set(a) | set(b)):
            if key not in a or key not in b:
                problems.append(f"{name}[{key}]: only in {'other' if key not in a else 'reference'} ({a.get(key, b.get(key))})")
            elif not _same(name, a[key], b[key]):
                problems.append(f"{name}[{key}]: {a[key]} != {b[key]}")
    return problems


def _same(name: str, x, y) -> bool:
    if name == "unit_hours":
        return math.isclose(x, y, rel_tol=REL_TOL)
    if name == "response_by_priority":
        return x[0] == y[0] and all(_close_seconds(u, v) for u, v in zip(x[1:], y[1:]))
    return x == y


def _close_seconds(u, v) -> bool:
    if u is None or v is None:
        return u is None and v is None
    return abs(u - v) <= SECONDS_TOL
