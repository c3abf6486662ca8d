"""Counts for evaluation and publishing: no personal data, only counts and times per week and beat.

``outcome_counts`` and ``followup_counts`` are the interface the ``publish`` verb reads (names
and columns are fixed). Weeks are the Monday (local to the database's UTC instants' date,
i.e. UTC) of the call's received time or the encounter. Small cells are NOT suppressed here:
whoever publishes them must (``publish/suppress.py``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from .db import decisions, followups, make_engine, outcomes

OUTCOME_COLUMNS = ["week", "beat", "recommended_response", "care_eligible", "sent", "reason", "backup_requested", "calls"]
FOLLOWUP_COLUMNS = ["week", "beat", "outcome", "followups", "within_48h", "connected_services"]
CONTACT_WINDOW = dt.timedelta(hours=48)


def _monday(ts: pd.Series) -> pd.Series:
    d = pd.to_datetime(ts, utc=True).dt.tz_convert("UTC").dt.tz_localize(None).dt.normalize()
    return (d - pd.to_timedelta(d.dt.day_of_week, unit="D")).dt.date


def _with_engine(db_url: str, fn):
    engine = make_engine(db_url)
    try:
        return fn(engine)
    finally:
        engine.dispose()


def outcome_counts(db_url: str) -> pd.DataFrame:
    """Calls per (week, beat, recommended_response, care_eligible, sent, reason, backup_requested).

    ``care_eligible``: the rules made the call eligible for a program response (whatever was
    recommended in the end: an eligible call out of a team's hours is recommended to police).

    One row per combination; ``calls`` counts decisions whose latest recorded outcome has those
    values. Decisions with no outcome recorded yet are not counted (``sent`` has no value for
    them); compare with the decision total to see how many are still unrecorded.
    """
    return _with_engine(db_url, outcome_counts_engine)


def outcome_counts_engine(engine: Engine) -> pd.DataFrame:
    latest = select(outcomes.c.decision_id, func.max(outcomes.c.seq).label("seq")).group_by(outcomes.c.decision_id).subquery()
    q = (select(decisions.c.received_at, decisions.c.beat, decisions.c.recommended_response, decisions.c.care_eligible, outcomes.c.sent,
                outcomes.c.reason, outcomes.c.backup_requested)
         .join(latest, latest.c.decision_id == decisions.c.id)
         .join(outcomes, outcomes.c.seq == latest.c.seq))
    with engine.connect() as conn:
        df = pd.DataFrame(conn.execute(q).fetchall(), columns=["received_at", "beat", "recommended_response", "care_eligible",
                                                               "sent", "reason", "backup_requested"])
    if df.empty:
        return _empty(OUTCOME_COLUMNS, "calls")
    df["week"] = _monday(df["received_at"])
    keys = OUTCOME_COLUMNS[:-1]
    out = df.groupby(keys, dropna=False, sort=True).size().reset_index(name="calls")
    return _clean(out, OUTCOME_COLUMNS, ints=["calls"], bools=["backup_requested", "care_eligible"])


def followup_counts(db_url: str) -> pd.DataFrame:
    """Follow-ups per (week of the encounter, beat, outcome, services).

    ``outcome`` is None while a follow-up is open; ``within_48h`` counts those whose first
    contact came within 48 hours of the encounter.
    """
    return _with_engine(db_url, followup_counts_engine)


def followup_counts_engine(engine: Engine) -> pd.DataFrame:
    df = _followup_rows(engine)
    if df.empty:
        return _empty(FOLLOWUP_COLUMNS, "followups")
    out = df.groupby(FOLLOWUP_KEYS, dropna=False, sort=True).agg(followups=("within", "size"), within_48h=("within", "sum")).reset_index()
    return _clean(out, FOLLOWUP_COLUMNS, ints=["followups", "within_48h"])


FOLLOWUP_KEYS = ["week", "beat", "outcome", "connected_services"]


def _followup_rows(engine: Engine) -> pd.DataFrame:
    # One row per follow-up, no contact details: week, beat, outcome, services, contact timing.
    q = select(followups.c.encounter_at, followups.c.beat, followups.c.outcome, followups.c.services,
               followups.c.first_contact_at)
    with engine.connect() as conn:
        df = pd.DataFrame(conn.execute(q).fetchall(), columns=["encounter_at", "beat", "outcome", "connected_services",
                                                               "first_contact_at"])
    if df.empty:
        return df
    enc = pd.to_datetime(df["encounter_at"], utc=True)
    first = pd.to_datetime(df["first_contact_at"], utc=True)
    df["hours"] = (first - enc).dt.total_seconds() / 3600
    df["within"] = (first.notna() & ((first - enc) <= CONTACT_WINDOW)).astype("int64")
    df["week"] = _monday(df["encounter_at"])
    return df


def _empty(columns: list[str], count: str) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="int64" if c in (count, "within_48h") else "object") for c in columns})


def _clean(df: pd.DataFrame, columns: list[str], *, ints: list[str], bools: tuple = ()) -> pd.DataFrame:
    df = df[columns].copy()
    for c in columns:
        if c in ints:
            df[c] = df[c].astype("int64")
        elif c in bools:
            df[c] = df[c].astype("object").where(df[c].notna(), None).map(lambda v: None if v is None else bool(v))
        elif c != "week":
            df[c] = df[c].astype("object").where(df[c].notna(), None)
    return df.reset_index(drop=True)


def export_parquet(db_url: str, out: str | Path) -> dict:
    """Write follow-up counts to ``OUT`` and outcome counts beside it (``OUT`` stem + ``.outcomes.parquet``).

    The follow-up file adds ``median_hours_to_first_contact`` per row (null where no one was reached).
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(db_url)
    try:
        fc, oc = followup_counts_engine(engine), outcome_counts_engine(engine)
        fc = fc.merge(_median_hours(engine), on=FOLLOWUP_KEYS, how="left")
    finally:
        engine.dispose()
    o_path = out.with_name(out.stem + ".outcomes" + out.suffix)
    fc.to_parquet(out, index=False)
    oc.to_parquet(o_path, index=False)
    return {"followups": str(out), "outcomes": str(o_path), "followup_rows": len(fc), "outcome_rows": len(oc),
            "followups_total": int(fc["followups"].sum()), "calls_with_outcome": int(oc["calls"].sum())}


def _median_hours(engine: Engine) -> pd.DataFrame:
    df = _followup_rows(engine)
    if df.empty:
        return pd.DataFrame(columns=[*FOLLOWUP_KEYS, "median_hours_to_first_contact"])
    got = df.groupby(FOLLOWUP_KEYS, dropna=False).agg(median_hours_to_first_contact=("hours", "median")).reset_index()
    med = pd.to_numeric(got["median_hours_to_first_contact"])
    return _clean(got, FOLLOWUP_KEYS, ints=[]).assign(median_hours_to_first_contact=med)
