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
from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    DocumentStartEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceStartEvent,
)
from ruamel.yaml.nodes import ScalarNode

from .errors import ConfigError, InputError

MAX_BYTES = 5_000_000
"""Largest config file read (the largest shipped one, the taxonomy, is ~20 kB)."""
MAX_VALUES = 20_000
"""Most values (scalars, lists, mappings) a file may hold once its aliases are expanded
(the taxonomy, the largest shipped file, holds about 1,000)."""
MAX_DEPTH = 64
"""Deepest nesting of lists and mappings (shipped files nest at most 6 levels)."""

_Y = "tag:yaml.org,2002:"
_STR = _Y + "str"
# Plain YAML tags a config may spell out (``!!str 5``); anything else (``!!python/object``) is refused.
_PLAIN_SCALAR_TAGS = {_Y + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
_COLLECTION_TAGS = {None, "!", _Y + "seq", _Y + "map"}
_KEY = "[key]"  # pydantic's marker for a mapping key in an error loc


class Lines(dict):
    """``{key path: 1-based line}``; ``()`` is the document itself.

    ``written`` holds the text as written of every value YAML read as something other than
    text (a number, ``null``, ``true``, a date), at its path; for such a mapping key, at
    ``(*path, key, "[key]")`` (pydantic's loc for a key).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.written: dict[tuple, str] = {}


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
    _check_size(info.st_size, shown, error)
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        msg = f"{shown}: cannot read ({exc.strerror or exc})"
        raise InputError(msg) from None
    _check_size(len(raw), shown, error)
    return decode(raw, shown=shown, error=error)


def _check_size(size: int, shown: str, error: type[Exception]) -> None:
    if size > MAX_BYTES:
        msg = f"{shown}: {size:,} bytes is too large for a config file (at most {MAX_BYTES:,}); is it a data file?"
        raise error(msg)


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


def parse_yaml(text: str, *, shown: str, error: type[Exception] = ConfigError) -> tuple[Any, Lines]:
    """Parse YAML text in one pass; also return ``{key path: 1-based line}`` for every node.

    Parameters
    ----------
    text
        The YAML document.
    shown
        How messages name the file.
    error
        Exception class raised for a problem.

    Raises
    ------
    ConfigError
        (or ``error``) One line: not valid YAML; a key repeated (both lines); more than one
        document; a list or mapping as a key; a tag other than YAML's plain ones; an
        impossible date; nesting past :data:`MAX_DEPTH`; aliases past :data:`MAX_VALUES`
        values, or an alias inside the node it names.
    """
    _check_size(len(text), shown, error)
    yaml = YAML(typ="safe")  # the C parser when ruamel.yaml.clib is installed (~30x the pure one)
    builder = _Builder(shown, error, yaml)
    try:
        for event in yaml.parse(text):
            builder.feed(event)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" line {mark.line + 1}" if mark is not None else ""
        problem = exc.problem or exc.context or str(exc).splitlines()[0]
        msg = f"{shown}{where}: not valid YAML ({problem})"
        raise error(msg) from None
    except YAMLError as exc:  # the reader's: a character YAML does not allow
        position = getattr(exc, "position", None)
        where = f" line {text[:position].count(chr(10)) + 1}" if isinstance(position, int) else ""
        reason = getattr(exc, "reason", None) or str(exc).splitlines()[0]
        msg = f"{shown}{where}: not valid YAML ({reason})"
        raise error(msg) from None
    return builder.data, builder.lines


class _Frame:
    """An open list or mapping while its events arrive."""

    __slots__ = ("value", "path", "anchor", "first_line", "start", "count_at_open", "key", "key_line", "has_key", "seen")

    def __init__(self, value, path, anchor, first_line, start, count_at_open):
        self.value, self.path, self.anchor = value, path, anchor
        self.first_line, self.start, self.count_at_open = first_line, start, count_at_open
        self.key, self.key_line, self.has_key = None, 0, False
        self.seen: dict = {}


class _Builder:
    """Builds plain data and its :class:`Lines` from parse events, without recursion (deep
    nesting cannot overflow the stack) and with every bound checked as the events arrive."""

    def __init__(self, shown: str, error: type[Exception], yaml: YAML):
        self.shown, self.error = shown, error
        self.lines = Lines()
        self.order: list[tuple] = []  # paths in the order their lines were set: a node's are contiguous
        self.stack: list[_Frame] = []
        self.anchors: dict[str, Any] = {}
        self.count = 0
        self.documents = 0
        self.data: Any = None
        # ruamel's YAML 1.2 implicit-type regexes by first character, looked up once: its own
        # per-scalar resolve and construct cost ~0.5 ms a value (40,000 values took 6 s).
        self.implicit = {k: list(v) for k, v in yaml.resolver.versioned_resolver.items()}
        stamp = yaml.constructor.construct_yaml_timestamp
        self.construct = {_Y + "int": _int, _Y + "float": _float, _Y + "bool": lambda v: v.lower() == "true",
                          _Y + "null": lambda v: None,
                          _Y + "timestamp": lambda v: stamp(ScalarNode(_Y + "timestamp", v))}

    def fail(self, line: int, path: tuple | None, message: str):
        where = f"{self.shown} line {line}" + (f", {dotted(path, self.lines.written)}" if path else "")
        raise self.error(f"{where}: {message}")

    def feed(self, event) -> None:
        line = event.start_mark.line + 1
        if isinstance(event, DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                self.fail(line, None, "a second YAML document (---); a config file holds one")
        elif isinstance(event, ScalarEvent):
            self._scalar(event, line)
        elif isinstance(event, (MappingStartEvent, SequenceStartEvent)):
            self._open(event, line)
        elif isinstance(event, CollectionEndEvent):
            self._close()
        elif isinstance(event, AliasEvent):
            self._alias(event, line)

    # --- where the next value goes -----------------------------------------------------

    def _next_path(self, line: int) -> tuple | None:
        """Path of the next value, or None when it is a mapping key."""
        if not self.stack:
            return ()
        top = self.stack[-1]
        if isinstance(top.value, list):
            return (*top.path, len(top.value))
        if not top.has_key:
            return None
        return (*top.path, top.key)

    def _set_line(self, path: tuple, line: int) -> None:
        if self.stack and isinstance(self.stack[-1].value, dict):
            line = self.stack[-1].key_line  # a mapping value is found at its key's line
        if path not in self.lines:
            self.order.append(path)
        self.lines[path] = line

    def _place(self, value: Any) -> None:
        if not self.stack:
            self.data = value
            return
        top = self.stack[-1]
        if isinstance(top.value, list):
            top.value.append(value)
        else:
            top.value[top.key] = value
            top.has_key = False

    def _take_key(self, key: Any, line: int) -> None:
        top = self.stack[-1]
        if key in top.seen:
            self.fail(line, (*top.path, key), f"key repeated (first at line {top.seen[key]}); remove one")
        top.seen[key] = line
        top.key, top.key_line, top.has_key = key, line, True

    def _grow(self, n: int, line: int) -> None:
        self.count += n
        if self.count > MAX_VALUES:
            self.fail(line, None, f"more than {MAX_VALUES:,} values once aliases are expanded; a config file is small (an alias bomb?)")

    # --- events ------------------------------------------------------------------------

    def _scalar(self, event, line: int) -> None:
        self._grow(1, line)
        path = self._next_path(line)
        value, tag = self._construct(event, line, path)
        if path is None:
            top = self.stack[-1]
            if tag != _STR:
                self.lines.written[(*top.path, value, _KEY)] = event.value
            self._take_key(value, line)
        else:
            self._set_line(path, line)
            if tag != _STR:
                self.lines.written[path] = event.value
            self._place(value)
        if event.anchor:
            self.anchors[event.anchor] = (value, [((), line)], {(): event.value} if tag != _STR else {}, 1)

    def _construct(self, event, line: int, path: tuple | None) -> tuple[Any, str]:
        tag = event.tag
        if tag is None and event.implicit[0]:
            tag = self._resolve(event.value)
        elif tag in (None, "!"):
            tag = _STR
        if tag not in _PLAIN_SCALAR_TAGS:
            self.fail(line, path, f"tag {_short(tag)} is not allowed in a config file (write plain values)")
        if tag == _STR:
            return event.value, tag
        try:
            return self.construct[tag](event.value), tag
        except (ValueError, OverflowError, YAMLError) as exc:
            kind = "date" if tag.endswith("timestamp") else tag.removeprefix(_Y)
            self.fail(line, path, f"{event.value} is not a real {kind} ({str(exc).splitlines()[0]})")

    def _resolve(self, value: str) -> str:
        for tag, regexp in self.implicit.get(value[:1], ()):
            if regexp.match(value):
                return tag if tag in _PLAIN_SCALAR_TAGS else _STR  # `<<` (merge) and the like: plain text
        return _STR

    def _open(self, event, line: int) -> None:
        if event.tag not in _COLLECTION_TAGS:
            self.fail(line, self._next_path(line), f"tag {_short(event.tag)} is not allowed in a config file")
        self._grow(1, line)
        path = self._next_path(line)
        if path is None:
            self._key_not_plain(line)
        if len(self.stack) >= MAX_DEPTH:
            self.fail(line, None, f"nested more than {MAX_DEPTH} levels deep; a config file is shallow")
        self._set_line(path, line)
        value: list | dict = [] if isinstance(event, SequenceStartEvent) else {}
        if event.anchor:
            self.anchors[event.anchor] = None  # open: an alias to it now would be a loop
        self.stack.append(_Frame(value, path, event.anchor, line, len(self.order) - 1, self.count - 1))

    def _close(self) -> None:
        frame = self.stack.pop()
        self._place(frame.value)
        if frame.anchor:
            n, paths, known = len(frame.path), self.order[frame.start:], self.lines.written
            sub = [(p[n:], self.lines[p]) for p in paths]
            written = {q[n:]: known[q] for p in paths for q in (p, (*p, _KEY)) if q in known}
            self.anchors[frame.anchor] = (frame.value, sub, written, self.count - frame.count_at_open)

    def _alias(self, event, line: int) -> None:
        name = event.anchor
        path = self._next_path(line)
        if name not in self.anchors:
            self.fail(line, path, f"alias *{name} names no anchor &{name} before it")
        if self.anchors[name] is None:
            self.fail(line, path, f"alias *{name} is inside the anchor &{name} it names (a loop)")
        value, sub, written, size = self.anchors[name]
        self._grow(size, line)
        if path is None:
            if isinstance(value, (list, dict)):
                self._key_not_plain(line)
            self._take_key(value, line)
            return
        self._set_line(path, line)
        for rel, rel_line in sub:
            if rel:
                self.order.append((*path, *rel))
                self.lines[(*path, *rel)] = rel_line
        self.lines.written.update({(*path, *rel): t for rel, t in written.items()})
        self._place(value)  # shared, as YAML loaders do: nothing edits loaded data in place

    def _key_not_plain(self, line: int) -> None:
        self.fail(line, self.stack[-1].path, "a key must be a plain value (text or a number), not a list or mapping")


def _int(text: str) -> int:
    """A YAML 1.2 int (``0x1F``, ``0o17``, ``1_000``, ``-5``) as the resolver matched it."""
    text = text.replace("_", "")
    sign = -1 if text[:1] == "-" else 1
    text = text.lstrip("+-")
    base = {"0x": 16, "0o": 8, "0b": 2}.get(text[:2].lower(), 10)
    return sign * int(text[2:] if base != 10 else text, base)


def _float(text: str) -> float:
    """A YAML 1.2 float (``1.5``, ``1e3``, ``-.inf``, ``.nan``) as the resolver matched it."""
    text = text.replace("_", "").lower()
    if text.lstrip("+-") in (".inf", ".nan"):
        return float(text.replace(".", ""))
    return float(text)


def _short(tag: str | None) -> str:
    return "!!" + tag.removeprefix(_Y) if tag and tag.startswith(_Y) else str(tag)


def dotted(loc: tuple, written: Mapping[tuple, str] | None = None) -> str:
    """``('a', 'b', 2, 'c')`` → ``'a.b[2].c'``; the empty path is ``'(top level)'``.

    A number that is a mapping key (known from ``written``) is written ``a.415``, not ``a[415]``.
    """
    out = ""
    for i, part in enumerate(loc):
        if part == _KEY:
            continue
        if isinstance(part, int) and not (written and (*loc[:i], part, _KEY) in written):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def line_of(lines: Mapping[tuple, int], loc: tuple) -> int | None:
    """Line of ``loc``, else of its nearest enclosing path that has one."""
    probe = tuple(p for p in loc if p != _KEY)
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
    if not text or err["type"] not in _WANTS_TEXT or isinstance(err.get("input"), str):
        return None
    value = err.get("input")
    what = {type(None): "no value (null)", bool: "a boolean"}.get(type(value), "a date" if hasattr(value, "isoformat") else "a number")
    subject = "the key" if loc and loc[-1] == _KEY else "the value"
    expected = f"; use {err['ctx']['expected']}" if err["type"] == "literal_error" and "ctx" in err else ""
    return f'{subject} {text} is read by YAML as {what}, not text: quote it ("{text}"){expected}'
