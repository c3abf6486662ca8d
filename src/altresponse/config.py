"""Config files (adapters, programs, taxonomy, type maps): YAML with line numbers.

One way to read a YAML config and to say where a problem is:
:func:`read_yaml` / :func:`parse_yaml` return the data and the 1-based line of every key
path (tuples of mapping keys and list indexes, as pydantic's error ``loc``), and reject a
mapping that repeats a key; :func:`location` and :func:`validation_problems` turn a key
path or a pydantic ``ValidationError`` into ``FILE line N, dotted.key[2].path: message``,
e.g. ``programs/x.yaml line 14, responses[2].hours: "25:00" is not HH:MM``.

Each config module chooses its error class and may word pydantic's messages its own way
(``message=``).

Examples
--------
>>> data, lines = parse_yaml("a:\\n  b:\\n    - 1\\n    - 2\\n", shown="x.yaml")
>>> lines[("a", "b", 1)]
4
>>> location("x.yaml", lines, ("a", "b", 1, "c"))
'x.yaml line 4, a.b[1].c'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .errors import ConfigError, InputError

Lines = dict[tuple, int]
"""``{key path: 1-based line}``; ``()`` is the document itself."""


def read_yaml(path: str | Path, *, error: type[Exception] = ConfigError) -> tuple[Any, Lines]:
    """Read and parse a YAML file named in messages by its file name (see :func:`parse_yaml`).

    Raises
    ------
    InputError
        If the file cannot be read.
    ConfigError
        (or ``error``) If the file is not valid YAML, or a mapping repeats a key.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        msg = f"{path}: cannot read ({exc.strerror or exc})"
        raise InputError(msg) from None
    return parse_yaml(text, shown=path.name, error=error)


def parse_yaml(
    text: str, *, shown: str, error: type[Exception] = ConfigError, duplicate_keys: bool = False
) -> tuple[Any, Lines]:
    """Parse YAML text; also return ``{key path: 1-based line}`` for every node.

    Parameters
    ----------
    text
        The YAML document.
    shown
        How messages name the file.
    error
        Exception class raised for a problem.
    duplicate_keys
        Accept a mapping that repeats a key (the last one wins) instead of raising.

    Raises
    ------
    ConfigError
        (or ``error``) If the text is not valid YAML, or a mapping repeats a key.
    """
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        msg = f"{shown}{where}: not valid YAML ({problem})"
        raise error(msg) from None
    lines: Lines = {}
    repeated: list[str] = []
    if node is not None:
        _walk(node, (), lines, repeated, shown)
    if repeated and not duplicate_keys:
        raise error("; ".join(repeated))
    return data, lines


def _walk(node, prefix: tuple, lines: Lines, repeated: list[str], shown: str) -> None:
    lines[prefix] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: set = set()
        for key_node, value_node in node.value:
            key = key_node.value
            if key in seen:
                repeated.append(f"{shown} line {key_node.start_mark.line + 1}, {dotted((*prefix, key))}: key repeated")
            seen.add(key)
            _walk(value_node, (*prefix, key), lines, repeated, shown)
            lines[(*prefix, key)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, (*prefix, i), lines, repeated, shown)


def dotted(loc: tuple) -> str:
    """``('a', 'b', 2, 'c')`` → ``'a.b[2].c'``; the empty path is ``'(top level)'``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def line_of(lines: Mapping[tuple, int], loc: tuple) -> int | None:
    """Line of ``loc``, else of its nearest enclosing path that has one."""
    probe = tuple(loc)
    while probe and probe not in lines:
        probe = probe[:-1]
    return lines.get(probe)


def location(shown: str, lines: Mapping[tuple, int], loc: tuple) -> str:
    """``'file line N, a.b[2].c'`` for a key path (nearest known line if absent)."""
    line = line_of(lines, loc)
    where = f"{shown} line {line}" if line else shown
    return f"{where}, {dotted(tuple(loc))}"


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

    ``message(err)`` words one pydantic error; default pydantic's message plus the value
    given (unless it is a mapping or list, or missing).
    """
    message = message or _pydantic_message
    return [f"{location(shown, lines, error_loc(err))}: {message(err)}" for err in exc.errors(include_url=False)]


def _pydantic_message(err: Mapping) -> str:
    value = err.get("input")
    got = "" if isinstance(value, (dict, list)) or err["type"] == "missing" else f" (got {value!r})"
    return f"{err['msg']}{got}"
