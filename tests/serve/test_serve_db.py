"""Migrations, the refusal to serve an un-migrated database, SQLite's WAL mode, the append-only audit."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text
from typer.testing import CliRunner

from altresponse.cli import app as cli
from altresponse.errors import UsageError
from altresponse.serve.app import ServeConfig, create_app
from altresponse.serve.db import make_engine
from altresponse.serve.migrate import current_revision, head_revision

from conftest import PROGRAM


def test_db_upgrade_creates_every_table(db_url):
    res = CliRunner().invoke(cli, ["db", "upgrade", "--db", db_url, "--json"])
    assert res.exit_code == 0, res.output
    engine = make_engine(db_url)
    try:
        assert current_revision(engine) == head_revision()
        assert {"api_keys", "audit", "decisions", "outcomes", "followups"} <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    again = CliRunner().invoke(cli, ["db", "upgrade", "--db", db_url])  # idempotent
    assert again.exit_code == 0, again.output


def test_serve_refuses_an_unmigrated_database_in_one_line(db_url, fernet_key):
    with pytest.raises(UsageError) as err:
        create_app(ServeConfig(program=PROGRAM, db_url=db_url))
    msg = str(err.value)
    assert "\n" not in msg and f"altresponse db upgrade --db" in msg and "revision none" in msg


def test_cli_serve_refusal_exits_2(db_url, fernet_key):
    res = CliRunner().invoke(cli, ["serve", "--program", str(PROGRAM), "--db", db_url])
    assert res.exit_code == 2
    assert "altresponse db upgrade" in res.output and "Traceback" not in res.output


def test_sqlite_runs_in_wal_mode_with_full_sync(tmp_path):
    url = f"sqlite:///{tmp_path / 'x.sqlite'}"
    engine = make_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
    engine.dispose()


def test_default_db_is_a_sqlite_file_next_to_the_store(tmp_path):
    from altresponse.serve.db import default_url

    assert default_url(tmp_path / "store") == f"sqlite:///{tmp_path / 'store-serve.sqlite'}"


def test_audit_and_outcomes_refuse_update_and_delete(migrated):
    import datetime as dt

    engine = make_engine(migrated)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO audit (at, action) VALUES (:at, 'x')"), {"at": dt.datetime.now(dt.UTC)})
    for stmt in ("UPDATE audit SET action = 'y'", "DELETE FROM audit"):
        with pytest.raises(Exception, match="append-only"):
            with engine.begin() as conn:
                conn.execute(text(stmt))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT action FROM audit")).scalars().all() == ["x"]
    engine.dispose()


def test_serve_refuses_to_start_without_the_encryption_key(migrated, monkeypatch):
    from altresponse.serve.crypto import ENV_KEY

    monkeypatch.delenv(ENV_KEY, raising=False)
    with pytest.raises(UsageError, match=f"{ENV_KEY} is not set"):
        create_app(ServeConfig(program=PROGRAM, db_url=migrated))
    monkeypatch.setenv(ENV_KEY, "not-a-key")
    with pytest.raises(UsageError, match="not a Fernet key"):
        create_app(ServeConfig(program=PROGRAM, db_url=migrated))
