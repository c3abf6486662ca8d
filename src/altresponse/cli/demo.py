"""The ``demo`` command: the main job on the bundled real sample, and ``version``."""

from __future__ import annotations

import typer

from .. import __version__


def register(app) -> None:
    """Add this module's commands to ``app``."""

    @app.command()
    def version() -> None:
        """Print the altresponse version."""
        typer.echo(__version__)
