"""Location: calls per beat and district, their daily rates and the share eligible."""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir

from ._common import count_if, days_between, non_nulls, pct, section, share, unavailable, with_eligible


def location(classified: ir.Table) -> dict[str, Any]:
    """Counts, daily rates and eligible share per beat and per district.

    Parameters
    ----------
    classified
        The classified calls table.

    Returns
    -------
    dict
        A section with tables ``by_beat`` and ``by_district`` (columns ``calls``,
        ``eligible_calls``, ``share_eligible``, ``calls_per_day``, ``eligible_per_day``,
        ``share_of_eligible``), or unavailable when no call has a beat or district.
    """
    t = with_eligible(classified)
    # the section's single numbers in one query (five before: a scan and a compile each)
    head = non_nulls(t, ["beat", "district"], calls=t.count(), eligible=count_if(t.is_eligible),
                     first=t.received_date.min(), last=t.received_date.max())
    has_beat, has_district = head["beat"], head["district"]
    if not has_beat and not has_district:
        return unavailable("The source has no beat, district or mappable location, so calls cannot be placed.")
    total = int(head["calls"])
    eligible = int(head["eligible"])
    days = max(days_between(head["first"], head["last"]), 1)

    def per(area: str):
        placed = t.filter(t[area].notnull())
        agg = placed.group_by(area).aggregate(calls=placed.count(), eligible_calls=count_if(placed.is_eligible))
        agg = agg.mutate(
            share_eligible=agg.eligible_calls / agg.calls,
            calls_per_day=agg.calls / days,
            eligible_per_day=agg.eligible_calls / days,
            share_of_eligible=agg.eligible_calls / max(eligible, 1),
        )
        return agg.order_by([agg.eligible_calls.desc(), agg.calls.desc(), area]).to_pandas()

    tables, findings, numbers, gaps = {}, [], {"calls": total, "eligible_calls": eligible, "days": days}, {}
    headline = ""
    if has_beat:
        by_beat = per("beat")
        if has_district:
            by_beat = _with_district(t, by_beat)
        tables["by_beat"] = by_beat
        placed = int(by_beat["calls"].sum())
        numbers.update(beats=len(by_beat), calls_with_beat=placed, share_with_beat=share(placed, total))
        if eligible and len(by_beat):
            top = by_beat.iloc[0]
            top3 = by_beat["eligible_calls"].head(3).sum()
            numbers["share_eligible_top3_beats"] = share(int(top3), eligible)
            headline = (
                f"Beat {top['beat']} has the most eligible calls ({int(top['eligible_calls']):,}, "
                f"{top['eligible_per_day']:.1f} a day); the top 3 of {len(by_beat)} beats hold "
                f"{pct(share(int(top3), eligible))} of eligible calls."
            )
        if placed < total:
            findings.append(f"{total - placed:,} calls ({pct(share(total - placed, total))}) have no beat.")
        rates = by_beat.loc[by_beat["calls"] >= 30, "share_eligible"]
        if len(rates) > 1 and rates.min() < rates.max():
            findings.append(
                f"Among beats with at least 30 calls, the eligible share runs from {pct(rates.min())} to {pct(rates.max())}."
            )
    else:
        gaps["by_beat"] = "The source has districts but no beats."
    if has_district:
        by_district = per("district")
        tables["by_district"] = by_district
        numbers["districts"] = len(by_district)
        if not headline and eligible and len(by_district):
            top = by_district.iloc[0]
            headline = (
                f"District {top['district']} has the most eligible calls ({int(top['eligible_calls']):,}, "
                f"{pct(top['share_of_eligible'])} of all eligible calls)."
            )
    else:
        gaps["by_district"] = "The source has beats but no districts."
    if has_beat and has_district and "district" in tables["by_beat"].columns:
        # beats are the CAD's own; a call's district can come from where its point falls, so a
        # district's total need not be the sum of "its" beats: say so rather than leave a puzzle
        beat_sums = tables["by_beat"].groupby("district")["calls"].sum()
        district_totals = tables["by_district"].set_index("district")["calls"]
        differ = [d for d in district_totals.index if int(beat_sums.get(d, 0)) != int(district_totals[d])]
        if differ:
            findings.append(
                f"District totals differ from the sum of their beats in {len(differ)} of {len(district_totals)} districts: "
                "a call's beat is the one the dispatch record gives, its district the one its map point falls in, "
                "and the two disagree for some calls (see the ingest's beat check)."
            )
    if not headline:
        headline = f"{total:,} calls placed in {numbers.get('beats', numbers.get('districts', 0))} areas; none is eligible."
    return section(headline, findings=findings, numbers=numbers, tables=tables, gaps=gaps)


def _with_district(t: ir.Table, by_beat):
    """``by_beat`` with the district each beat sits in (its most common one) as second column."""
    pairs = t.filter(t.beat.notnull() & t.district.notnull())
    pairs = pairs.group_by(["beat", "district"]).aggregate(n=pairs.count())
    best = pairs.mutate(r=ibis.row_number().over(group_by="beat", order_by=[pairs.n.desc(), pairs.district]))
    lookup = best.filter(best.r == 0).select("beat", "district").to_pandas()
    by_beat = by_beat.merge(lookup, on="beat", how="left")
    return by_beat[["beat", "district", *[c for c in by_beat.columns if c not in ("beat", "district")]]]
