"""Whether a type-map regex reads the same in Python ``re`` and on the engine, asked of both dialects.

A pattern runs twice: in Python (``re.ASCII``, :meth:`TypeMap.map_one`, the service) and on the
engine (``re_search`` in :func:`map_types`: RE2 in DuckDB; Spark's Java regex reads what RE2
reads the same way for these patterns). Rather than guess at the syntax with a regex over the
regex, each dialect compiles the pattern itself: Python's ``re``, and RE2 through DuckDB's
``regexp_matches`` in a private in-memory database (it holds no data).
What RE2 rejects (look-around, back-references, possessive quantifiers, atomic groups, ``\\Z``)
is reported with the piece RE2 names. Inline flags both accept are kept out too (Python reports
them in the compiled pattern's flags): the text is upper-cased and on one line, so none is needed,
and RE2 folds case beyond ASCII where ``re.ASCII`` does not.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterable

_FLAG_LETTERS = ((re.IGNORECASE, "i"), (re.MULTILINE, "m"), (re.DOTALL, "s"), (re.VERBOSE, "x"))
_RE2_SAYS = "is not portable to RE2 (RE2 says \"{reason}\": no look-around, back-references, possessive quantifiers or \\Z)"
_FLAGS_SAY = "is not portable to RE2 (an inline flag: the text is upper-cased on one line, so none is needed)"


def portability_problems(regexes: Iterable[str]) -> dict[str, str]:
    """Regex -> why it does not read the same in Python and RE2, for each that Python compiles.

    A regex Python does not compile is left out: it is not a regex at all, and the caller says so.

    Examples
    --------
    >>> problems = portability_problems(["(?=X)Y", "X+", "(?i)X", "(X"])
    >>> sorted(problems)
    ['(?=X)Y', '(?i)X']
    >>> problems["(?=X)Y"].split(" (")[0]
    "'(?=' is not portable to RE2"
    """
    out: dict[str, str] = {}
    ask: list[str] = []
    for regex in dict.fromkeys(regexes):
        try:
            flags = re.compile(regex, re.ASCII).flags
        except re.error:
            continue
        letters = "".join(letter for flag, letter in _FLAG_LETTERS if flags & flag)
        if letters:
            out[regex] = f"{f'(?{letters})'!r} {_FLAGS_SAY}"
        else:
            ask.append(regex)
    for regex, said in zip(ask, _re2_errors(tuple(ask))):
        if said is not None:
            reason, _, piece = said.partition(": ")
            out[regex] = f"{(piece or regex)!r} {_RE2_SAYS.format(reason=reason)}"
    return out


@functools.lru_cache(maxsize=64)
def _re2_errors(regexes: tuple[str, ...]) -> tuple[str | None, ...]:
    """RE2's own error for each regex (``"invalid perl operator: (?="``), None where it compiles.

    Cached by the whole tuple: a type map's patterns are asked once per process.
    """
    if not regexes:
        return ()
    con, lock = _re2()
    with lock:
        # one query for the whole map (the usual case: all compile); one each only to find which fail
        if _re2_error(con, *regexes) is None:
            return (None,) * len(regexes)
        return tuple(_re2_error(con, regex) for regex in regexes)


@functools.cache
def _re2():
    """A private in-memory DuckDB, made on first use, that only compiles regexes (it holds no data).

    One per process, not one per map: opening a connection costs ~0.1 s, asking it ~1 ms. The
    lock keeps two threads (the service loading maps) from sharing it at once.
    """
    import duckdb  # noqa: PLC0415  (the engine's regex dialect, asked directly; not a data engine)

    return duckdb.connect(":memory:"), threading.Lock()


def _re2_error(con, *regexes: str) -> str | None:
    """RE2's error for the first of ``regexes`` it does not compile, None if it compiles all."""
    import duckdb  # noqa: PLC0415

    asks = ", ".join(f"regexp_matches('', ${i + 1})" for i in range(len(regexes)))
    try:
        con.execute(f"SELECT {asks}", list(regexes)).fetchone()
    except duckdb.InvalidInputException as exc:
        return str(exc).partition(": ")[2] or str(exc)
    return None
