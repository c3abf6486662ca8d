"""The YAML parse behind :mod:`altresponse.config`: plain data and the line of every key
path, built in one pass over ruamel.yaml's parse events with every bound checked as they
arrive (see :func:`parse_yaml`). Config modules use :mod:`altresponse.config`, not this.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

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

from .errors import ConfigError

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
KEY_MARK = "[key]"
"""Pydantic's marker for a mapping key in an error ``loc``."""


class Lines(dict):
    """``{key path: 1-based line}``; ``()`` is the document itself.

    ``written`` holds the text as written of every value YAML read as something other than
    text (a number, ``null``, ``true``, a date), at its path; for such a mapping key, at
    ``(*path, key, "[key]")`` (pydantic's loc for a key).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.written: dict[tuple, str] = {}


def check_size(size: int, shown: str, error: type[Exception]) -> None:
    """Refuse a config of more than :data:`MAX_BYTES` (before reading it, when the size is known)."""
    if size > MAX_BYTES:
        msg = f"{shown}: {size:,} bytes is too large for a config file (at most {MAX_BYTES:,}); is it a data file?"
        raise error(msg)


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
    check_size(len(text), shown, error)
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
            self.fail(line, None, f"more than {MAX_VALUES:,} values, counting each alias as the values it repeats; a config file is small (an alias bomb or a data file?)")

    # --- events ------------------------------------------------------------------------

    def _scalar(self, event, line: int) -> None:
        self._grow(1, line)
        path = self._next_path(line)
        value, tag = self._construct(event, line, path)
        if path is None:
            top = self.stack[-1]
            if value == "<<" and not event.style:
                self.fail(line, top.path, "merge keys (<<) are not read in config files (YAML 1.2); write the keys out")
            if tag != _STR:
                self.lines.written[(*top.path, value, KEY_MARK)] = event.value
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
            written = {q[n:]: known[q] for p in paths for q in (p, (*p, KEY_MARK)) if q in known}
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
        if part == KEY_MARK:
            continue
        if isinstance(part, int) and not (written and (*loc[:i], part, KEY_MARK) in written):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"
