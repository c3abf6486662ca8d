"""CLI commands for the canonical call types (registered on the shared app)."""

from __future__ import annotations


def register(app) -> None:
    """Add this module's commands to ``app``."""
