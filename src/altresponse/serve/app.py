"""The FastAPI application factory (no module-level state: everything hangs off ``app.state``).

:func:`create_app` takes a :class:`ServeConfig`, refuses an un-migrated database, loads the
program, its compiled rule tree, the type map, the beats and the premise history, and returns
the app. Routes: :mod:`altresponse.serve.routes` (API) and :mod:`altresponse.serve.screens` (two web pages);
errors and the body limit: :mod:`altresponse.serve.http`; the lean path for ``POST /v1/triage``:
:mod:`altresponse.serve.lean`.
"""

from __future__ import annotations

import datetime as dt
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI

from .http import MAX_BODY, BodyLimit, add_error_handlers
from .routes import add_routes


@dataclass
class ServeConfig:
    """What ``altresponse serve`` was given."""

    program: Path
    db_url: str
    store: Path | None = None
    beats: Path | None = None
    typemap: str = "durham"
    as_of: dt.date | None = None
    fernet_keys: str | None = None  # None: read ALTRESPONSE_FERNET_KEY from the environment
    lean_triage: bool = True  # False: POST /v1/triage through FastAPI alone (for comparing the two)


def create_app(config: ServeConfig) -> FastAPI:
    """Build the service for ``config``.

    Raises
    ------
    UsageError
        Un-migrated database (the message names ``altresponse db upgrade``), missing Fernet key.
    ProgramError, ConfigError, InputError
        Bad program, type map, beats file or store.
    """
    from ..geo import load_beats
    from ..program import load_program
    from ..rules import compile_program
    from ..typemap import load_typemap
    from .auth import KeyStore
    from .crypto import ENV_KEY, FieldCipher
    from .db import make_engine
    from .migrate import require_migrated
    from .premises import load_premises
    from .triage import Triage

    cipher = FieldCipher.from_env({ENV_KEY: config.fernet_keys} if config.fernet_keys else None)
    engine = make_engine(config.db_url)
    require_migrated(engine, config.db_url)
    program = load_program(config.program)
    tree = compile_program(program, as_of=config.as_of)
    typemap = load_typemap(config.typemap)
    beats = load_beats(config.beats) if config.beats else None
    premises = load_premises(config.store, tree, typemap=None)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        app.state.writer.close()
        engine.dispose()

    app = FastAPI(title="altresponse", version=program.version, lifespan=lifespan, redoc_url=None,
                  description="Triage for 911 call-takers, call outcomes, and the Care Navigation follow-up queue.")
    from .audit import GroupWriter

    app.state.config = config
    app.state.engine = engine
    app.state.cipher = cipher
    app.state.keys = KeyStore(engine)
    app.state.writer = GroupWriter(engine)
    app.state.triage = Triage(program, tree, typemap, beats=beats, premises=premises)
    if config.lean_triage:
        from .lean import LeanTriage

        app.add_middleware(LeanTriage)  # inside the body limit (added next: the last added runs first)
    app.add_middleware(BodyLimit, limit=MAX_BODY)
    add_error_handlers(app)
    add_routes(app)
    from .screens import add_screens

    add_screens(app)
    return app
