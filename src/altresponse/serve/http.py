"""HTTP plumbing shared by every route: the error body, the 64 KB body limit, error handlers.

Every error is ``{"detail": [{"field": ..., "message": ...}]}`` naming the field when there is
one; nothing here ever echoes a request body (it may hold personal data).
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from .triage import FieldError

log = logging.getLogger("altresponse.serve")
MAX_BODY = 64 * 1024


class Problem(BaseModel):
    field: str | None
    message: str


class ErrorBody(BaseModel):
    """Every error: a list of problems, each naming the field when there is one."""

    detail: list[Problem]


def error_responses(*codes: int) -> dict:
    text = {401: "no or unknown API key", 403: "the key's role may not use this", 404: "no such record",
            409: "stale version: reload and apply again", 413: "body over 64 KB", 422: "invalid input (the field is named)"}
    return {c: {"model": ErrorBody, "description": text[c]} for c in (401, 403, 413, 422, *codes)}


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
                return await self.app(scope, replay([msg], receive), send)
            chunks.append(msg.get("body", b""))
            size += len(chunks[-1])
            if size > self.limit:
                return await _too_large(send, self.limit)
            if not msg.get("more_body", False):
                break
        body = {"type": "http.request", "body": b"".join(chunks), "more_body": False}
        return await self.app(scope, replay([body], receive), send)


def replay(messages: list, receive):
    """A receive that gives ``messages`` first (a body already read), then the real ones."""
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


def add_error_handlers(app: FastAPI) -> None:
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
