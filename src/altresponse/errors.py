"""Errors a user can cause. Each also inherits the matching builtin, so callers
can catch either ``AltresponseError`` or e.g. ``ValueError``.

Messages name the file, line, field and value, and say what is valid. The CLI
prints ``str(error)`` as one line and exits with ``exit_code``.
"""

from __future__ import annotations


class AltresponseError(Exception):
    """Base of every error altresponse raises on purpose."""

    exit_code = 2


class ConfigError(AltresponseError, ValueError):
    """A program, adapter or type-map file is invalid (exit 2)."""


class AdapterError(ConfigError):
    """An adapter file is invalid or names columns the input lacks (exit 2)."""


class ProgramError(ConfigError):
    """A program definition is invalid (exit 2)."""


class UsageError(AltresponseError, ValueError):
    """A command was given parameters that cannot work (exit 2)."""


class InputError(AltresponseError, OSError):
    """An input file or store cannot be read or written (exit 3)."""

    exit_code = 3


class EngineError(AltresponseError, RuntimeError):
    """The query engine failed (exit 3)."""

    exit_code = 3
