"""The ``altresponse`` command line: one sub-command per verb.

Each verb's commands live in their own module here and register themselves on the
shared ``app``. Progress and tables go to stderr; ``--json`` prints one document to
stdout. Exit codes: 0 ok; 1 the run worked but found problems; 2 usage or config
error; 3 engine or I/O failure.
"""

from __future__ import annotations

import typer

app = typer.Typer(
    name="altresponse",
    help="Decide which 911 calls can get a care-first response, plan teams, and show whether it worked.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)



@app.callback()
def _root() -> None:
    """altresponse: care-first 911 response analysis, planning and evaluation."""


# One module per verb, registered in the order `altresponse --help` lists them.
from . import (  # noqa: E402
    adapter,
    check,
    classify,
    compare,
    db,
    demo,
    evaluate,
    followups,
    ingest,
    keys,
    plan,
    publish,
    quality,
    report,
    serve,
    simulate,
    synth,
    types,
)

for _module in (
    ingest, quality, adapter, types, check, classify, report, plan, simulate,
    evaluate, compare, publish, serve, db, keys, followups, synth, demo,
):
    _module.register(app)


def main() -> None:
    """Console-script entry point."""
    app()
