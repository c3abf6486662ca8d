"""Two server-rendered pages: the call-taker screen and the navigator queue (plus sign-in).

Plain HTML forms, no JavaScript and nothing from a CDN: they work offline, by keyboard, on a
375-px phone and a desktop. Sign-in puts the API key in an HttpOnly, SameSite=Strict cookie;
each page needs the same role as the API it stands for.
"""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources

from fastapi import Depends, FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from .auth import COOKIE, Principal, requires
from .triage import FieldError, TriageRequest

PRIORITIES = (1, 2, 3, 4, 5)
ATTEMPT_RESULTS = (("reached", "Reached"), ("no_answer", "No answer"), ("left_message", "Left message"))


def _env():
    from jinja2 import Environment, PackageLoader, select_autoescape

    return Environment(loader=PackageLoader("altresponse.serve", "pages"), autoescape=select_autoescape(["html"]))


def render(app: FastAPI, name: str, status: int = 200, **ctx) -> HTMLResponse:
    return HTMLResponse(app.state.pages.get_template(name).render(**ctx), status_code=status)


def add_screens(app: FastAPI) -> None:
    """Register the page routes on ``app``."""
    app.state.pages = _env()
    tz = app.state.triage.tz
    # navigators think in the program's local time, not UTC
    app.state.pages.filters["local"] = lambda iso: dt.datetime.fromisoformat(iso).astimezone(tz).strftime("%a %d %b %H:%M")
    css = (resources.files("altresponse.serve") / "pages" / "app.css").read_bytes()

    @app.get("/static/app.css", include_in_schema=False)
    def stylesheet() -> Response:
        return Response(css, media_type="text/css", headers={"Cache-Control": "max-age=3600"})

    @app.get("/login", include_in_schema=False)
    def login_form(request: Request) -> HTMLResponse:
        return render(app, "login.html", message=None)

    @app.post("/login", include_in_schema=False)
    def login(request: Request, key: str = Form(..., max_length=200)) -> Response:
        who = app.state.keys.verify(key.strip())
        if who is None:
            return render(app, "login.html", 401, message="That key is not recognised or has been revoked.")
        dest = "/queue" if who.role == "navigator" else "/call"
        resp = RedirectResponse(dest, status_code=303)
        resp.set_cookie(COOKIE, key.strip(), httponly=True, samesite="strict", secure=request.url.scheme == "https")
        return resp

    @app.get("/call", include_in_schema=False)
    def call_form(request: Request, who: Principal = Depends(requires("call_taker"))) -> HTMLResponse:
        return render(app, "call.html", **_call_ctx(app), form={}, error=None, result=None)

    @app.post("/call", include_in_schema=False)
    async def call_submit(request: Request, who: Principal = Depends(requires("call_taker"))) -> HTMLResponse:
        from .triage_store import record_decision

        form = dict(await request.form())
        try:
            body = _triage_from_form(form)
            # The API's own decide-and-write, so the screen and POST /v1/triage cannot drift apart.
            doc = json.loads(await record_decision(app.state, who, body))
        except FieldError as exc:
            return render(app, "call.html", 422, **_call_ctx(app), form=form, error=str(exc), result=None)
        return render(app, "call.html", 201, **_call_ctx(app), form={}, error=None, result=doc)

    @app.get("/queue", include_in_schema=False)
    def queue_page(request: Request, done: str | None = None, who: Principal = Depends(requires("navigator"))) -> HTMLResponse:
        from .followups import queue

        items = queue(app.state.engine, app.state.cipher, status="open")
        return render(app, "queue.html", items=items, results=ATTEMPT_RESULTS, done=done)

    @app.post("/queue/{followup_id}/attempt", include_in_schema=False)
    def queue_attempt(followup_id: str, result: str = Form(...), version: int = Form(...),
                      who: Principal = Depends(requires("navigator"))) -> Response:
        from .followups import Attempt, Conflict, FollowupPatch, patch

        try:
            body = FollowupPatch(version=version, attempt=Attempt(result=result))
            found = patch(app.state.engine, app.state.cipher, who, followup_id, body)
        except (ValidationError, FieldError):
            return RedirectResponse("/queue?done=invalid", status_code=303)
        except Conflict:
            return RedirectResponse("/queue?done=stale", status_code=303)
        return RedirectResponse("/queue?done=" + ("saved" if found else "missing"), status_code=303)


def _call_ctx(app: FastAPI) -> dict:
    t = app.state.triage
    types = sorted(t.typemap.exact)
    beats = sorted(t._beat_ids, key=lambda b: (len(b), b)) if t._beat_ids else []
    return {"types": types, "beats": beats, "priorities": PRIORITIES, "program": t.program}


def _triage_from_form(form: dict) -> TriageRequest:
    """A form post as a :class:`TriageRequest` (blank fields are absent; errors name the field)."""

    def val(name):
        v = (form.get(name) or "").strip()
        return v or None

    data = {
        "type_desc": val("type_desc"),
        "priority": int(val("priority")) if val("priority") and val("priority").isdigit() else None,
        "location": {"beat": val("beat"), "address": val("address")},
        "answers": {k: form.get(k) == "yes" for k in ("weapon", "violence", "injury", "intoxication", "suicidal")},
        "narrative": val("narrative"),
    }
    try:
        return TriageRequest.model_validate(data)
    except ValidationError as exc:
        e = exc.errors()[0]
        raise FieldError(".".join(str(p) for p in e["loc"]), e["msg"]) from None
