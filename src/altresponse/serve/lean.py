"""``POST /v1/triage`` without FastAPI's per-request machinery: the same functions, less CPU.

Through FastAPI a triage request costs about four health checks of server CPU, most of it in the
framework (routing, reading and parsing the body in Python, solving the key dependency, validating
the parsed dict, building the response), not in the rules or the write. :class:`LeanTriage` is an
ASGI layer in front of the app that answers exactly ``POST /v1/triage`` when all is in order: a
JSON body, a key whose role the route admits (the route's own dependency,
:data:`~altresponse.serve.routes.TRIAGE_ROLES`), a body that
``TriageRequest.model_validate_json`` accepts (the same model, parsed and validated in one pass
in Rust) and a call :meth:`Triage.decide` accepts. It then runs the route's own function
(:func:`~altresponse.serve.triage_store.record_decision`) and sends the same response.

Everything else (no key, a wrong role, a bad field, malformed JSON, another content type) goes
on to FastAPI with the body replayed, so every error is FastAPI's own answer: the lean path holds
no second copy of the validation, the auth, the rules or the error bodies. Nothing is written
before it decides to answer, so handing a request on never writes twice. The route stays
declared in FastAPI as the documented contract (OpenAPI) and as that fallback.
"""

from __future__ import annotations

from pydantic import ValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from .http import replay
from .routes import TRIAGE_ROLES
from .triage import FieldError, TriageRequest
from .triage_store import record_decision

PATH = "/v1/triage"


class LeanTriage:
    """ASGI middleware: answers a well-formed ``POST /v1/triage`` itself, hands all else to ``app``."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != PATH or scope.get("root_path") \
                or not _is_json(scope["headers"]):
            return await self.app(scope, receive, send)
        chunks = []
        while True:
            msg = await receive()
            if msg["type"] != "http.request":  # the client went away: let the app see it as it would
                return await self.app(scope, replay([{"type": "http.request", "body": b"".join(chunks),
                                                      "more_body": True}, msg], receive), send)
            chunks.append(msg.get("body", b""))
            if not msg.get("more_body", False):
                break
        body = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        text = await _answer(scope, body)
        if text is None:
            return await self.app(scope, replay([{"type": "http.request", "body": body, "more_body": False}], receive), send)
        await Response(text, status_code=201, media_type="application/json")(scope, receive, send)


async def _answer(scope, body: bytes) -> str | None:
    """The response text, or None to hand the request to FastAPI (nothing has been written then)."""
    request = Request(scope)
    try:
        who = await TRIAGE_ROLES(request)
        call = TriageRequest.model_validate_json(body)
    except (HTTPException, ValidationError):
        return None
    try:
        return await record_decision(request.app.state, who, call)
    except FieldError:  # raised by decide, before the write
        return None


def _is_json(headers) -> bool:
    # Only what FastAPI surely parses as JSON (application/json, any parameters); FastAPI decides
    # the rest (a +json type, a missing or odd content type) itself.
    for k, v in headers:
        if k == b"content-type":
            v = v.lower()
            return v == b"application/json" or v.startswith((b"application/json;", b"application/json "))
    return False
