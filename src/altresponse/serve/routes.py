"""The API routes, one function per area; each route names the roles it admits (``requires``)."""

from __future__ import annotations

import datetime as dt

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response

from .auth import Principal, requires
from .followups import Conflict, FollowupPatch, ReferralRequest, open_referral, patch, queue
from .followups import get as get_followup
from .http import error_responses
from .triage import FieldError, OutcomeRequest, TriageRequest
from .triage_store import record_decision


TRIAGE_ROLES = requires("call_taker")  # one instance: the route's dependency, also awaited by the lean path


def add_routes(app: FastAPI) -> None:
    """Register every API route on ``app``."""
    add_triage_routes(app)
    add_followup_routes(app)
    add_service_routes(app)


def add_triage_routes(app: FastAPI) -> None:
    """Triage, a past decision, outcomes (call-takers)."""

    @app.post("/v1/triage", status_code=201, tags=["triage"], responses={**error_responses(), 201: {"description": "The recommendation"}},
              response_model=None)
    async def triage(body: TriageRequest, request: Request, who: Principal = Depends(TRIAGE_ROLES)) -> Response:
        """Recommend a response for a call; the decision is on disk before this answers."""
        # The lean ASGI path (serve/lean.py) answers well-formed requests with this same function
        # and hands everything else here: this declaration is the contract and the error path.
        return Response(await record_decision(request.app.state, who, body), status_code=201, media_type="application/json")

    @app.get("/v1/triage/{decision_id}", tags=["triage"], responses=error_responses(404))
    def get_decision(decision_id: str, request: Request, who: Principal = Depends(requires("call_taker", "analyst"))) -> dict:
        """A past decision as it was returned (from the audit log)."""
        from .triage_store import load_decision

        doc = load_decision(request.app.state.engine, decision_id)
        if doc is None:
            raise HTTPException(404, f"decision_id: no decision {decision_id!r}")
        return doc

    @app.post("/v1/triage/{decision_id}/outcome", status_code=201, tags=["triage"], responses=error_responses(404))
    async def outcome(decision_id: str, body: OutcomeRequest, request: Request,
                      who: Principal = Depends(requires("call_taker"))) -> dict:
        """What was sent; for a care-eligible call that got no care team, the reason."""
        from starlette.concurrency import run_in_threadpool

        from .triage_store import outcome_rows

        state = request.app.state
        rows, doc = await run_in_threadpool(outcome_rows, state, who, decision_id, body)
        await state.writer.write(rows)
        return doc


def add_followup_routes(app: FastAPI) -> None:
    """Referrals, the queue, follow-up changes (navigators)."""

    @app.post("/v1/referrals", status_code=201, tags=["care navigation"], responses=error_responses())
    def referral(body: ReferralRequest, request: Request, who: Principal = Depends(requires("navigator"))) -> dict:
        """Open a follow-up after an encounter (due 48 h later)."""
        s = request.app.state
        return open_referral(s.engine, s.cipher, who, body)

    @app.get("/v1/followups", tags=["care navigation"], responses=error_responses())
    def followups(request: Request, status: str | None = Query("open", pattern="^(open|closed|any)$"),
                  due_before: dt.datetime | None = Query(None), limit: int = Query(200, ge=1, le=1000),
                  who: Principal = Depends(requires("navigator"))) -> dict:
        """The queue, ordered by due time (overdue first)."""
        if due_before is not None and due_before.tzinfo is None:
            raise FieldError("due_before", "give a time with a zone or offset, e.g. 2024-05-01T12:00:00-04:00")
        s = request.app.state
        items = queue(s.engine, s.cipher, status=None if status == "any" else status, due_before=due_before, limit=limit)
        return {"followups": items, "count": len(items)}

    @app.get("/v1/followups/{followup_id}", tags=["care navigation"], responses=error_responses(404))
    def followup(followup_id: str, request: Request, who: Principal = Depends(requires("navigator"))) -> dict:
        s = request.app.state
        found = get_followup(s.engine, s.cipher, followup_id)
        if found is None:
            raise HTTPException(404, f"followup_id: no follow-up {followup_id!r}")
        return found

    @app.patch("/v1/followups/{followup_id}", tags=["care navigation"], responses=error_responses(404, 409))
    def update_followup(followup_id: str, body: FollowupPatch, request: Request,
                        who: Principal = Depends(requires("navigator"))):
        """Record an attempt and/or the outcome; 409 if ``version`` is stale."""
        s = request.app.state
        try:
            found = patch(s.engine, s.cipher, who, followup_id, body)
        except Conflict as exc:
            return JSONResponse({"detail": [{"field": "version", "message": f"stale: the follow-up is at version "
                                             f"{exc.current['version']}; reload it and apply your change again"}],
                                 "current": exc.current}, status_code=409)
        if found is None:
            raise HTTPException(404, f"followup_id: no follow-up {followup_id!r}")
        return found


def add_service_routes(app: FastAPI) -> None:
    """Liveness, counts for analysts, the admin's reload."""

    @app.get("/healthz", tags=["service"])
    async def healthz() -> dict:
        """Liveness: no key needed, touches nothing."""
        return {"ok": True}

    @app.get("/v1/stats/outcomes", tags=["analysis"], responses=error_responses())
    def stats_outcomes(request: Request, who: Principal = Depends(requires("analyst"))) -> dict:
        """Calls per week, beat, recommendation, what was sent and why (counts only)."""
        from .export import outcome_counts_engine

        return {"rows": outcome_counts_engine(request.app.state.engine).to_dict(orient="records")}

    @app.get("/v1/stats/followups", tags=["analysis"], responses=error_responses())
    def stats_followups(request: Request, who: Principal = Depends(requires("analyst"))) -> dict:
        """Follow-ups per week, beat and outcome, with first contact within 48 h (counts only)."""
        from .export import followup_counts_engine

        return {"rows": followup_counts_engine(request.app.state.engine).to_dict(orient="records")}

    @app.post("/v1/admin/reload", tags=["service"], responses=error_responses())
    def reload(request: Request, who: Principal = Depends(requires("admin"))) -> dict:
        """Reload premise history from the store."""
        from .audit import audit_row
        from .premises import load_premises

        s = request.app.state
        index = load_premises(s.config.store, s.triage.tree)
        s.triage.premises = index  # one assignment: requests see the old index or the new one
        doc = {"store": str(s.config.store) if s.config.store else None, "calls": index.calls,
               "places_with_violence": len(index.violent), "loaded_at": index.loaded_at.isoformat()}
        s.writer.write_sync([audit_row(who, "reload", None, program=s.triage.program, output=doc)])
        return doc
