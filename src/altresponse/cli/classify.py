"""CLI commands for the classify verb (registered on the shared app)."""

from __future__ import annotations


def register(app) -> None:
    """Add this module's commands to app."""
