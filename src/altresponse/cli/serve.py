"""``altresponse serve``: the live triage and Care Navigation service (FastAPI + uvicorn)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ._common import as_of_date, err_console, handle_errors


def register(app) -> None:
    """Add ``serve`` to ``app``."""

    @app.command("serve")
    @handle_errors
    def serve_cmd(
        program: Optional[Path] = typer.Option(None, "--program", help="Program YAML (required unless --dev)."),
        store: Optional[Path] = typer.Option(None, "--store", help="Store to read premise history from (`altresponse ingest`)."),
        db: Optional[str] = typer.Option(None, "--db", help="Database URL; default a SQLite file next to the store (STORE-serve.sqlite)."),
        beats: Optional[Path] = typer.Option(None, "--beats", help="Beats GeoJSON: coordinates → beat, and the city's bounds."),
        typemap: str = typer.Option("durham", "--typemap", help="Type map the call-takers' codes go through (bundled name or YAML)."),
        as_of: Optional[str] = typer.Option(None, "--as-of", help="Judge every call by the periods in effect on this date (drills, replays)."),
        host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
        port: int = typer.Option(8080, "--port", help="Port to listen on."),
        dev: bool = typer.Option(False, "--dev", help="Bundled Durham sample, a local db, one key per role in out/serve-dev/, a throwaway encryption key."),
    ) -> None:
        """Serve triage (POST /v1/triage), outcomes, referrals and the follow-up queue; OpenAPI at /docs."""
        import uvicorn

        from ..errors import UsageError
        from ..serve.app import ServeConfig, create_app

        fernet = None
        if dev:
            from ..serve.dev import prepare
            from .demo import BEATS, CALLS, PILOT_START, PROGRAM

            env = prepare(Path("out/serve-dev"), calls=CALLS)
            program, beats = program or PROGRAM, beats or BEATS
            store, db = store or env["store"], db or env["db_url"]
            as_of = as_of or PILOT_START
            fernet = env["fernet_key"]
            err_console.print("[bold yellow]dev mode:[/] a throwaway encryption key (not for real personal data); keys in "
                              + ", ".join(str(p) for p in env["key_files"].values()), highlight=False, soft_wrap=True)
        if program is None:
            msg = "--program is required (or --dev for the bundled Durham sample)"
            raise UsageError(msg)
        if db is None:
            if store is None:
                msg = "give --db URL, or --store (the default database is a SQLite file next to it)"
                raise UsageError(msg)
            from ..serve.db import default_url

            db = default_url(store)
        config = ServeConfig(program=program, db_url=db, store=store, beats=beats, typemap=typemap,
                             as_of=as_of_date(as_of), fernet_keys=fernet)
        application = create_app(config)
        err_console.print(f"serving {application.state.triage.program.id} {application.state.triage.program.version} "
                          f"on http://{host}:{port} (docs at /docs)", highlight=False)
        uvicorn.run(application, host=host, port=port, log_level="warning", access_log=False)
