"""``altresponse serve --dev``: the bundled Durham sample, a local database and keys, in one command.

Not for production: the Fernet key is made fresh for the session (contact details written in
one dev session cannot be read in the next), and the API keys are written to files in the dev
folder so the README's ``curl`` line can read them.
"""

from __future__ import annotations

import os
from pathlib import Path

from .crypto import new_key


def prepare(out: Path, *, calls: Path, adapter: str = "durham") -> dict:
    """Ingest the sample into ``out/store`` (once), migrate ``out/serve.sqlite``, write one key per role.

    Returns the store, db URL, and key file paths.
    """
    from ..ingest import ingest
    from . import migrate
    from .auth import ROLES, create_key
    from .db import make_engine

    out.mkdir(parents=True, exist_ok=True)
    store = out / "store"
    if not any((store / "calls").glob("*.parquet")):
        ingest(calls, adapter, store)
    url = f"sqlite:///{(out / 'serve.sqlite').resolve()}"
    migrate.upgrade(url)
    engine = make_engine(url)
    files = {}
    try:
        for role in ROLES:
            path = out / f"{role}.key"
            path.write_text(create_key(engine, role, label="dev") + "\n")
            os.chmod(path, 0o600)
            files[role] = path
    finally:
        engine.dispose()
    return {"store": store, "db_url": url, "key_files": files, "fernet_key": new_key()}
