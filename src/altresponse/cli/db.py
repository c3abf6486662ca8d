"""``altresponse db upgrade``: apply the service database's migrations."""

from __future__ import annotations

import typer

from ._common import err_console, handle_errors, print_json


def register(app) -> None:
    """Add the ``db`` command group to ``app``."""
    group = typer.Typer(help="The service database (SQLite or PostgreSQL).", no_args_is_help=True)
    app.add_typer(group, name="db")

    @group.command("upgrade")
    @handle_errors
    def upgrade_cmd(
        db: str = typer.Option(..., "--db", help="Database URL: sqlite:///FILE or postgresql+psycopg://USER@HOST:PORT/DB."),
        as_json: bool = typer.Option(False, "--json", help="Print one JSON document on stdout."),
    ) -> None:
        """Apply every migration the database lacks (creates the tables on a new database)."""
        from ..serve.migrate import upgrade

        doc = upgrade(db)
        if as_json:
            print_json(doc)
        else:
            err_console.print(f"{doc['db']}: revision {doc['from'] or 'none'} → {doc['to']}", highlight=False)
