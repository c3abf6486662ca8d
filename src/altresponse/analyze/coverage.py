"""Coverage: how much of the eligible demand a program reaches with k beats or h hours a day.

These are the curves behind "why not 24/7, why not citywide": the share of eligible calls
in the top-k beats (k = 1 … all) and in the best contiguous window of h hours a day
(h = 4 … 24, windows may wrap past midnight), plus what the program as defined covers.
"""

from __future__ import annotations

import re
from typing import Any

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd

from ._common import count_if, hour_label, non_nulls, pct, section, unavailable, with_eligible


def best_hour_windows(hourly: pd.Series, hours=range(4, 25)) -> pd.DataFrame:
    """Best contiguous window of h hours (wrapping midnight) over a 24-bin hour-of-day count.

    Parameters
    ----------
    hourly
        Eligible calls per local hour, indexed 0–23 (an aggregate, 24 values).
    hours
        Window lengths to try.

    Returns
    -------
    pandas.DataFrame
        ``hours``, ``start_hour``, ``end_hour`` (exclusive), ``eligible_calls``, ``share``.
        Ties go to the window whose first hour is busiest, then to the earliest start.

    Examples
    --------
    >>> int(best_hour_windows(pd.Series([0] * 22 + [5, 5]), hours=[2]).iloc[0]["start_hour"])
    22
    """
    counts = hourly.reindex(range(24), fill_value=0).to_numpy(dtype=float)
    total = counts.sum()
    doubled = np.concatenate([counts, counts])
    csum = np.concatenate([[0.0], np.cumsum(doubled)])
    rows = []
    for h in hours:
        sums = csum[np.arange(24) + h] - csum[np.arange(24)]  # window starting at each hour
        tied = np.flatnonzero(sums == sums.max())
        start = int(tied[np.argmax(counts[tied])])  # ties: the window that opens on the busiest hour
        rows.append(
            {
                "hours": int(h),
                "start_hour": start,
                "end_hour": (start + h) % 24,
                "eligible_calls": int(sums[start]),
                "share": float(sums[start] / total) if total else None,
            }
        )
    return pd.DataFrame(rows)


def coverage(classified: ir.Table, *, hour_steps=range(4, 25)) -> dict[str, Any]:
    """Share of eligible calls covered by the top-k beats and the best h-hour daily window.

    Parameters
    ----------
    classified
        The classified calls table.
    hour_steps
        Window lengths (hours a day) for the hours curve.

    Returns
    -------
    dict
        A section with tables ``by_beats`` (k, beat — or district when the source has no
        beats — cumulative share), ``by_hours`` and,
        where the program's ``in_area_*``/``in_hours_*`` columns exist, ``program``.
    """
    t = with_eligible(classified)
    el = t.filter(t.is_eligible)
    # the eligible count and which columns the eligible calls fill, in one query (four before)
    filled = non_nulls(el, ["beat", "district", "received_local"], n=el.count())
    eligible = int(filled["n"])
    if eligible == 0:
        return unavailable("No call is eligible, so there is nothing to cover.")
    tables, findings, gaps = {}, [], {}
    numbers: dict[str, Any] = {"eligible_calls": eligible}
    headline_parts = []

    area = "beat" if filled["beat"] else ("district" if filled["district"] else None)
    if area is not None:
        beat_el = el.filter(el[area].notnull()).mutate(beat=el[area])
        per = beat_el.group_by("beat").aggregate(eligible_calls=beat_el.count())
        w = ibis.window(order_by=[per.eligible_calls.desc(), per.beat], preceding=None, following=0)
        per = per.mutate(
            k=ibis.row_number().over(order_by=[per.eligible_calls.desc(), per.beat]) + 1,
            cumulative_calls=per.eligible_calls.sum().over(w),
        )
        per = per.mutate(cumulative_share=per.cumulative_calls / eligible).order_by("k").to_pandas()
        per = per.rename(columns={"beat": area})  # name the areas for what they are (Portland: districts)
        tables["by_beats"] = per
        for target in (0.5, 0.8):
            hit = per.loc[per["cumulative_share"] >= target, "k"]
            if len(hit):
                numbers[f"beats_for_{int(target * 100)}pct"] = int(hit.iloc[0])
        numbers["beats"] = len(per)
        k50 = numbers.get("beats_for_50pct")
        if k50:
            headline_parts.append(f"{k50} of {len(per)} {area}s hold half of eligible calls")
        numbers["area_unit"] = area
        for k in (3, 5, 10, 12):
            if k < len(per):
                findings.append(f"The top {k} {area}s cover {pct(per.loc[per['k'] == k, 'cumulative_share'].iloc[0])} of eligible calls.")
        placed = int(per["eligible_calls"].sum())
        if placed < eligible:
            findings.append(f"{eligible - placed:,} eligible calls have no {area} and are left out of the {area} curve.")
    else:
        gaps["by_beats"] = "The source has no beats or districts, so there is no coverage-by-area curve."

    if filled["received_local"]:
        timed = el.filter(el.received_local.notnull())
        hourly = timed.group_by(hour=timed.received_local.hour()).aggregate(eligible_calls=timed.count()).to_pandas()
        curve = best_hour_windows(hourly.set_index("hour")["eligible_calls"], hours=hour_steps)
        curve.insert(3, "window", [f"{hour_label(s)}–{hour_label(e)}" if h < 24 else "24 hours" for s, e, h in zip(curve.start_hour, curve.end_hour, curve.hours)])
        tables["by_hours"] = curve
        for h in (8, 12, 16):
            row = curve[curve["hours"] == h]
            if len(row):
                numbers[f"best_{h}h_share"] = row["share"].iloc[0]
                numbers[f"best_{h}h_window"] = row["window"].iloc[0]
                findings.append(f"The best {h}-hour window ({row['window'].iloc[0]}) covers {pct(row['share'].iloc[0])} of eligible calls.")
        row12 = curve[curve["hours"] == 12]
        if len(row12):
            headline_parts.append(
                f"a 12-hour day ({row12['window'].iloc[0]}) reaches {pct(row12['share'].iloc[0])} of "
                + ("them" if headline_parts else "eligible calls")
            )
    else:
        gaps["by_hours"] = "The source gives dates only (no time of day), so there is no coverage-by-hours curve."

    program = _program_coverage(t)
    if program is not None and len(program):
        tables["program"] = program
        for r in program.itertuples():
            findings.append(
                f"As defined (the periods in effect on each call's date), {r.response} takes in "
                f"{pct(r.share_in_area_and_hours)} of its eligible calls ({r.in_area_and_hours:,} of {r.eligible_calls:,}) "
                f"within its area and hours" + (f"; {r.area_or_hours_unknown:,} have no beat or time." if r.area_or_hours_unknown else ".")
            )
    if not headline_parts:
        if not tables:
            return unavailable(" ".join(gaps.values()))
        headline_parts.append("neither beats nor times of day are known; only the program's own coverage can be shown")
    headline = "; ".join(headline_parts) + "."
    headline = headline[0].upper() + headline[1:]
    return section(headline, findings=findings, numbers=numbers, tables=tables, gaps=gaps)


def _program_coverage(t: ir.Table) -> pd.DataFrame | None:
    responses = [m.group(1) for c in t.columns if (m := re.fullmatch(r"eligible_(?!rule_)(.+)", c))]
    parts = []
    for r in responses:
        area, hours = f"in_area_{r}", f"in_hours_{r}"
        if area not in t.columns and hours not in t.columns:
            continue
        e = t.filter(t[f"eligible_{r}"].fill_null(False))
        a = e[area] if area in t.columns else ibis.literal(True)
        h = e[hours] if hours in t.columns else ibis.literal(True)
        parts.append(
            e.aggregate(
                response=ibis.literal(r),
                eligible_calls=e.count(),
                in_area=count_if(a),
                in_hours=count_if(h),
                in_area_and_hours=count_if(a & h),
                area_or_hours_unknown=count_if(a.isnull() | h.isnull()),
            )
        )
    if not parts:
        return None
    df = ibis.union(*parts).to_pandas()
    df["share_in_area_and_hours"] = df["in_area_and_hours"] / df["eligible_calls"].where(df["eligible_calls"] > 0)
    return df.sort_values("response").reset_index(drop=True)
