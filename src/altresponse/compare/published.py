"""Published figures beside ours: the program's own eligible share or volume, and why they differ.

Published figures are data in the program file (``published:``, with their source). Ours is
counted the way theirs was where the store allows (the same denominator: all calls,
public-initiated calls or mental-health calls) and scaled to a year for volumes. The reasons
they differ are stated, never tuned away: whose calls these are, what the published figure
counted (its note), and the store's caveats.
"""

from __future__ import annotations

from typing import Any

from ..analyze._common import share
from ..program import Program, PublishedFigure
from .tables import ANY

DAYS_A_YEAR = 365.25
DENOMINATOR_WORDS = {
    "all_calls": "all 911 calls",
    "police_calls": "police calls for service",
    "public_initiated": "public-initiated calls (not officer-initiated)",
    "behavioral_health_calls": "mental-health calls",
}
# which of our counts matches each published denominator: (eligible key, denominator key)
OUR_COUNTS = {
    "all_calls": ("eligible", "calls"),
    "police_calls": ("eligible", "calls"),
    "public_initiated": ("eligible_public", "public_calls"),
    "behavioral_health_calls": ("eligible_behavioral_health", "behavioral_health_calls"),
}
# store caveats that bear on a comparison with a published figure
RELEVANT = ("subset", "synthetic", "unmapped_types", "no_channel", "short_span")


def compare_figure(
    fig: PublishedFigure, program: Program, counts: dict[str, int], *, source: str, days: int, caveats: list[dict]
) -> dict[str, Any]:
    """One published figure beside ours on one store.

    Parameters
    ----------
    fig, program
        The figure and the program that published it.
    counts
        The store's counts for the figure's response (:func:`tables.summary`).
    source, days, caveats
        Whose calls, how many days they span, the store's caveats.
    """
    denom = fig.denominator
    e_key, d_key = OUR_COUNTS.get(denom or "all_calls")
    ours_share = share(counts[e_key], counts[d_key]) if denom else None
    ours_year = counts["eligible"] * DAYS_A_YEAR / days if days else None
    general, here = _why(fig, program, source=source, caveats=caveats)
    return {
        "program_id": program.id,
        "figure_id": fig.id,
        "response": fig.response or ANY,
        "store_source": source,
        "published": fig.what,
        "published_source": fig.source,
        "denominator": DENOMINATOR_WORDS.get(denom, "none (a volume)") if denom else "none (a volume)",
        "theirs_share": fig.share,
        "ours_share": ours_share,
        "ours_eligible": counts[e_key] if denom else counts["eligible"],
        "ours_denominator": counts[d_key] if denom else None,
        "theirs_per_year": fig.per_year,
        "ours_per_year": ours_year,
        "why_they_differ": general + here,
        "why_general": general,
        "why_here": here,
    }


def _why(fig, program, *, source, caveats) -> tuple[list[str], list[str]]:
    """(reasons that hold on every store, reasons about this store)."""
    general = []
    if fig.note:
        general.append(f"What theirs counted: {fig.note}")
    if fig.denominator:
        general.append(
            f"Theirs is over {DENOMINATOR_WORDS[fig.denominator]} ({fig.period or 'period not given'}); ours over the store's "
            f"{_ours_words(fig.denominator)}, eligible by canonical type and exclusions only (no dispatch decision)."
        )
    else:
        general.append("Theirs is a count of calls the program took; ours counts every eligible call, taken or not.")
    here = []
    if program.city is not None and source != program.city:
        general.append(f"Theirs is {program.city}'s calls: on another city's calls ours is a what-if, not a check of the program file.")
    elif program.city is not None:
        here.append(f"Same city ({source}), other years: theirs is from {fig.period or 'another period'}.")
    relevant = [c for c in RELEVANT if c != "no_channel" or fig.denominator == "public_initiated"]
    here += [f"{source}: {c['text']}" for c in caveats if c["code"] in relevant]
    return general, here


def _ours_words(denominator: str) -> str:
    if denominator == "public_initiated":
        return "calls not marked self-initiated"
    if denominator == "behavioral_health_calls":
        return "calls of category behavioral_health"
    return "calls (every discipline it holds)"
