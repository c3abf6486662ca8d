"""Volume: how many calls, of which types, eligible for what, when and through which channel."""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd

from ._common import count_if, days_between, hour_label, pct, section, share, unavailable, with_eligible

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def volume(classified: ir.Table, *, day_start: int = 8, day_end: int = 20) -> dict[str, Any]:
    """Calls by type, category, eligibility, response, month, hour × weekday and channel.

    Parameters
    ----------
    classified
        The classified calls table (``docs/architecture.md``).
    day_start, day_end
        Local hours bounding "daytime" for the headline share (default 8am–8pm).

    Returns
    -------
    dict
        A section: headline, findings, numbers and tables ``by_type``, ``by_category``,
        ``by_response``, ``by_month``, ``by_channel``, ``by_hour_weekday``.
    """
    t = with_eligible(classified)
    # the section's single numbers in one query (each was its own query: a scan and a compile each)
    head = t.aggregate(
        calls=t.count(), eligible=count_if(t.is_eligible), first=t.received_date.min(), last=t.received_date.max(),
        timed=t.received_local.count() if "received_local" in t.columns else ibis.literal(0),
    ).to_pandas().iloc[0]
    total = int(head["calls"])
    if total == 0:
        return unavailable("The table holds no calls.")
    eligible = int(head["eligible"])
    days = days_between(head["first"], head["last"])

    def by(cols, order=None):
        agg = t.group_by(cols).aggregate(calls=t.count(), eligible_calls=count_if(t.is_eligible))
        agg = agg.mutate(share_of_calls=agg.calls / total)
        return agg.order_by(order or [agg.calls.desc(), *cols]).to_pandas()

    tables = {
        "by_category": by(["category"]),
        "by_type": by(["canonical_type", "category"]),
        "by_response": by(["recommended_response"]),
        "by_channel": by(["channel"]),
    }
    month = t.mutate(month=t.received_date.truncate("M"))
    m = month.group_by("month").aggregate(calls=month.count(), eligible_calls=count_if(month.is_eligible))
    tables["by_month"] = _per_day(m.order_by("month").to_pandas(), head["first"], head["last"])

    findings = [
        f"{total:,} calls over {days:,} days ({total / max(days, 1):,.1f} a day); "
        f"{eligible:,} ({pct(share(eligible, total))}) are eligible for a program response."
    ]
    top = tables["by_category"].iloc[0]
    findings.append(f"The largest category is {top['category']} ({int(top['calls']):,} calls, {pct(top['share_of_calls'])}).")
    partial = tables["by_month"][tables["by_month"]["days"] < tables["by_month"]["days_in_month"]]
    if len(partial):
        findings.append(
            "The data cover only part of "
            + ", ".join(f"{pd.Timestamp(r.month):%B %Y} ({r.days} of {r.days_in_month} days)" for r in partial.itertuples())
            + ": compare months by calls a day, not by total."
        )
    gaps = {}
    numbers = {"calls": total, "eligible_calls": eligible, "share_eligible": share(eligible, total), "days": days}
    headline = f"{pct(share(eligible, total))} of calls ({eligible:,} of {total:,}) are eligible for a program response."

    if int(head["timed"]):
        timed = t.filter(t.received_local.notnull())
        timed = timed.mutate(hour=timed.received_local.hour(), weekday=timed.received_local.day_of_week.index())
        hw = timed.group_by(["weekday", "hour"]).aggregate(calls=timed.count(), eligible_calls=count_if(timed.is_eligible))
        hw = hw.order_by(["weekday", "hour"]).to_pandas()
        hw.insert(1, "weekday_name", hw["weekday"].map(dict(enumerate(WEEKDAYS))))
        tables["by_hour_weekday"] = hw
        elig_timed = int(hw["eligible_calls"].sum())
        in_day = hw.loc[(hw["hour"] >= day_start) & (hw["hour"] < day_end), "eligible_calls"].sum()
        day_share = share(int(in_day), elig_timed)
        numbers["share_eligible_daytime"] = day_share
        numbers["daytime_hours"] = [day_start, day_end]
        if elig_timed:
            by_hour = hw.groupby("hour")["eligible_calls"].sum()
            peak = int(by_hour.idxmax())
            numbers["peak_hour_eligible"] = peak
            findings.append(
                f"{pct(day_share)} of eligible calls fall between {hour_label(day_start)} and {hour_label(day_end)}; "
                f"the busiest hour is {hour_label(peak)}–{hour_label(peak + 1)}."
            )
            headline += f" {pct(day_share)} of them fall between {hour_label(day_start)} and {hour_label(day_end)}."
    else:
        gaps["by_hour_weekday"] = "The source gives dates only (no time of day), so there is no hour-of-day view."

    known_channel = tables["by_channel"].dropna(subset=["channel"])
    if known_channel.empty:
        gaps["by_channel"] = "The source does not say how calls came in."
    else:
        si = known_channel.loc[known_channel["channel"] == "self_initiated", "calls"].sum()
        findings.append(f"{pct(share(int(si), total))} of calls were self-initiated by officers.")
    return section(headline, findings=findings, numbers=numbers, tables=tables, gaps=gaps)


def _per_day(by_month: pd.DataFrame, first, last) -> pd.DataFrame:
    """Add ``days`` (days of the month inside the data's ``first``–``last`` received date), ``days_in_month``
    and ``calls_per_day``/``eligible_per_day``, so a partial first or last month is not read as a trend."""
    out = by_month.copy()
    if out.empty or pd.isna(first):
        return out.assign(days=0, days_in_month=0, calls_per_day=0.0, eligible_per_day=0.0)
    first, last = pd.Timestamp(first), pd.Timestamp(last)
    start = pd.to_datetime(out["month"])
    end = start + pd.offsets.MonthEnd(0)
    days = (end.clip(upper=last) - start.clip(lower=first)).dt.days + 1
    out["days"] = days.clip(lower=1).astype("int64")
    out["days_in_month"] = start.dt.days_in_month.astype("int64")
    out["calls_per_day"] = out["calls"] / out["days"]
    out["eligible_per_day"] = out["eligible_calls"] / out["days"]
    return out
