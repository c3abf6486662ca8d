"""The figures the public site shows, as counts before suppression.

Each function returns plain pandas aggregates (never a row per call): the calls table is
reduced on the engine to month × category counts, beat counts and the data-as-of date; the
service's outcome and follow-up records arrive as weekly counts already (``serve.export``).
Nothing here hides anything: :mod:`altresponse.publish.suppress` does, in ``site``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

OTHER_TYPES = "other call types"
REASON_NAMES = {
    "out_of_hours": "outside the team's hours",
    "out_of_area": "outside the team's area",
    "no_team_available": "no team free",
    "excluded_by_call_taker": "the call-taker judged it unsafe or unsuitable",
    "caller_declined": "the caller declined",
    "other": "other reason",
    "co_response_instead": "a co-response (clinician with an officer) went instead",
    "none recorded": "no reason recorded",
}
OUTCOME_NAMES = {
    "reached": "reached, not yet connected",
    "connected": "connected to services",
    "declined": "declined",
    "unreachable": "could not be reached",
}


def _month(value: Any) -> str:
    return pd.Timestamp(value).strftime("%Y-%m")


def week_month(week: Any) -> str:
    """The month a service week (its Monday, ``serve.export``) is counted in: the month of its
    Thursday, as ISO 8601 assigns weeks to years. By its Monday, the week of Monday 30 October
    2023 would put calls of 1-5 November into October, a month the calls figures do not have."""
    return _month(pd.Timestamp(week) + pd.Timedelta(days=3))


def calls_by_month(classified, names: dict[str, dict[str, str]], program) -> dict[str, pd.DataFrame]:
    """Month × recommended response and month × call type (all calls), plus month totals.

    Call types outside every program response's eligible types fold into "other call types",
    so the type table is about the program and stays small. Both tables have the same rows
    and the same row totals (the month's calls), which the site suppresses once.
    """
    t = classified.filter(classified.received_date.notnull())
    t = t.mutate(month=t.received_date.truncate("M"))
    resp = t.group_by(["month", "recommended_response"]).aggregate(calls=t.count()).to_pandas()
    typ = t.group_by(["month", "canonical_type"]).aggregate(calls=t.count()).to_pandas()
    eligible_types = {code for r in program.responses for code in r.eligible_types}
    typ["canonical_type"] = typ["canonical_type"].map(
        lambda c: names["canonical_type"].get(c, c) if c in eligible_types else OTHER_TYPES
    )
    resp["recommended_response"] = resp["recommended_response"].fillna("none").map(
        lambda r: names["recommended_response"].get(r, r)
    )
    out = {}
    for key, df, col in (("by_response", resp, "recommended_response"), ("by_type", typ, "canonical_type")):
        df = df.assign(month=df["month"].map(_month))
        wide = df.pivot_table(index="month", columns=col, values="calls", aggfunc="sum", fill_value=0)
        wide = wide[sorted(wide.columns, key=lambda c: (c == OTHER_TYPES, -wide[c].sum(), str(c)))]
        out[key] = wide.astype("int64").sort_index()
    return out


def eligible_calls(classified) -> tuple[int, int]:
    """(eligible calls, all calls): eligible for at least one program response by its rules."""
    row = classified.aggregate(
        eligible=classified.eligible.fill_null(False).cast("int64").sum(), calls=classified.count()
    ).to_pandas().iloc[0]
    return int(row["eligible"] or 0), int(row["calls"])


NO_BEAT = "no beat recorded"


def calls_by_beat(classified) -> pd.Series:
    """Calls per beat (the CAD's beat), with calls that have none as their own row.

    The row for "no beat recorded" keeps the table's total equal to all calls: left out, the
    difference between this total and the page's would publish that count unsuppressed.
    """
    t = classified.mutate(beat=classified.beat.fill_null(NO_BEAT))
    df = t.group_by("beat").aggregate(calls=t.count()).to_pandas()
    out = df.set_index("beat")["calls"].astype("int64")
    return out.reindex(sorted(out.index, key=lambda b: (b == NO_BEAT, str(b))))


def data_as_of(classified) -> dt.date | None:
    """The last day with a call in the data."""
    value = classified.received_date.max().to_pandas()
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


TEAM_WENT = "the recommended care team went"
NO_TEAM = "no care team went (why: below)"


def care_outcomes(outcomes: pd.DataFrame, care_responses: set[str]) -> pd.DataFrame:
    """The service's outcome counts restricted to care-eligible calls, with ``sent`` in plain terms.

    ``serve.export.outcome_counts`` counts every decision with an outcome, police calls
    included, and its ``sent == "recommended_team"`` means "what was recommended went" — police,
    for a call the rules sent to police (no team free, out of hours). The site's figures are
    about eligible calls and care teams, so rows not ``care_eligible`` are dropped and a
    "recommended team" that is not one of the program's responses is named by what it was.
    """
    if "care_eligible" not in outcomes.columns:
        msg = "service outcome counts: no 'care_eligible' column (serve.export.outcome_counts gives it)"
        raise ValueError(msg)
    df = outcomes[outcomes["care_eligible"].fillna(False).astype(bool)].copy()
    not_care = (df["sent"] == "recommended_team") & ~df["recommended_response"].isin(care_responses)
    df.loc[not_care, "sent"] = df.loc[not_care, "recommended_response"]
    return df.reset_index(drop=True)


def outcome_tables(outcomes: pd.DataFrame) -> dict[str, Any]:
    """From ``serve.export.outcome_counts``: month × who was sent; why a team was not sent;
    backup requested at care-team responses."""
    df = outcomes.assign(month=outcomes["week"].map(week_month))
    # two columns only, the care team and the rest: the rest's total is the reasons table's total
    # and the team's total is the headline shares' denominator, so every margin this table has is
    # published once and the same everywhere (with "police" and "no one" apart, a small "no one"
    # would be the reasons' total minus police)
    went = df["sent"].eq("recommended_team").map({True: TEAM_WENT, False: NO_TEAM})
    sent = df.assign(went=went).pivot_table(index="month", columns="went", values="calls", aggfunc="sum", fill_value=0)
    sent = sent.reindex(columns=[c for c in (TEAM_WENT, NO_TEAM) if c in sent.columns]).astype("int64").sort_index()
    # every call the team did not take, a missing reason included: the reasons' total must equal
    # the table's "no care team" column, or their difference would publish a count unsuppressed
    not_sent = df[df["sent"] != "recommended_team"]
    why = not_sent["reason"].where(not_sent["reason"].notna() | (not_sent["sent"] != "co_response"), "co_response_instead")
    not_sent = not_sent.assign(reason=why.fillna("none recorded"))
    reasons = not_sent.groupby("reason")["calls"].sum().rename(index=lambda r: REASON_NAMES.get(r, r)).astype("int64")
    team = df[df["sent"] == "recommended_team"]
    known = team[team["backup_requested"].notna()]
    no_backup = int(known.loc[~known["backup_requested"].astype(bool), "calls"].sum())
    return {
        "sent": sent,
        "reasons": reasons.sort_values(ascending=False),
        "team_calls": int(team["calls"].sum()),
        "backup_known": int(known["calls"].sum()),
        "no_backup": no_backup,
        "last_week": max(pd.Timestamp(w) for w in df["week"]).date() if len(df) else None,
    }


def followup_tables(followups: pd.DataFrame) -> dict[str, Any]:
    """From ``serve.export.followup_counts``: follow-ups by outcome; made within 48 h; connected."""
    df = followups.copy()
    df["outcome"] = df["outcome"].fillna("pending")
    by_outcome = df.groupby("outcome")["followups"].sum().rename(index=lambda o: OUTCOME_NAMES.get(o, "outcome not yet recorded"))
    made = int(df["followups"].sum())
    return {
        "by_outcome": by_outcome.astype("int64").sort_values(ascending=False),
        "made": made,
        "within_48h": int(df["within_48h"].sum()),
        "reached": int(df.loc[df["outcome"].isin(["reached", "connected"]), "followups"].sum()),
        "connected": int(df.loc[df["outcome"] == "connected", "followups"].sum()),
    }


def evaluation_headline(doc: dict) -> dict[str, Any]:
    """The evaluation's headline in words, with its uncertainty (from ``evaluate --json``)."""
    head = doc.get("headline") or {}
    effect, low, high = head.get("relative_effect"), head.get("ci_low"), head.get("ci_high")
    interval = head.get("interval") or "95%"
    words = []
    if effect is not None and low is not None and high is not None:
        direction = "fewer" if effect < 0 else "more"
        words.append(
            f"Best estimate: {abs(effect) * 100:.0f}% {direction} {head.get('outcome', 'events')} where the program worked "
            f"than the comparison predicts ({head.get('estimator', 'estimator not named')})."
        )
        words.append(
            f"The {interval} interval runs from {low * 100:+.0f}% to {high * 100:+.0f}%: "
            + ("it includes no change at all, so the data cannot yet say whether the program changed this."
               if low <= 0 <= high else "it excludes no change, so a change of this direction is likely real, "
               "though its size is uncertain within that range.")
        )
    if head.get("sentence"):
        words.append(str(head["sentence"]))
    return {"available": bool(words), "words": words, "headline": head}
