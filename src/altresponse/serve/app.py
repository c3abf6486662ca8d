"""The FastAPI application factory (no module-level state: everything hangs off ``app.state``).

:func:`create_app` takes a :class:`ServeConfig`, refuses an un-migrated database, loads the
program, its compiled rule tree, the type map, the beats and the premise history, and returns
the app. Routes are in this module (API) and :mod:`altresponse.serve.screens` (two web pages).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from .auth import Principal, requires
from .followups import Conflict, FollowupPatch, ReferralRequest, open_referral, patch, queue
from .followups import get as get_followup
from .triage import FieldError, OutcomeRequest, TriageRequest
from .triage_store import decision_rows

log = logging.getLogger("altresponse.serve")
MAX_BODY = 64 * 1024


class Problem(BaseModel):
    field: str | None
    message: str


class ErrorBody(BaseModel):
    """Every error: a list of problems, each naming the field when there is one."""

    detail: list[Problem]


def _errs(*codes: int) -> dict:
    text = {401: "no or unknown API key", 403: "the key's role may not use this", 404: "no such record",
            409: "stale version: reload and apply again", 413: "body over 64 KB", 422: "invalid input (the field is named)"}
    return {c: {"model": ErrorBody, "description": text[c]} for c in (401, 403, 413, 422, *codes)}


@dataclass
class ServeConfig:
    """What ``altresponse serve`` was given."""

    program: Path
    db_url: str
    store: Path | None = None
    beats: Path | None = None
    typemap: str = "durham"
    as_of: dt.date | None = None
    fernet_keys: str | None = None  # None: read ALTRESPONSE_FERNET_KEY from the environment


def create_app(config: ServeConfig) -> FastAPI:
    """Build the service for ``config``.

    Raises
    ------
    UsageError
        Un-migrated database (the message names ``altresponse db upgrade``), missing Fernet key.
    ProgramError, ConfigError, InputError
        Bad program, type map, beats file or store.
    """
    from ..geo import load_beats
    from ..program import load_program
    from ..rules import compile_program
    from ..typemap import load_typemap
    from .auth import KeyStore
    from .crypto import ENV_KEY, FieldCipher
    from .db import make_engine
    from .migrate import require_migrated
    from .premises import load_premises
    from .triage import Triage

    cipher = FieldCipher.from_env({ENV_KEY: config.fernet_keys} if config.fernet_keys else None)
    engine = make_engine(config.db_url)
    require_migrated(engine, config.db_url)
    program = load_program(config.program)
    tree = compile_program(program, as_of=config.as_of)
    typemap = load_typemap(config.typemap)
    beats = load_beats(config.beats) if config.beats else None
    premises = load_premises(config.store, tree, typemap=None)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        app.state.writer.close()
        engine.dispose()

    app = FastAPI(title="altresponse", version=program.version, lifespan=lifespan, redoc_url=None,
                  description="Triage for 911 call-takers, call outcomes, and the Care Navigation follow-up queue.")
    from .audit import GroupWriter

    app.state.config = config
    app.state.engine = engine
    app.state.cipher = cipher
    app.state.keys = KeyStore(engine)
    app.state.writer = GroupWriter(engine)
    app.state.triage = Triage(program, tree, typemap, beats=beats, premises=premises)
    app.add_middleware(BodyLimit, limit=MAX_BODY)
    _errors(app)
    _api(app)
    from .screens import add_screens

    add_screens(app)
    return app


class BodyLimit:
    """Refuse bodies over ``limit`` bytes with 413: by Content-Length, or (chunked) by reading at
    most ``limit`` + 1 bytes here and handing the app the buffered body."""

    def __init__(self, app, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = next((v for k, v in scope.get("headers", ()) if k == b"content-length"), None)
        if length is not None:
            if length.isdigit() and int(length) > self.limit:
                return await _too_large(send, self.limit)
            return await self.app(scope, receive, send)  # the server holds the body to its length
        chunks, size = [], 0
        while True:
            msg = await receive()
            if msg["type"] != "http.request":
                return await self.app(scope, _replay([msg], receive), send)
            chunks.append(msg.get("body", b""))
            size += len(chunks[-1])
            if size > self.limit:
                return await _too_large(send, self.limit)
            if not msg.get("more_body", False):
                break
        body = {"type": "http.request", "body": b"".join(chunks), "more_body": False}
        return await self.app(scope, _replay([body], receive), send)


def _replay(messages: list, receive):
    async def replayed():
        return messages.pop(0) if messages else await receive()

    return replayed


async def _too_large(send, limit: int) -> None:
    body = b'{"detail":[{"field":"body","message":"request body over %d bytes"}]}' % limit
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def _field(loc) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header"):
        parts = parts[1:] or [parts[0]]
    return ".".join(parts)


def _errors(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        problems = []
        for e in exc.errors():
            field = _field(e.get("loc", ()))
            message = e.get("msg", "invalid")
            if e.get("type") == "json_invalid":
                field, message = "body", f"malformed JSON ({e.get('ctx', {}).get('error', 'cannot parse')})"
            elif e.get("type") == "extra_forbidden":
                message = "unknown field"
            problems.append({"field": field, "message": message})
        return JSONResponse({"detail": problems}, status_code=422)

    @app.exception_handler(FieldError)
    async def bad_field(request: Request, exc: FieldError):
        return JSONResponse({"detail": [{"field": exc.field, "message": exc.message}]}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        path = request.url.path
        if exc.status_code in (401, 403) and not path.startswith("/v1/"):
            from .screens import render

            page = "login.html"
            msg = "Sign in to use this page." if exc.status_code == 401 else f"Your key cannot open this page ({exc.detail})."
            return render(request.app, page, exc.status_code, message=msg)
        text = str(exc.detail)
        head, sep, rest = text.partition(": ")
        field = head if sep and " " not in head else None
        return JSONResponse({"detail": [{"field": field, "message": rest if field else text}]},
                            status_code=exc.status_code, headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception):
        # Never echo the request: it may hold personal data. The type is enough to find it.
        log.error("internal error on %s %s: %s", request.method, request.url.path, type(exc).__name__)
        return JSONResponse({"detail": [{"field": None, "message": "internal error"}]}, status_code=500)


def _api(app: FastAPI) -> None:

    @app.get("/healthz", tags=["service"])
    async def healthz() -> dict:
        """Liveness: no key needed, touches nothing."""
        return {"ok": True}

    @app.post("/v1/triage", status_code=201, tags=["triage"], responses={**_errs(), 201: {"description": "The recommendation"}},
              response_model=None)
    async def triage(body: TriageRequest, request: Request, who: Principal = Depends(requires("call_taker"))) -> Response:
        """Recommend a response for a call; the decision is on disk before this answers."""
        state = request.app.state
        now = dt.datetime.now(dt.UTC)
        doc = state.triage.decide(body, now)
        doc = {"decision_id": str(uuid.uuid4()), **doc, "recorded_at": now.isoformat()}
        await state.writer.write(decision_rows(state, who, body, doc, now))
        # Encoded here, once: the document is plain JSON types already (the hot path skips re-validation).
        return Response(json.dumps(doc), status_code=201, media_type="application/json")

    @app.get("/v1/triage/{decision_id}", tags=["triage"], responses=_errs(404))
    def get_decision(decision_id: str, request: Request, who: Principal = Depends(requires("call_taker", "analyst"))) -> dict:
        """A past decision as it was returned (from the audit log)."""
        from .triage_store import load_decision

        doc = load_decision(request.app.state.engine, decision_id)
        if doc is None:
            raise HTTPException(404, f"decision_id: no decision {decision_id!r}")
        return doc

    @app.post("/v1/triage/{decision_id}/outcome", status_code=201, tags=["triage"], responses=_errs(404))
    async def outcome(decision_id: str, body: OutcomeRequest, request: Request,
                      who: Principal = Depends(requires("call_taker"))) -> dict:
        """What was sent; for a care-eligible call that got no care team, the reason."""
        from starlette.concurrency import run_in_threadpool

        from .triage_store import outcome_rows

        state = request.app.state
        rows, doc = await run_in_threadpool(outcome_rows, state, who, decision_id, body)
        await state.writer.write(rows)
        return doc

    @app.post("/v1/referrals", status_code=201, tags=["care navigation"], responses=_errs())
    def referral(body: ReferralRequest, request: Request, who: Principal = Depends(requires("navigator"))) -> dict:
        """Open a follow-up after an encounter (due 48 h later)."""
        s = request.app.state
        return open_referral(s.engine, s.cipher, who, body)

    @app.get("/v1/followups", tags=["care navigation"], responses=_errs())
    def followups(request: Request, status: str | None = Query("open", pattern="^(open|closed|any)$"),
                  due_before: dt.datetime | None = Query(None), limit: int = Query(200, ge=1, le=1000),
                  who: Principal = Depends(requires("navigator"))) -> dict:
        """The queue, ordered by due time (overdue first)."""
        if due_before is not None and due_before.tzinfo is None:
            raise FieldError("due_before", "give a time with a zone or offset, e.g. 2024-05-01T12:00:00-04:00")
        s = request.app.state
        items = queue(s.engine, s.cipher, status=None if status == "any" else status, due_before=due_before, limit=limit)
        return {"followups": items, "count": len(items)}

    @app.get("/v1/followups/{followup_id}", tags=["care navigation"], responses=_errs(404))
    def followup(followup_id: str, request: Request, who: Principal = Depends(requires("navigator"))) -> dict:
        s = request.app.state
        found = get_followup(s.engine, s.cipher, followup_id)
        if found is None:
            raise HTTPException(404, f"followup_id: no follow-up {followup_id!r}")
        return found

    @app.patch("/v1/followups/{followup_id}", tags=["care navigation"], responses=_errs(404, 409))
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

    @app.get("/v1/stats/outcomes", tags=["analysis"], responses=_errs())
    def stats_outcomes(request: Request, who: Principal = Depends(requires("analyst"))) -> dict:
        """Calls per week, beat, recommendation, what was sent and why (counts only)."""
        from .export import outcome_counts_engine

        return {"rows": outcome_counts_engine(request.app.state.engine).to_dict(orient="records")}

    @app.get("/v1/stats/followups", tags=["analysis"], responses=_errs())
    def stats_followups(request: Request, who: Principal = Depends(requires("analyst"))) -> dict:
        """Follow-ups per week, beat and outcome, with first contact within 48 h (counts only)."""
        from .export import followup_counts_engine

        return {"rows": followup_counts_engine(request.app.state.engine).to_dict(orient="records")}

    @app.post("/v1/admin/reload", tags=["service"], responses=_errs())
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
