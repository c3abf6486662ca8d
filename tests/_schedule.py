"""The order test modules reach the two xdist workers: heaviest first.

With ``--dist loadscope`` each module goes whole to one worker, handed out one at a time in the
order of the queue, so the run ends when the busier worker ends. xdist's own order (most tests
first) left one-test modules that take a minute (the Spark cluster, the fuzzers, the pipeline
benchmark) to the end, where one worker ran them while the other sat idle: three quiet runs of
the same tree took 364, 482 and 532 s. Heaviest first (longest-processing-time scheduling) leaves
only small modules for the end. The suite runs with ``--no-loadscope-reorder`` so xdist keeps
this order; within a module the order is unchanged.

``SECONDS`` are per-module sums of the junit ``time`` of one full run (setup, call and teardown;
wall seconds, which count the time a module waits on Spark's JVMs, Chromium or PostgreSQL; measured
with the load average at ~5 on 2 cores, so only their order matters). A module not listed counts
as light and keeps its place after the listed ones. Regenerate after a module grows a lot::

    .venv/bin/python -m pytest --junitxml=run.xml && .venv/bin/python tests/_schedule.py run.xml
"""

from __future__ import annotations

import sys

SECONDS = {
    "tests/test_engines.py": 160,
    "tests/test_cli_plan.py": 135,
    "tests/publish/test_pages_browser.py": 96,
    "tests/test_spark_cluster.py": 88,
    "tests/test_programs_shipped.py": 77,
    "tests/evaluate/test_planted.py": 75,
    "tests/evaluate/test_cli_evaluate.py": 61,
    "tests/serve/test_serve_triage.py": 32,
    "tests/test_benchmark_pipeline.py": 32,
    "tests/test_newcity_items.py": 27,
    "tests/serve/test_serve_followups.py": 27,
    "tests/test_demo.py": 25,
    "tests/test_report.py": 24,
    "tests/test_rules.py": 23,
    "tests/serve/test_serve_pages.py": 23,
    "tests/test_report_real.py": 23,
    "tests/test_classify.py": 20,
    "tests/serve/test_serve_input.py": 20,
    "tests/test_adapter_draft.py": 19,
    "tests/test_check.py": 19,
    "tests/publish/test_suppress.py": 18,
    "tests/serve/test_serve_kill.py": 18,
    "tests/evaluate/test_panel_denver.py": 16,
    "tests/publish/test_site.py": 16,
    "tests/serve/test_serve_fuzz.py": 15,
    "tests/test_report_planning.py": 15,
    "tests/serve/test_serve_auth.py": 15,
    "tests/test_new_city_walkthrough.py": 14,
    "tests/adapters/test_house_numbers_denver.py": 14,
    "tests/serve/test_serve_premises.py": 13,
    "tests/test_ingest_timestamps.py": 13,
    "tests/serve/test_serve_outcomes.py": 13,
    "tests/test_classify_stored.py": 12,
    "tests/test_check_fuzz.py": 11,
    "tests/test_typemap.py": 11,
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
