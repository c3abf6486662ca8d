"""What qualifies every figure about a store's calls: dates only, unmapped types, a subset.

Each caveat is ``{"code", "text"}``; the compare table lists the codes of the caveats that
apply to each cell and the page prints their text. Thresholds are module constants.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import ibis.expr.types as ir

from .. import store as store_mod
from ..analyze._common import count_if, scalar, share

UNMAPPED_MAX = 0.02  # the bar: above 2% unmapped types, say so
UNTIMED_MAX = 0.02
FULL_YEAR_DAYS = 365


def store_caveats(store: str | Path, stats: dict[str, Any]) -> list[dict[str, str]]:
    """Caveats of one store's calls. ``stats`` holds ``calls``, ``timed``, ``unmapped``,
    ``behavioral_health``, ``channel_known``, ``days`` and ``sources`` (from :func:`store_stats`)."""
    out = []
    calls = stats["calls"]
    if stats["timed"] == 0:
        out.append(_c("dates_only", "The source gives dates only (no time of day): no hour-of-week view, "
                      "and calls answerable within a program's hours cannot be counted."))
    elif (calls - stats["timed"]) / calls > UNTIMED_MAX:
        out.append(_c("partly_timed", f"{share(calls - stats['timed'], calls):.1%} of calls have no time of day; "
                      "hour and in-hours figures are over the timed calls."))
    unmapped = share(stats["unmapped"], calls)
    if unmapped is not None and unmapped > UNMAPPED_MAX:
        out.append(_c("unmapped_types", f"{unmapped:.1%} of calls have a source type the type map does not cover "
                      "(UNKNOWN): they count as not eligible, so shares are lower bounds."))
    if stats["behavioral_health"] == 0:
        out.append(_c("no_behavioral_health", "No call maps to a behavioral-health type (mental health, suicide threat): "
                      "programs that take only those find none here; the source may file them under other types."))
    for text in _subset_notes(store):
        out.append(_c("subset", text))
    if "synth" in stats["sources"]:
        out.append(_c("synthetic", "Synthetic calls (seeded, calibrated to Durham), not a city's records."))
    if stats["channel_known"] == 0:
        out.append(_c("no_channel", "The source does not say how calls came in: self-initiated calls cannot be "
                      "told apart, so 'public-initiated' figures count every call."))
    if stats["days"] < FULL_YEAR_DAYS:
        out.append(_c("short_span", f"The calls cover {stats['days']:,} days; per-year figures scale them to a year "
                      "and ignore the seasons."))
    return out


def store_stats(t: ir.Table) -> dict[str, Any]:
    """Counts the caveats need, in one engine aggregate (plus the distinct sources)."""
    row = t.aggregate(
        calls=t.count(),
        timed=t.received_local.count(),
        unmapped=count_if(t.canonical_type == "UNKNOWN"),
        behavioral_health=count_if(t.category == "behavioral_health"),
        channel_known=t.channel.count(),
        first=t.received_date.min(),
        last=t.received_date.max(),
    ).to_pyarrow().to_pylist()[0]
    sources = sorted(str(s) for s in t.select("source").distinct().to_pyarrow().column("source").to_pylist() if s is not None)
    days = (row["last"] - row["first"]).days + 1 if row["first"] is not None else 0
    return {**{k: int(row[k] or 0) for k in ("calls", "timed", "unmapped", "behavioral_health", "channel_known")},
            "first": row["first"], "last": row["last"], "days": days, "sources": sources}


def _c(code: str, text: str) -> dict[str, str]:
    return {"code": code, "text": text}


def _subset_notes(store: str | Path) -> list[str]:
    """What the SOURCE.md beside each ingested file says about it being a subset or sample.

    The store records the path of every file it ingested (``STORE/ingests/*.json``); a
    SOURCE.md in that folder that names the file and calls it a (filtered) subset is quoted.
    """
    notes = []
    for rec in sorted(store_mod.table_dir(store, "ingests").glob("*.json")):
        try:
            path = Path(json.loads(rec.read_text()).get("path", ""))
        except (OSError, ValueError, AttributeError):
            continue
        source_md = path.parent / "SOURCE.md"
        try:
            text = source_md.read_text(encoding="utf-8")
        except OSError:
            continue
        if path.name not in text and "sample" not in text.lower():
            continue
        sentence = _subset_sentence(text)
        if sentence:
            notes.append(f"{path.name}: its SOURCE.md says \"{sentence}\"")
    return list(dict.fromkeys(notes))


def _subset_sentence(text: str) -> str | None:
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))  # not titles
    flat = re.sub(r"\s+", " ", body.replace("*", ""))
    for sentence in re.split(r"(?<=[.!?])\s", flat):
        if re.search(r"\bsubset\b", sentence, re.IGNORECASE):
            return sentence.strip()[:200]
    return None
