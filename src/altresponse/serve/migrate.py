"""Apply and check Alembic migrations (the scripts ship inside the package)."""

from __future__ import annotations

from importlib import resources

from sqlalchemy.engine import Engine

from ..errors import UsageError
from .db import make_engine, safe_url


def _config(connection=None):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("altresponse.serve") / "migrations"))
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    """The newest migration shipped with this version."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None: never migrated)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(url: str) -> dict:
    """Bring the database at ``url`` to the newest revision; returns ``{from, to, db}``."""
    from alembic import command

    engine = make_engine(url)
    try:
        before = current_revision(engine)
        with engine.begin() as conn:
            command.upgrade(_config(conn), "head")
        return {"db": safe_url(url), "from": before, "to": current_revision(engine)}
    finally:
        engine.dispose()


def require_migrated(engine: Engine, url: str) -> None:
    """Raise a one-line :class:`UsageError` naming the command to run unless the db is at head."""
    try:
        have = current_revision(engine)
    except Exception as exc:  # noqa: BLE001 — cannot connect: say so in one line
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        msg = f"cannot open database {safe_url(url)}: {first}"
        raise UsageError(msg) from None
    head = head_revision()
    if have != head:
        msg = (f"database {safe_url(url)} is at revision {have or 'none'}, this version needs {head}: "
               f"run `altresponse db upgrade --db {safe_url(url)}`")
        raise UsageError(msg)
