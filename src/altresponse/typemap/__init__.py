"""Map each source's call types onto the canonical taxonomy (``taxonomy.py``).

A type map is data: ``typemaps/<source>.yaml`` with

* ``exact``: source value -> canonical code. Tried on the call's ``type_code`` first,
  then on its ``type_desc``.
* ``patterns``: an ordered list of ``{id, regex, type}``. The first regex that matches the
  description (or the code, when a call has no description) wins.

Anything else gets ``UNKNOWN``. Before matching, values are *normalised*: ASCII letters
upper-cased, runs of whitespace made one space, ends trimmed, empty made null. Exact keys
in the YAML are normalised the same way, so ``Welfare Check`` matches ``WELFARE  CHECK``.
Each call records the rule that typed it: ``<source>.exact:<KEY>``,
``<source>.pattern:<id>`` or ``<source>.unmapped``.

Two evaluators give the same answer (a hypothesis test holds them to it):
:func:`map_types` builds one Ibis expression (joins and ``re_search`` on the engine) and
:meth:`TypeMap.map_one` is plain Python for one call at a time.

One job per file: ``lookup.py`` (normalising, :class:`TypeMap` and its one-call
evaluator), ``load.py`` (reading and checking a map file), ``portable.py`` (whether a regex
reads the same in Python and RE2, asked of both), ``table.py`` (:func:`map_types`, the Ibis
form), ``coverage.py`` (:func:`type_coverage`). Import from ``altresponse.typemap``.

Regexes must use the syntax both Python ``re`` and RE2 (DuckDB, Spark's Java regex is a
superset for these) read the same way: no look-around, no back-references (each dialect is asked when a
map loads, ``portable.py``). They run on the
normalised text, so letters are written in upper case. Python compiles them with
``re.ASCII`` so ``\\b`` and ``\\w`` mean what RE2 means.

Examples
--------
>>> tm = load_typemap("durham")
>>> tm.map_one("TRESPASS OR UNWANTED", None)
('TRESPASS', 'durham.exact:TRESPASS OR UNWANTED')
>>> import ibis
>>> calls = ibis.memtable({"type_code": ["CRISIS", None], "type_desc": ["CRISIS", "no such type"]})
>>> out = map_types(calls, tm).order_by("type_rule").execute()
>>> out[["canonical_type", "category", "type_rule"]].values.tolist()
[['EDP', 'behavioral_health', 'durham.exact:CRISIS'], ['UNKNOWN', 'other', 'durham.unmapped']]
"""

from .coverage import type_coverage
from .load import adapter_typemap_file, available_typemaps, load_typemap, typemap_for_source, typemap_from_yaml
from .lookup import Pattern, TypeMap, normalize
from .table import OUTPUT_COLUMNS, map_types

__all__ = [
    "OUTPUT_COLUMNS",
    "Pattern",
    "TypeMap",
    "adapter_typemap_file",
    "available_typemaps",
    "load_typemap",
    "map_types",
    "normalize",
    "type_coverage",
    "typemap_for_source",
    "typemap_from_yaml",
]
