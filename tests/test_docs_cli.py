"""Every CLI command and every option is documented in docs/cli.md (datasette tests its docs)."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer

from altresponse.cli import app

DOC = (Path(__file__).resolve().parents[1] / "docs" / "cli.md").read_text()
COMMANDS = typer.main.get_command(app).commands


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_command_and_its_options_are_documented(name):
    assert f"## altresponse {name}\n" in DOC, f"docs/cli.md has no section for `altresponse {name}`"
    section = DOC.split(f"## altresponse {name}\n", 1)[1].split("\n## ", 1)[0]
    for param in COMMANDS[name].params:
        names = param.opts if param.param_type_name == "option" else [param.name.upper()]
        assert any(n in section for n in names), f"docs/cli.md, {name}: option {names[0]} is not documented"
