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


from . import classify, demo, ingest, plan, quality, report, synth, types  # noqa: E402

for _module in (ingest, quality, synth, types, classify, report, plan, demo):
    _module.register(app)


def main() -> None:
    """Console-script entry point."""
    app()
