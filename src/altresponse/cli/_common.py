"""What every command shares: one-line errors with exit codes, stderr console, JSON out."""

from __future__ import annotations

import functools
import json
import sys
from typing import Any, Callable

import typer
from rich.console import Console

from ..errors import AltresponseError

err_console = Console(stderr=True)


def handle_errors(func: Callable) -> Callable:
    """Turn AltresponseError into one line on stderr and its exit code — never a traceback."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except AltresponseError as exc:
            err_console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
            raise typer.Exit(exc.exit_code) from None
        except FileNotFoundError as exc:
            err_console.print(f"[bold red]error:[/] {exc.filename}: no such file", highlight=False, soft_wrap=True)
            raise typer.Exit(3) from None

    return wrapper


def print_json(document: Any) -> None:
    """Print one JSON document to stdout (numbers from numpy are converted)."""
    sys.stdout.write(json.dumps(document, indent=2, default=_json_default, allow_nan=False) + "\n")


def _json_default(value: Any):
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
