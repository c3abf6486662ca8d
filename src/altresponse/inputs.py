"""The program and date arguments every verb accepts: a loaded program or a path; a date or an ISO string.

The date a program period is read on is always explicit inside the library (``as_of``): only
the CLI defaults it to today, and every summary prints the period and date it used.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .errors import UsageError
from .program import parse_date  # one date reader (the program model's), re-exported


def as_program(program):
    """A :class:`~altresponse.program.Program` from a program or a path to a program file."""
    from .program import Program, load_program

    return program if isinstance(program, Program) or not isinstance(program, (str, Path)) else load_program(program)


def as_date(value: dt.date | str, *, name: str = "as_of") -> dt.date:
    """A date from a date or a ``YYYY-MM-DD`` string.

    Examples
    --------
    >>> as_date("2022-06-01")
    datetime.date(2022, 6, 1)

    Raises
    ------
    UsageError
        Not a date (the message names the argument).
    """
    out = parse_date(value)
    if out is None:
        msg = f"{name} {value!r} is not a date (YYYY-MM-DD)"
        raise UsageError(msg)
    return out


def period_in_effect(program, response_id: str, on: dt.date, *, strict: bool = True):
    """The period of ``response_id`` in effect on ``on`` (the one lookup plan, simulate and the report share)."""
    response = program.response(response_id)
    return response.period_at(on) if strict else response.period_at(on, strict=False)


def period_label(program, response_id: str, on: dt.date) -> str:
    """``"crt period citywide (2023-10-23..) on 2024-01-01"``: what every summary prints."""
    try:
        p = period_in_effect(program, response_id, on)
    except (KeyError, ValueError):  # ProgramError is a ValueError
        p = None
    if p is None:
        return f"{response_id}: no period in effect on {on.isoformat()}"
    start, end = getattr(p, "start", None), getattr(p, "end", None)
    return f"{response_id} period {getattr(p, 'id', '?')} ({start or '…'}..{end or ''}) on {on.isoformat()}"
