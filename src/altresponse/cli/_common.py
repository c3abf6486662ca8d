"""What every command shares: one-line errors with exit codes, stderr console, JSON out."""

from __future__ import annotations

import functools
import json
import math
import os
import sys
from pathlib import Path
from typing import Any, Callable

import typer
from rich.console import Console
from rich.markup import escape

from ..errors import AltresponseError

err_console = Console(stderr=True)

# Every verb that classifies takes --typemap (one help text, so the docs stay the same).
TYPEMAP_HELP = ("Type map (YAML path or shipped name) for every source; default the one the source's adapter "
                "names (typemap: FILE), else the shipped one. Labels made with another are recomputed.")


def handle_errors(func: Callable) -> Callable:
    """Turn errors into one line on stderr and an exit code — never a traceback.

    Our own errors carry their exit code (2 config/usage, 3 I/O); any other OS error is an I/O
    failure (3); anything else is an engine or internal failure (3), shown as one line unless
    ``ALTRESPONSE_DEBUG=1`` asks for the traceback.
    """

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except (typer.Exit, typer.Abort, typer.BadParameter):
            raise
        except AltresponseError as exc:
            _fail(str(exc), exc.exit_code)
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            _fail(f"{where}{exc.strerror or exc}", 3)
        except Exception as exc:
            if os.environ.get("ALTRESPONSE_DEBUG"):
                raise
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            _fail(f"{type(exc).__name__}: {first} (engine or internal failure; set ALTRESPONSE_DEBUG=1 for the traceback)", 3)

    return wrapper


def _fail(message: str, code: int):
    # escape: a message quotes the user's file, and "[/x]" there is not rich markup (it raised)
    err_console.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(code) from None


def as_of_date(value: str | None):
    """Parse an ``--as-of`` option (YYYY-MM-DD); None stays None."""
    return option_date(value, "--as-of")


def option_date(value: str | None, option: str):
    """Parse a date option (YYYY-MM-DD); None stays None; else UsageError naming ``option``."""
    if value is None:
        return None
    import datetime as dt

    from ..errors import UsageError

    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        msg = f'{option} "{value}" is not a date (YYYY-MM-DD)'
        raise UsageError(msg) from None


def print_json(document: Any) -> None:
    """Print one strict JSON document to stdout (numpy numbers converted, NaN/inf as null)."""
    sys.stdout.write(json.dumps(_finite(document), indent=2, default=_json_default, allow_nan=False) + "\n")


def _finite(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _json_default(value: Any):
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def program_and_date(program_file, as_of: str | None):
    """The loaded program and the date its period is read on: ``--as-of`` or, only here at the CLI, today."""
    import datetime as dt

    from ..program import load_program

    return load_program(program_file), as_of_date(as_of) or dt.date.today()


def classified_for(store, program, *, as_of=None, typemap=None, con=None):
    """The program's labels in ``STORE``: the stored ones if made with this program, as-of and type
    map, else classified again (and said so on stderr)."""
    from ..errors import InputError
    from ..relabel import stored_or_fresh

    if not Path(store).is_dir():
        msg = f"{store}: no such store directory"
        raise InputError(msg)
    table, note = stored_or_fresh(store, program, as_of=as_of, typemap=typemap, con=con)
    if note:
        err_console.print(f"[bold yellow]note:[/] {note}", highlight=False)
    return table
