"""One fixture for every service test: the database URL, SQLite and a real PostgreSQL.

PostgreSQL comes from ``ALTRESPONSE_TEST_PG_URL`` (``.ci/run`` starts a cluster on loopback and
sets it); each test gets a fresh database on that server. Without the variable the PostgreSQL
cases are skipped with a reason — except in CI (``CI=true``), where a missing PostgreSQL fails.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PROGRAM = REPO / "programs" / "durham-heart.yaml"
SAMPLE = REPO / "data" / "samples" / "durham"
BEATS = SAMPLE / "durham_police_beats_dissolved.geojson"
PG_ENV = "ALTRESPONSE_TEST_PG_URL"


def _pg_server_url() -> str | None:
    url = os.environ.get(PG_ENV)
    if url:
        return url
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{PG_ENV} is not set: CI must run the service tests on PostgreSQL (see .ci/run)")
    pytest.skip(f"{PG_ENV} not set: no PostgreSQL server for this run (set it, e.g. postgresql+psycopg://postgres@127.0.0.1:55432/postgres)")
    return None


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A fresh, empty database URL (not migrated) on SQLite or PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'serve.sqlite'}"
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    server = make_url(_pg_server_url()).set(drivername="postgresql+psycopg")
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def fernet_key(monkeypatch):
    from altresponse.serve.crypto import ENV_KEY, new_key

    key = new_key()
    monkeypatch.setenv(ENV_KEY, key)
    return key


@pytest.fixture
def migrated(db_url):
    from altresponse.serve.migrate import upgrade

    upgrade(db_url)
    return db_url


@pytest.fixture
def service(migrated, fernet_key):
    """A running app on the bundled program and beats (no store), with one key per role."""
    with _service(migrated) as s:
        yield s


class Service:
    def __init__(self, client, keys, url):
        self.client, self.keys, self.url = client, keys, url

    def as_(self, role: str) -> dict:
        return {"Authorization": f"Bearer {self.keys[role]}"}

    def post(self, path, role, **kw):
        return self.client.post(path, headers=self.as_(role), **kw)

    def get(self, path, role, **kw):
        return self.client.get(path, headers=self.as_(role), **kw)

    def patch(self, path, role, **kw):
        return self.client.patch(path, headers=self.as_(role), **kw)


def _service(url, **config):
    import contextlib

    from fastapi.testclient import TestClient

    from altresponse.serve.app import ServeConfig, create_app
    from altresponse.serve.auth import ROLES, create_key
    from altresponse.serve.db import make_engine

    @contextlib.contextmanager
    def run():
        engine = make_engine(url)
        keys = {r: create_key(engine, r) for r in ROLES}
        engine.dispose()
        cfg = ServeConfig(program=config.pop("program", PROGRAM), db_url=url, beats=config.pop("beats", BEATS), **config)
        with TestClient(create_app(cfg)) as client:
            yield Service(client, keys, url)

    return run()


@pytest.fixture
def make_service(fernet_key):
    """Build a service on a migrated URL with extra config (store=, as_of=...)."""
    return _service
