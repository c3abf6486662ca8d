"""``altresponse keys``: API keys with roles, and Fernet keys for field encryption."""

from __future__ import annotations

import typer

from ._common import err_console, handle_errors


def register(app) -> None:
    """Add the ``keys`` command group to ``app``."""
    group = typer.Typer(help="API keys (with roles) and encryption keys.", no_args_is_help=True)
    app.add_typer(group, name="keys")

    @group.command("create")
    @handle_errors
    def create_cmd(
        role: str = typer.Option(..., "--role", help="call_taker, navigator, analyst or admin."),
        db: str = typer.Option(..., "--db", help="Database URL (migrated with `altresponse db upgrade`)."),
        label: str = typer.Option(None, "--label", help="Who or what the key is for (stored, shown in no response)."),
    ) -> None:
        """Create an API key and print it once on stdout (only its hash is stored)."""
        from ..serve.auth import create_key
        from ..serve.db import make_engine
        from ..serve.migrate import require_migrated

        engine = make_engine(db)
        try:
            require_migrated(engine, db)
            key = create_key(engine, role, label=label)
        finally:
            engine.dispose()
        typer.echo(key)
        err_console.print(f"created a {role} key (id {key.split('_')[1]}); it is shown only this once", highlight=False)

    @group.command("revoke")
    @handle_errors
    def revoke_cmd(
        key_id: str = typer.Argument(..., help="The key's id (the part after ark_)."),
        db: str = typer.Option(..., "--db", help="Database URL."),
    ) -> None:
        """Revoke an API key (takes effect within 5 seconds on a running service)."""
        from ..errors import UsageError
        from ..serve.auth import revoke_key
        from ..serve.db import make_engine

        engine = make_engine(db)
        try:
            if not revoke_key(engine, key_id):
                msg = f"no active key with id {key_id!r}"
                raise UsageError(msg)
        finally:
            engine.dispose()
        err_console.print(f"revoked key {key_id}", highlight=False)

    @group.command("fernet")
    def fernet_cmd() -> None:
        """Print a new Fernet key for ALTRESPONSE_FERNET_KEY (keep it in your secret store, not next to the db)."""
        from ..serve.crypto import new_key

        typer.echo(new_key())
