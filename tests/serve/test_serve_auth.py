"""Every route but the public ones needs a key (401) of the right role (403): checked over the app's route table."""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute
from sqlalchemy import text
from typer.testing import CliRunner

from altresponse.cli import app as cli
from altresponse.serve.auth import ROLES
from altresponse.serve.db import make_engine

# Carry no data: the liveness check, the API description, the sign-in form, the stylesheet.
PUBLIC = {"/healthz", "/openapi.json", "/docs", "/docs/oauth2-redirect", "/login", "/static/app.css"}


def _roles(route) -> frozenset[str] | None:
    found = [d.call.roles for d in route.dependant.dependencies if hasattr(d.call, "roles")]
    return found[0] if len(found) == 1 else None


def test_every_route_is_public_or_declares_roles(service):
    for route in service.client.app.routes:
        path = route.path
        if path in PUBLIC:
            continue
        assert isinstance(route, APIRoute), f"{path}: not an API route, so no role check"
        assert _roles(route), f"{path}: no requires(...) dependency: it would be open to anyone"


def test_each_route_401_without_key_403_with_wrong_role(service):
    checked = 0
    for route in service.client.app.routes:
        if route.path in PUBLIC or not isinstance(route, APIRoute):
            continue
        allowed = _roles(route)
        url = re.sub(r"\{[^}]+\}", "00000000-0000-0000-0000-000000000000", route.path)
        for method in route.methods:
            kw = {"json": {}} if method in ("POST", "PATCH", "PUT") else {}
            none = service.client.request(method, url, **kw)
            assert none.status_code == 401, f"{method} {route.path} without a key: {none.status_code}"
            bad = service.client.request(method, url, headers={"Authorization": "Bearer ark_nope_nope"}, **kw)
            assert bad.status_code == 401, f"{method} {route.path} with an unknown key: {bad.status_code}"
            for role in ROLES:
                got = service.client.request(method, url, headers=service.as_(role), **kw)
                if role in allowed:
                    assert got.status_code not in (401, 403), f"{method} {route.path} as {role}: {got.status_code}"
                else:
                    assert got.status_code == 403, f"{method} {route.path} as {role}: {got.status_code}"
            checked += 1
    assert checked >= 10  # the API and the pages


def test_public_routes_need_no_key(service):
    assert service.client.get("/healthz").json() == {"ok": True}
    assert service.client.get("/openapi.json").status_code == 200
    assert service.client.get("/login").status_code == 200


def test_keys_create_prints_once_and_stores_only_a_hash(migrated):
    res = CliRunner().invoke(cli, ["keys", "create", "--role", "navigator", "--db", migrated])
    assert res.exit_code == 0, res.output
    key = res.stdout.strip().splitlines()[0]
    assert re.fullmatch(r"ark_[0-9a-f]{8}_[A-Za-z0-9_-]{43}", key)
    secret = key.split("_", 2)[2]
    engine = make_engine(migrated)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT * FROM api_keys")).mappings().all()
    engine.dispose()
    assert len(rows) == 1 and rows[0]["role"] == "navigator"
    assert secret not in " ".join(str(v) for v in rows[0].values())


def test_keys_create_rejects_an_unknown_role(migrated):
    res = CliRunner().invoke(cli, ["keys", "create", "--role", "chief", "--db", migrated])
    assert res.exit_code == 2 and "call_taker, navigator, analyst, admin" in res.output


def test_revoked_key_stops_working(service, monkeypatch):
    import altresponse.serve.auth as auth

    monkeypatch.setattr(auth, "CACHE_SECONDS", 0.0)
    key_id = service.keys["analyst"].split("_")[1]
    assert service.get("/v1/stats/outcomes", "analyst").status_code == 200
    res = CliRunner().invoke(cli, ["keys", "revoke", key_id, "--db", service.url])
    assert res.exit_code == 0, res.output
    assert service.get("/v1/stats/outcomes", "analyst").status_code == 401
