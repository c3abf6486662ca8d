"""Care Navigation: referrals, the navigator's queue, and attempts/outcomes with optimistic concurrency.

A referral opens a follow-up due :data:`DUE_HOURS` after the encounter (Durham's Care Navigation
follows up within about 48 hours, FAQ 5). Contact details are encrypted before they reach the
database (:mod:`altresponse.serve.crypto`) and only the navigator role reads them back. Every
change carries the ``version`` the navigator saw; a stale one gets 409 instead of overwriting.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from sqlalchemy import and_, func, select, update

from .audit import audit_row
from .db import decisions, followups, new_id
from .triage import FieldError

DUE_HOURS = 48
Outcome = Literal["reached", "connected", "declined", "unreachable"]
AttemptResult = Literal["reached", "no_answer", "left_message", "wrong_number"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Contact(_Strict):
    name: str | None = Field(None, max_length=200)
    phone: str | None = Field(None, max_length=50)
    address: str | None = Field(None, max_length=300)
    notes: str | None = Field(None, max_length=2000)


class ReferralRequest(_Strict):
    decision_id: str | None = Field(None, max_length=36, description="The triage decision of the encounter.")
    call_id: str | None = Field(None, max_length=200, description="Or the CAD's call id.")
    encounter_at: AwareDatetime | None = Field(None, description="Default now.")
    beat: str | None = Field(None, max_length=32, description="Default: the decision's beat.")
    consent: bool
    contact: Contact = Contact()


class Attempt(_Strict):
    at: AwareDatetime | None = Field(None, description="Default now.")
    result: AttemptResult


class FollowupPatch(_Strict):
    version: int = Field(ge=1, description="The version you read; a stale one gets 409.")
    attempt: Attempt | None = None
    outcome: Outcome | None = None
    services: str | None = Field(None, max_length=200, description="Which services, when the outcome is 'connected'.")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def utc(t: dt.datetime | None) -> dt.datetime | None:
    """An aware time in UTC: the database stores UTC only (SQLite keeps no offset, so mixed
    offsets would sort and compare wrongly)."""
    return None if t is None else t.astimezone(dt.UTC)


def open_referral(engine, cipher, who, body: ReferralRequest) -> dict:
    """Insert a follow-up (and its audit row) in one transaction; returns the public record."""
    now = _now()
    encounter = utc(body.encounter_at) or now
    contact = body.contact.model_dump(exclude_none=True)
    fid = new_id()
    with engine.begin() as conn:
        beat = body.beat
        if body.decision_id is not None:
            row = conn.execute(select(decisions.c.beat).where(decisions.c.id == body.decision_id)).first()
            if row is None:
                raise FieldError("decision_id", f"no triage decision {body.decision_id!r}")
            beat = beat if beat is not None else row.beat
        values = {
            "id": fid, "decision_id": body.decision_id, "call_id": body.call_id, "created_at": now,
            "encounter_at": encounter, "due_at": encounter + dt.timedelta(hours=DUE_HOURS), "beat": beat,
            "consent": body.consent, "contact_enc": cipher.encrypt(json.dumps(contact)) if contact else None,
            "status": "open", "outcome": None, "services": None, "attempts": 0, "first_contact_at": None,
            "updated_at": now, "version": 1,
        }
        conn.execute(followups.insert().values(**values))
        record = _public(values, None)
        conn.execute(*_insert(audit_row(who, "referral", fid, input=_redacted(body), output=record, at=now)))
    return record


def _insert(row):
    table, values = row
    return (table.insert().values(**values),)


def _redacted(body: ReferralRequest) -> dict:
    # The audit keeps which contact fields were given, never their values.
    doc = body.model_dump(mode="json", exclude={"contact"})
    doc["contact_fields"] = sorted(body.contact.model_dump(exclude_none=True))
    return doc


def _public(row, cipher) -> dict:
    due = row["due_at"]
    out = {k: row[k] for k in ("id", "decision_id", "call_id", "beat", "consent", "status", "outcome", "services",
                               "attempts", "version")}
    for k in ("created_at", "encounter_at", "due_at", "first_contact_at", "updated_at"):
        out[k] = _aware(row[k]).isoformat() if row[k] is not None else None
    out["overdue"] = row["status"] == "open" and _aware(due) < _now()
    if cipher is not None:
        out["contact"] = json.loads(cipher.decrypt(row["contact_enc"])) if row["contact_enc"] else {}
    return out


def _aware(t: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes; everything is written in UTC.
    return t if t.tzinfo is not None else t.replace(tzinfo=dt.UTC)


def queue(engine, cipher, *, status: str | None = "open", due_before: dt.datetime | None = None, limit: int = 200) -> list[dict]:
    """The navigator's queue: ordered by due time, so overdue follow-ups come first."""
    q = select(followups)
    if status is not None:
        q = q.where(followups.c.status == status)
    if due_before is not None:
        q = q.where(followups.c.due_at < utc(due_before))
    q = q.order_by(followups.c.due_at, followups.c.id).limit(limit)
    with engine.connect() as conn:
        return [_public(r._mapping, cipher) for r in conn.execute(q)]


def get(engine, cipher, fid: str) -> dict | None:
    with engine.connect() as conn:
        row = conn.execute(select(followups).where(followups.c.id == fid)).first()
    return None if row is None else _public(row._mapping, cipher)


class Conflict(Exception):
    """The follow-up changed since the caller read it (or is closed)."""

    def __init__(self, current: dict):
        super().__init__("stale version")
        self.current = current


def patch(engine, cipher, who, fid: str, body: FollowupPatch) -> dict | None:
    """Record an attempt and/or the outcome if ``body.version`` is current; None if no such follow-up.

    Raises
    ------
    Conflict
        The version is stale: someone else changed it first.
    FieldError
        Nothing to change, or services without 'connected'.
    """
    if body.attempt is None and body.outcome is None:
        raise FieldError("attempt", "give an attempt, an outcome, or both")
    if body.services is not None and body.outcome != "connected":
        raise FieldError("services", "services go with outcome 'connected'")
    now = _now()
    values: dict = {"updated_at": now, "version": body.version + 1}
    contact_at = None
    if body.attempt is not None:
        values["attempts"] = followups.c.attempts + 1
        if body.attempt.result == "reached":
            contact_at = utc(body.attempt.at) or now
    if body.outcome is not None:
        values.update(outcome=body.outcome, status="closed", services=body.services)
        if body.outcome in ("reached", "connected", "declined"):
            contact_at = contact_at or now  # they spoke: a contact, even if no attempt was logged
    if contact_at is not None:
        values["first_contact_at"] = func.coalesce(followups.c.first_contact_at, contact_at)
    with engine.begin() as conn:
        # The write comes first and carries the version check: SQLite takes its write lock here
        # (no read-then-upgrade race), and a navigator who read the same version updates nothing.
        res = conn.execute(update(followups).where(and_(followups.c.id == fid, followups.c.version == body.version))
                           .values(**values))
        row = conn.execute(select(followups).where(followups.c.id == fid)).first()
        if row is None:
            return None
        if res.rowcount != 1:
            raise Conflict(_public(row._mapping, None))
        new = dict(row._mapping)
        record = _public(new, None)
        conn.execute(*_insert(audit_row(who, "followup_update", fid, input=body.model_dump(mode="json"), output=record, at=now)))
    return _public(new, cipher)
