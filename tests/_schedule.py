"""The order test modules reach the two xdist workers: heaviest first.

With ``--dist loadscope`` each module goes whole to one worker, handed out one at a time in the
order of the queue, so the run ends when the busier worker ends. xdist's own order (most tests
first) left one-test modules that take a minute (the Spark cluster, the fuzzers, the pipeline
benchmark) to the end, where one worker ran them while the other sat idle: three quiet runs of
the same tree took 364, 482 and 532 s. Heaviest first (longest-processing-time scheduling) leaves
only small modules for the end. The suite runs with ``--no-loadscope-reorder`` so xdist keeps
this order; within a module the order is unchanged.

``SECONDS`` are per-module sums of the junit ``time`` of one full run (setup, call and teardown;
wall seconds, which count the time a module waits on Spark's JVMs, Chromium or PostgreSQL; from a
fresh-clone ``.ci/run`` with PostgreSQL on a quiet 2-core machine; only their order matters). A module not listed counts
as light and keeps its place after the listed ones. Regenerate after a module grows a lot::

    .venv/bin/python -m pytest --junitxml=run.xml && .venv/bin/python tests/_schedule.py run.xml
"""

from __future__ import annotations

import sys

SECONDS = {
    "tests/publish/test_pages_browser.py": 60,
    "tests/test_engines.py": 54,
    "tests/serve/test_serve_lean.py": 48,
    "tests/test_programs_shipped.py": 39,
    "tests/test_spark_cluster.py": 34,
    "tests/evaluate/test_planted.py": 20,
    "tests/test_newcity_items.py": 19,
    "tests/serve/test_serve_input.py": 18,
    "tests/serve/test_serve_kill.py": 17,
    "tests/serve/test_serve_pages.py": 17,
    "tests/test_report_real.py": 17,
    "tests/test_benchmark_pipeline.py": 16,
    "tests/test_ingest_timestamps.py": 16,
    "tests/test_rules.py": 15,
    "tests/serve/test_serve_triage.py": 14,
    "tests/test_demo.py": 14,
    "tests/evaluate/test_cli_evaluate.py": 12,
    "tests/test_synth.py": 12,
    "tests/serve/test_serve_followups.py": 11,
    "tests/test_check_fuzz.py": 11,
    "tests/test_adapter_draft.py": 10,
    "tests/test_report.py": 10,
}


def module_of(nodeid: str) -> str:
    """``tests/x.py`` of ``tests/x.py::test_y[param]``."""
    return nodeid.split("::", 1)[0]


def heaviest_first(items: list) -> list:
    """``items`` (pytest items) with their modules in descending ``SECONDS``; a stable sort, so
    tests keep their order inside a module and unlisted modules keep theirs."""
    return sorted(items, key=lambda item: -SECONDS.get(module_of(item.nodeid), 0))


def seconds_from_junit(path: str, floor: float = 10.0) -> dict[str, int]:
    """Per-module seconds from a junit XML (the modules at or above ``floor``), heaviest first."""
    import xml.etree.ElementTree as ET
    from collections import Counter

    total: Counter = Counter()
    for case in ET.parse(path).iter("testcase"):
        total[case.get("classname").replace(".", "/") + ".py"] += float(case.get("time") or 0)
    return {name: round(s) for name, s in total.most_common() if s >= floor}


if __name__ == "__main__":
    for name, s in seconds_from_junit(sys.argv[1]).items():
        print(f'    "{name}": {s},')
