"""A type map in memory: normalising a source value, the compiled rules, and the one-call evaluator."""

from __future__ import annotations

import re
import string

from ..taxonomy import UNKNOWN, Taxonomy

_UPPER = str.maketrans(string.ascii_lowercase, string.ascii_uppercase)
# Whitespace as RE2 and Python (re.ASCII) both read it; table.py normalises on the engine with it
WS_CLASS = "[ \\t\\n\\r\\f\\v]+"
_WS = re.compile(WS_CLASS)


def normalize(value: str | None) -> str | None:
    """Normalise a source type value the way the matchers see it.

    Examples
    --------
    >>> normalize("  Welfare\\tcheck ")
    'WELFARE CHECK'
    >>> normalize("   ") is None
    True
    """
    if value is None:
        return None
    value = _WS.sub(" ", value.translate(_UPPER)).strip(" ")
    return value or None



class Pattern:
    """A compiled pattern rule."""

    __slots__ = ("id", "regex", "type", "rule", "compiled")

    def __init__(self, id: str, regex: str, type: str, rule: str):
        self.id, self.regex, self.type, self.rule = id, regex, type, rule
        self.compiled = re.compile(regex, re.ASCII)

    def __repr__(self) -> str:
        return f"Pattern({self.rule!r} -> {self.type})"


class TypeMap:
    """One source's map from its call types to canonical codes. Build with :func:`load_typemap`."""

    _CACHE_MAX = 1 << 16

    def __init__(self, source: str, description: str, exact: dict[str, str], patterns: list[Pattern], taxonomy: Taxonomy):
        self.source = source
        self.description = description
        self.exact = exact  # normalised key -> canonical code
        self.patterns = patterns
        self.taxonomy = taxonomy
        self.unmapped_rule = f"{source}.unmapped"
        self.exact_rules = {k: (v, f"{source}.exact:{k}") for k, v in exact.items()}  # key -> (code, rule id)
        self._cache: dict[tuple, tuple[str, str]] = {}

    @property
    def rules(self) -> dict[str, str]:
        """Every rule id -> canonical code (including the unmapped rule)."""
        out = {rule: code for code, rule in self.exact_rules.values()}
        out.update({p.rule: p.type for p in self.patterns})
        out[self.unmapped_rule] = UNKNOWN
        return out

    def map_one(self, type_code: str | None, type_desc: str | None) -> tuple[str, str]:
        """Canonical type and rule id of one call (pure Python; results are cached).

        Parameters
        ----------
        type_code, type_desc
            The call's ``type_code`` and ``type_desc`` as the source gives them.

        Returns
        -------
        tuple[str, str]
            ``(canonical_type, type_rule)``; ``("UNKNOWN", "<source>.unmapped")`` if no rule matches.

        Examples
        --------
        >>> from altresponse.typemap import load_typemap
        >>> load_typemap("durham").map_one(None, "Loud music at 3am")
        ('NOISE', 'durham.pattern:NOISE')
        """
        key = (type_code, type_desc)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        result = self._map_uncached(type_code, type_desc)
        if len(self._cache) >= self._CACHE_MAX:
            self._cache.clear()
        self._cache[key] = result
        return result

    def _map_uncached(self, type_code, type_desc) -> tuple[str, str]:
        code = normalize(type_code)
        desc = normalize(type_desc)
        for value in (code, desc):
            if value is not None:
                hit = self.exact_rules.get(value)
                if hit is not None:
                    return hit
        text = desc if desc is not None else code
        if text is not None:
            for p in self.patterns:
                if p.compiled.search(text):
                    return p.type, p.rule
        return UNKNOWN, self.unmapped_rule

    def __repr__(self) -> str:
        return f"TypeMap({self.source!r}: {len(self.exact)} exact, {len(self.patterns)} patterns)"

