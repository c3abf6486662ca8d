"""The analysis behind a program: one module per report section.

Each section is a pure function over Ibis tables returning a section dict (see
``_common.section``): a plain-language ``headline`` computed from the data, ``findings``,
``numbers`` and ``tables`` (pandas DataFrames of engine aggregates), or
``{"available": False, "why": ...}`` when the data cannot support it.

Sections run many queries over their input. Over a lazy expression (``classify(...)`` not yet
computed) every query would re-run the whole classification (6–25 s each on Durham's 4k calls
here), so :func:`analyze` materialises a lazy input once (:func:`materialize`); call
``materialize`` (or Ibis ``.cache()``) yourself before calling sections one by one.
"""

from __future__ import annotations

from typing import Any

from .coverage import coverage
from .frequency import frequency
from .location import location
from .response_time import response_time
from .risk import risk
from .use_of_force import use_of_force
from .volume import volume
from .workload import workload

SECTIONS = ("volume", "frequency", "location", "risk", "response_time", "workload", "use_of_force", "coverage")


def materialize(table):
    """``table`` computed once on its engine (``.cache()``), unless it already is a stored table.

    A table read from parquet (``store.read_table``) or already cached is returned as is: copying
    it would only cost memory.
    """
    import ibis.expr.operations as ops

    if isinstance(table.op(), ops.PhysicalTable):
        return table
    return table.cache()


def analyze(classified, *, force=None) -> dict[str, dict[str, Any]]:
    """Run every section over a classified table (and optional force table), in report order.

    A lazy ``classified`` expression is materialised once first (:func:`materialize`).
    """
    classified = materialize(classified)
    return {
        "volume": volume(classified),
        "frequency": frequency(classified),
        "location": location(classified),
        "risk": risk(classified),
        "response_time": response_time(classified),
        "workload": workload(classified),
        "use_of_force": use_of_force(classified, force),
        "coverage": coverage(classified),
    }


__all__ = ["SECTIONS", "analyze", "materialize", "coverage", "frequency", "location", "response_time", "risk", "use_of_force", "volume", "workload"]
