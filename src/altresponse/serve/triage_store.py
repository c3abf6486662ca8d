"""What a triage decision and an outcome write (the record and its audit row), and reading them back."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import select

from .audit import audit_row
from .db import Encoded, audit, decisions, new_id, outcomes
from .followups import utc
from .triage import FieldError, OutcomeRequest, TriageRequest


async def record_decision(state, who, body: TriageRequest) -> str:
    """Decide ``body``, write the decision and its audit row, and return the response's JSON text.

    The one implementation of ``POST /v1/triage``: the FastAPI route and the lean ASGI path both
    call it. The rows are on disk when it returns.

    Raises
    ------
    FieldError
        From :meth:`Triage.decide`, before anything is written.
    """
    now = dt.datetime.now(dt.UTC)
    doc = state.triage.decide(body, now)
    doc = {"decision_id": new_id(), **doc, "recorded_at": now.isoformat()}
    # Encoded here, once, for the response and the audit row alike: the document is plain JSON
    # types already (the hot path skips re-validation).
    text = json.dumps(doc)
    await state.writer.write(decision_rows(state, who, body, doc, now, output=Encoded(text)))
    return text


def decision_rows(state, who, body: TriageRequest, doc: dict, now: dt.datetime, *, output=None) -> list:
    """The decision row and its audit row; the free text goes in encrypted, the audit keeps only that it was given.

    ``output``: ``doc`` already encoded (a :class:`~altresponse.serve.db.Encoded`), to store without encoding it twice.
    """
    t = state.triage
    received = body.received_at or now
    row = {
        "id": doc["decision_id"], "created_at": now, "received_at": received.astimezone(dt.UTC), "beat": doc["call"]["beat"],
        "canonical_type": doc["call"]["canonical_type"], "recommended_response": doc["recommended_response"],
        "recommended_rule": doc["recommended_rule"], "care_eligible": bool(doc["eligible"]),
        "risk_level": doc["risk"]["level"], "program_id": t.program.id, "program_version": t.program.version,
        "narrative_enc": state.cipher.encrypt(body.narrative),
    }
    given = body.model_dump(mode="json", exclude={"narrative"})
    given["narrative_given"] = body.narrative is not None
    return [(decisions, row), audit_row(who, "triage", doc["decision_id"], program=t.program, input=given, output=doc if output is None else output, at=now)]


def load_decision(engine, decision_id: str) -> dict | None:
    """The document a past triage returned, or None."""
    with engine.connect() as conn:
        row = conn.execute(select(audit.c.output).where(audit.c.entity_id == decision_id, audit.c.action == "triage")).first()
    return None if row is None else row.output


def outcome_rows(state, who, decision_id: str, body: OutcomeRequest) -> tuple[list, dict]:
    """Check an outcome against its decision and build its rows.

    Raises
    ------
    HTTPException 404
        No such decision.
    FieldError
        A care-eligible call that got no care team without a reason, or 'other' without text.
    """
    from fastapi import HTTPException

    with state.engine.connect() as conn:
        dec = conn.execute(select(decisions.c.recommended_response, decisions.c.care_eligible)
                           .where(decisions.c.id == decision_id)).first()
    if dec is None:
        raise HTTPException(404, f"decision_id: no decision {decision_id!r}")
    program_responses = set(state.triage.names)
    care_sent = body.sent == "co_response" or (body.sent == "recommended_team" and dec.recommended_response in program_responses)
    if dec.care_eligible and not care_sent and body.reason is None:
        raise FieldError("reason", "required: this call was eligible for a care response and did not get one; give one of "
                                   "out_of_hours, out_of_area, no_team_available, excluded_by_call_taker, caller_declined, other")
    if care_sent and body.reason is not None:
        raise FieldError("reason", "only for a care-eligible call that did not get a care team")
    if body.reason == "other" and not (body.reason_text or "").strip():
        raise FieldError("reason_text", "required with reason 'other'")
    now = dt.datetime.now(dt.UTC)
    row = {
        "decision_id": decision_id, "recorded_at": now, "sent": body.sent, "reason": body.reason,
        "reason_text_enc": state.cipher.encrypt(body.reason_text), "backup_requested": body.backup_requested,
        "onscene_at": utc(body.onscene_at), "cleared_at": utc(body.cleared_at), "key_id": who.key_id,
    }
    doc = {"decision_id": decision_id, "recorded_at": now.isoformat(), "sent": body.sent, "reason": body.reason,
           "care_team_sent": care_sent, "backup_requested": body.backup_requested,
           "onscene_at": body.onscene_at.isoformat() if body.onscene_at else None,
           "cleared_at": body.cleared_at.isoformat() if body.cleared_at else None}
    given = body.model_dump(mode="json", exclude={"reason_text"})
    given["reason_text_given"] = body.reason_text is not None
    return [(outcomes, row), audit_row(who, "outcome", decision_id, program=state.triage.program, input=given, output=doc, at=now)], doc
