"""API keys and roles.

A key is ``ark_<id>_<secret>``: the id is public (it is what the audit log records), the secret
is 32 random bytes and only its SHA-256 is stored (a random secret needs no slow hash). A key is
shown once, when ``altresponse keys create`` makes it. Requests send ``Authorization: Bearer
KEY`` (or ``X-API-Key: KEY``; the two web pages use a cookie set by their sign-in form).
Verified keys are cached for :data:`CACHE_SECONDS`, so a revocation takes effect within that.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from fastapi import HTTPException, Request
from sqlalchemy import select, update
from sqlalchemy.engine import Engine

from ..errors import UsageError
from .db import api_keys

ROLES = ("call_taker", "navigator", "analyst", "admin")
COOKIE = "altresponse_key"
CACHE_SECONDS = 5.0


@dataclass(frozen=True)
class Principal:
    """Who is calling: the key's public id and its role."""

    key_id: str
    role: str


def _sha256(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_key(engine: Engine, role: str, *, label: str | None = None) -> str:
    """Store a new key for ``role`` and return it in full (the only time it is visible).

    Raises
    ------
    UsageError
        If ``role`` is not one of :data:`ROLES`.
    """
    if role not in ROLES:
        msg = f"--role {role!r}: expected one of {', '.join(ROLES)}"
        raise UsageError(msg)
    key_id = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    with engine.begin() as conn:
        conn.execute(api_keys.insert().values(id=key_id, secret_sha256=_sha256(secret), role=role, label=label,
                                              created_at=dt.datetime.now(dt.UTC)))
    return f"ark_{key_id}_{secret}"


def revoke_key(engine: Engine, key_id: str) -> bool:
    """Revoke a key by its id; False if there is no such active key."""
    with engine.begin() as conn:
        res = conn.execute(update(api_keys).where(api_keys.c.id == key_id, api_keys.c.revoked_at.is_(None))
                           .values(revoked_at=dt.datetime.now(dt.UTC)))
    return res.rowcount == 1


class KeyStore:
    """Verifies presented keys against the database (with a short cache)."""

    def __init__(self, engine: Engine):
        self._engine = engine
        self._cache: dict[str, tuple[float, Principal | None]] = {}

    def verify(self, token: str) -> Principal | None:
        now = time.monotonic()
        hit = self._cache.get(token)
        if hit is not None and now - hit[0] < CACHE_SECONDS:
            return hit[1]
        found = self._lookup(token)
        if len(self._cache) > 10_000:  # bounded: a flood of wrong keys cannot grow it without end
            self._cache.clear()
        self._cache[token] = (now, found)
        return found

    def _lookup(self, token: str) -> Principal | None:
        parts = token.split("_", 2)
        if len(parts) != 3 or parts[0] != "ark" or not parts[1] or not parts[2]:
            return None
        with self._engine.connect() as conn:
            row = conn.execute(select(api_keys.c.secret_sha256, api_keys.c.role)
                               .where(api_keys.c.id == parts[1], api_keys.c.revoked_at.is_(None))).first()
        if row is None or not hmac.compare_digest(row.secret_sha256, _sha256(parts[2])):
            return None
        return Principal(parts[1], row.role)


def presented_key(request: Request) -> str | None:
    """The key a request carries: bearer header, X-API-Key, or the pages' cookie."""
    auth = request.headers.get("authorization")
    if auth and auth[:7].lower() == "bearer ":
        return auth[7:].strip() or None
    return request.headers.get("x-api-key") or request.cookies.get(COOKIE) or None


def requires(*roles: str):
    """A FastAPI dependency admitting ``roles`` (and ``admin``): 401 without a valid key, 403 for another role."""
    allowed = frozenset(roles) | {"admin"}

    async def check(request: Request) -> Principal:
        token = presented_key(request)
        if token is None:
            raise HTTPException(401, "no API key: send Authorization: Bearer KEY", headers={"WWW-Authenticate": "Bearer"})
        who = request.app.state.keys.verify(token)
        if who is None:
            raise HTTPException(401, "API key not recognised or revoked", headers={"WWW-Authenticate": "Bearer"})
        if who.role not in allowed:
            raise HTTPException(403, f"role {who.role} may not use this; it needs one of {', '.join(sorted(allowed))}")
        return who

    check.roles = allowed  # read by the route-table test: every route must declare its roles
    return check
