"""Suggest canonical types for a source's unmapped call types (``altresponse types --suggest``).

Each unmapped type (largest first by calls) is matched by its description (else its code)
against every labelled text we have: the canonical taxonomy's codes and descriptions, the
APCO/NENA 2.103.2 common incident types that are canonical codes, and every shipped type map's
exact entries (their patterns are tried too). Matching is fuzzy (``rapidfuzz``, token-set
ratio on normalised text with common CAD abbreviations expanded); each suggestion keeps its
score (0-100) and what it matched, and the result is written as a ready-to-edit type map.

How good is it? ``benchmarks/typemap_suggest.py`` hides each shipped type map in turn and counts
the calls whose suggestion is the type the hidden map gives (its table is in docs/taxonomy.md).
"""

from __future__ import annotations

import csv
import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path

from .taxonomy import UNKNOWN, load_taxonomy
from .typemap import TypeMap, available_typemaps, load_typemap, normalize

APCO_FILE = "apco_common_incident_types_2.103.2-2019.csv"
MIN_SCORE = 80.0  # below this a suggestion is written commented out, for the analyst to decide
# CAD shorthand -> words, so 'SUSP VEH' meets 'Suspicious vehicle'.
ABBREVIATIONS = {
    "SUSP": "SUSPICIOUS", "VEH": "VEHICLE", "MVA": "MOTOR VEHICLE ACCIDENT", "MVC": "MOTOR VEHICLE CRASH",
    "ACC": "ACCIDENT", "INJ": "INJURY", "W/": "WITH ", "W/O": "WITHOUT", "DIST": "DISTURBANCE", "DISTURB": "DISTURBANCE",
    "ASSLT": "ASSAULT", "ASLT": "ASSAULT", "PERS": "PERSON", "PRSN": "PERSON", "DOM": "DOMESTIC", "DV": "DOMESTIC VIOLENCE",
    "UNK": "UNKNOWN", "HANGUP": "HANG UP", "HU": "HANG UP", "EMS": "MEDICAL", "MED": "MEDICAL", "PD": "POLICE",
    "FD": "FIRE", "ALRM": "ALARM", "BURG": "BURGLARY", "RES": "RESIDENTIAL", "COMM": "COMMERCIAL", "TRESP": "TRESPASS",
    "INTOX": "INTOXICATED", "OD": "OVERDOSE", "WELF": "WELFARE", "CHK": "CHECK", "SUBJ": "SUBJECT", "AUTO": "VEHICLE",
    "HIT&RUN": "HIT AND RUN", "H&R": "HIT AND RUN", "PROP": "PROPERTY", "VANDAL": "VANDALISM", "NOISE": "NOISE",
}


@dataclass(frozen=True)
class Suggestion:
    """One unmapped type and the canonical type proposed for it."""

    type_code: str | None
    type_desc: str | None
    calls: int
    canonical_type: str
    score: float
    matched: str
    """What it matched: ``'<text>' (<where>)``."""


def expand(text: str) -> str:
    """Normalised text with CAD abbreviations spelled out.

    Examples
    --------
    >>> expand("Susp veh w/ inj")
    'SUSPICIOUS VEHICLE WITH INJURY'
    """
    up = normalize(text) or ""
    up = up.replace("W/", "W/ ")
    words = [ABBREVIATIONS.get(w, w) for w in re.split(r"[ ,;:\-()]+", up) if w]
    return re.sub(r"\s+", " ", " ".join(words)).strip()


def corpus(*, hide: str | None = None) -> list[tuple[str, str, str]]:
    """Labelled texts ``(expanded text, canonical code, where)``; ``hide`` leaves one shipped map out."""
    return list(_corpus(hide))


@functools.lru_cache(maxsize=8)
def _corpus(hide: str | None) -> tuple[tuple[str, str, str], ...]:
    tax = load_taxonomy()
    out: list[tuple[str, str, str]] = []
    for t in tax:
        if t.code == UNKNOWN:
            continue
        out.append((expand(t.description), t.code, "taxonomy"))
        out.append((expand(t.code), t.code, "taxonomy code"))
    apco = _apco_file()
    if apco is not None:
        with apco.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if row["code"] in tax and row["code"] != UNKNOWN:
                    out.append((expand(row["description"]), row["code"], "APCO"))
                    if row.get("notes"):
                        out.append((expand(row["notes"]), row["code"], "APCO"))
    for name in available_typemaps():
        if name == hide:
            continue
        tm = load_typemap(name)
        for key, code in tm.exact.items():
            out.append((expand(key), code, f"type map {name}"))
    return tuple(dict.fromkeys(o for o in out if o[0]))


def _apco_file() -> Path | None:
    """The APCO list in shared/data/reference ($ALTRESPONSE_SHARED, else found from the working
    directory or the package); None when absent (the corpus is then the taxonomy and the maps)."""
    import os

    shared = os.environ.get("ALTRESPONSE_SHARED")
    if shared and (Path(shared) / "data" / "reference" / APCO_FILE).is_file():
        return Path(shared) / "data" / "reference" / APCO_FILE
    here = Path(__file__).resolve()
    for base in (Path.cwd(), *here.parents):
        for rel in ("shared/data/reference", "../shared/data/reference"):
            p = base / rel / APCO_FILE
            if p.is_file():
                return p
    return None


def _patterns(hide: str | None):
    return [(p, name) for name in available_typemaps() if name != hide for p in load_typemap(name).patterns]


def suggest_one(type_code: str | None, type_desc: str | None, *, hide: str | None = None) -> tuple[str, float, str]:
    """Best canonical type for one (code, description): ``(code, score, matched)``.

    Examples
    --------
    >>> suggest_one(None, "WELFARE CHECK")[0]
    'WELFARE'
    """
    from rapidfuzz import fuzz, process

    texts = _corpus(hide)
    choices = [t[0] for t in texts]
    best = ("OTHER", 0.0, "nothing")
    for raw in (type_desc, type_code):
        if not raw:
            continue
        query = expand(raw)
        # token_set alone calls 'ALARM' a perfect match for 'ALARM COMMERCIAL'; token_sort alone
        # misses reordered words with extras: the mean of the two placed the most calls (benchmark).
        scores = (process.cdist([query], choices, scorer=fuzz.token_set_ratio, processor=None)[0].astype(float)
                  + process.cdist([query], choices, scorer=fuzz.token_sort_ratio, processor=None)[0]) / 2
        i = int(scores.argmax())
        if scores[i] > best[1]:
            text, code, where = texts[i]
            best = (code, float(scores[i]), f"{text!r} ({where})")
        if best[1] >= 100:
            break
    if best[1] < 97:
        text = normalize(type_desc) or normalize(type_code) or ""
        for p, name in _patterns(hide):
            if p.compiled.search(text):
                return p.type, 85.0, f"pattern {p.id} ({name})"
    return best


def suggest(unmapped: list[dict], *, hide: str | None = None) -> list[Suggestion]:
    """Suggestions for ``[{type_code, type_desc, calls}]`` (the ``unmapped`` list of :func:`type_coverage`)."""
    out = []
    for row in unmapped:
        code, score, matched = suggest_one(row["type_code"], row["type_desc"], hide=hide)
        out.append(Suggestion(row["type_code"], row["type_desc"], int(row["calls"]), code, round(score, 1), matched))
    return out


def to_yaml(suggestions: list[Suggestion], *, source: str, min_score: float = MIN_SCORE, typemap: TypeMap | None = None) -> str:
    """A ready-to-edit type map: suggestions at or above ``min_score`` as entries, the rest commented out."""
    tax = load_taxonomy()
    lines = [
        f"# Type map for {source}, suggested by `altresponse types --suggest` (largest types first).",
        "# Each line: the source's value: canonical type   # score (0-100) · calls · what it matched.",
        f"# Entries scoring under {min_score:g} are commented out: decide them, then check with",
        f"#   altresponse check THIS_FILE && altresponse types --store STORE --typemap THIS_FILE",
        f"source: {source}",
        f"description: {json.dumps(f'{source} call types (suggested; review each)')}",
        "exact:",
    ]
    if typemap is not None:
        for key, code in typemap.exact.items():
            lines.append(f"  {json.dumps(key)}: {json.dumps(code)}   # already mapped")
    seen: set[str] = set()
    low = []
    for s in suggestions:
        key = normalize(s.type_desc) or normalize(s.type_code)
        if key is None or key in seen:
            continue
        seen.add(key)
        note = f"# {s.score:g} · {s.calls:,} calls · {tax[s.canonical_type].description} · matched {s.matched}"
        entry = f"{json.dumps(s.type_desc or s.type_code)}: {json.dumps(s.canonical_type)}"
        if s.score >= min_score:
            lines.append(f"  {entry}   {note}")
        else:
            low.append(f"  # {entry}   {note}")
    if low:
        lines.append(f"  # --- under {min_score:g}: check these ---")
        lines += low
    if len(lines) == 7:
        lines[-1] = "exact: {}"
    if typemap is not None and typemap.patterns:
        lines.append("patterns:   # kept from the map in use")
        lines += [f"  - {{id: {p.id}, regex: {json.dumps(p.regex)}, type: {json.dumps(p.type)}}}" for p in typemap.patterns]
    return "\n".join(lines) + "\n"
