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


from . import check, classify, demo, ingest, plan, report, synth, types  # noqa: E402

for _module in (ingest, synth, types, classify, report, plan, demo, check):
    _module.register(app)

from . import compare  # noqa: E402

compare.register(app)
from . import adapter as _adapter_cli  # noqa: E402

_adapter_cli.register(app)
from . import simulate as _simulate  # noqa: E402

_simulate.register(app)
from . import publish as _publish  # noqa: E402

_publish.register(app)
from . import db, followups, keys, serve  # noqa: E402

for _module in (serve, db, keys, followups):
    _module.register(app)

from . import evaluate as _evaluate  # noqa: E402

_evaluate.register(app)


def main() -> None:
    """Console-script entry point."""
    app()
