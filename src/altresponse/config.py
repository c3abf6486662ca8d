"""Config files (adapters, programs, taxonomy, type maps): one YAML reader with line numbers.

One way to read a YAML config and to say where a problem is: :func:`read_yaml` /
:func:`parse_yaml` read the file in one pass over ruamel.yaml's parse events and return
the data and the 1-based line of every key path (tuples of mapping keys and list indexes,
as pydantic's error ``loc``). :func:`location` and :func:`validation_problems` turn a key
path or a pydantic ``ValidationError`` into ``FILE line N, dotted.key[2].path: message``,
e.g. ``programs/x.yaml line 14, responses[2].hours: "25:00" is not HH:MM``.

Config files are small and written by hand, so the reader refuses, with one line each,
what only a mistake or a hostile file contains: a repeated key (both lines named), a file
over :data:`MAX_BYTES`, one that is not UTF-8/UTF-16 text, nesting deeper than
:data:`MAX_DEPTH`, aliases that expand past :data:`MAX_VALUES` values or refer to
themselves, keys that are lists or mappings, tags other than YAML's plain ones
(``!!python/...``), and dates that do not exist (``2022-06-31``). Values follow YAML 1.2
(``yes``/``no``/``on`` stay text); ``Lines.written`` keeps the text of every value YAML
read as a non-string, so a loader can keep ``version: 1.10`` as ``"1.10"``.

Each config module chooses its error class; :func:`pydantic_message` words pydantic's
errors for all of them, and :func:`quote_hint` asks to quote a number, ``null`` or date
written where text belongs.

Examples
--------
>>> data, lines = parse_yaml("a:\\n  b:\\n    - 1\\n    - 2\\n", shown="x.yaml")
>>> lines[("a", "b", 1)]
4
>>> location("x.yaml", lines, ("a", "b", 1, "c"))
'x.yaml line 4, a.b[1].c'
>>> data, lines = parse_yaml("version: 1.10\\n", shown="x.yaml")
>>> data["version"], lines.written[("version",)]
(1.1, '1.10')
"""

from __future__ import annotations

import codecs
import stat
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .config_parse import KEY_MARK, MAX_BYTES, MAX_DEPTH, MAX_VALUES, Lines, check_size, dotted, parse_yaml
from .errors import ConfigError, InputError

__all__ = ["MAX_BYTES", "MAX_DEPTH", "MAX_VALUES", "Lines", "decode", "dotted", "error_loc", "line_of", "location",
           "parse_yaml", "pydantic_message", "quote_hint", "read_text", "read_yaml", "validation_problems"]


def read_yaml(
    path: str | Path,
    *,
    error: type[Exception] = ConfigError,
    shown: str | None = None,
    what: str = "config",
) -> tuple[Any, Lines]:
    """Read and parse a YAML config file (see :func:`parse_yaml`).

    Parameters
    ----------
    path
        The file.
    error
        Exception class raised for a problem with the file's content.
    shown
        How messages name the file (default: ``path`` as given).
    what
        What the file is, for the "no such file" message (``program``, ``adapter``, ...).

    Raises
    ------
    ConfigError
        (or ``error``) No such file; over :data:`MAX_BYTES`; not UTF-8 or UTF-16 text; any
        problem :func:`parse_yaml` finds.
    InputError
        The file exists but cannot be read (permissions, a directory, a device, a FIFO).
    """
    path = Path(path)
    shown = str(path) if shown is None else shown
    return parse_yaml(read_text(path, error=error, shown=shown, what=what), shown=shown, error=error)


def read_text(path: Path, *, error: type[Exception] = ConfigError, shown: str | None = None, what: str = "config") -> str:
    """The text of a config file, checked for size and encoding before any parsing."""
    shown = str(path) if shown is None else shown
    try:
        info = path.stat()
    except FileNotFoundError:
        msg = f"{shown}: no such {what} file"
        raise error(msg) from None
    except OSError as exc:
        msg = f"{shown}: cannot read ({exc.strerror or exc})"
        raise InputError(msg) from None
    if not stat.S_ISREG(info.st_mode):  # a FIFO would block, a device never end
        kind = "a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        msg = f"{shown}: cannot read ({kind})"
        raise InputError(msg)
    check_size(info.st_size, shown, error)
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        msg = f"{shown}: cannot read ({exc.strerror or exc})"
        raise InputError(msg) from None
    check_size(len(raw), shown, error)
    return decode(raw, shown=shown, error=error)


def decode(raw: bytes, *, shown: str, error: type[Exception] = ConfigError) -> str:
    """Bytes of a config file as text: UTF-8 (with or without BOM) or UTF-16 with a BOM.

    Raises
    ------
    ConfigError
        (or ``error``) ``FILE line N: not a text YAML file`` for anything else (binary,
        Latin-1, gzip, ...), naming the line of the first byte that is not UTF-8.
    """
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            msg = f"{shown}: not a text YAML file (starts with a UTF-16 mark but is not UTF-16 text)"
            raise error(msg) from None
    raw = raw.removeprefix(codecs.BOM_UTF8)
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        msg = f"{shown} line {line}: not a text YAML file (it holds NUL bytes: binary data?)"
        raise error(msg)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        msg = f"{shown} line {line}: not a text YAML file (byte 0x{raw[exc.start]:02x} is not UTF-8; save the file as UTF-8)"
        raise error(msg) from None
    return text


def line_of(lines: Mapping[tuple, int], loc: tuple) -> int | None:
    """Line of ``loc``, else of its nearest enclosing path that has one."""
    probe = tuple(p for p in loc if p != KEY_MARK)
    while probe and probe not in lines:
        probe = probe[:-1]
    return lines.get(probe)


def location(shown: str, lines: Mapping[tuple, int], loc: tuple) -> str:
    """``'file line N, a.b[2].c'`` for a key path (nearest known line if absent)."""
    line = line_of(lines, loc)
    where = f"{shown} line {line}" if line else shown
    return f"{where}, {dotted(tuple(loc), getattr(lines, 'written', None))}"


def error_loc(err: Mapping) -> tuple:
    """A pydantic error's ``loc`` without the validator and union tags pydantic adds."""
    return tuple(p for p in err["loc"] if not (isinstance(p, str) and (p.startswith("function-") or p == "list[str]")))


def validation_problems(
    shown: str,
    exc: ValidationError,
    lines: Mapping[tuple, int],
    *,
    message: Callable[[dict], str] | None = None,
) -> list[str]:
    """One ``FILE line N, key.path: message`` per pydantic problem.

    ``message(err)`` words one pydantic error; default :func:`pydantic_message`. Either way a
    number, ``null``, boolean or date written where text belongs gets :func:`quote_hint`.
    """
    message = message or pydantic_message
    out = []
    for err in exc.errors(include_url=False):
        loc = error_loc(err)
        hint = quote_hint(err, loc, lines)
        out.append(f"{location(shown, lines, loc)}: {hint or message(err)}")
    return out


def pydantic_message(err: Mapping) -> str:
    """One pydantic error in our words: ``unknown key 'x'``, ``required key is missing``,
    ``'van': input should be 'phone' or ...``; pydantic's own messages get the value given
    (``(got 'x')``) unless it is a mapping or list; our validators' messages already name it."""
    kind, value = err["type"], err.get("input")
    msg = str(err["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if kind == "extra_forbidden":
        return f"unknown key {err['loc'][-1]!r}"
    if kind == "missing":
        return "required key is missing"
    if kind == "literal_error":
        return f"{value!r}: {msg[:1].lower()}{msg[1:]}"
    if kind in ("value_error", "assertion_error") or isinstance(value, (dict, list)):
        return msg
    return f"{msg} (got {value!r})"


_WANTS_TEXT = {"string_type", "literal_error", "enum", "string_pattern_mismatch"}


def quote_hint(err: Mapping, loc: tuple, lines: Mapping[tuple, int]) -> str | None:
    """"``415`` is read as a number; write it in quotes" when YAML's reading of a plain value
    (number, ``null``, ``true``, date) is why it is not the text expected; else None."""
    written = getattr(lines, "written", {})
    text = written.get(tuple(loc))
    if text is None and loc and loc[-1] == 0:  # one value a model wrapped in a list (adapter column lists)
        text = written.get(tuple(loc[:-1]))
    if not text or err["type"] not in _WANTS_TEXT or isinstance(err.get("input"), str):
        return None
    value = err.get("input")
    what = {type(None): "no value (null)", bool: "a boolean"}.get(type(value), "a date" if hasattr(value, "isoformat") else "a number")
    subject = "the key" if loc and loc[-1] == KEY_MARK else "the value"
    expected = f"; use {err['ctx']['expected']}" if err["type"] == "literal_error" and "ctx" in err else ""
    return f'{subject} {text} is read by YAML as {what}, not text: quote it ("{text}"){expected}'
