"""The CLI frame: commands registered, one-line errors, exit codes."""

from __future__ import annotations

from typer.testing import CliRunner

from altresponse import __version__
from altresponse.cli import app
from altresponse.errors import AdapterError, AltresponseError, InputError, ProgramError

runner = CliRunner()


def test_version_prints_package_version():
    result = runner.invoke(app, ["version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == __version__


def test_error_classes_carry_builtin_bases_and_exit_codes():
    assert issubclass(ProgramError, ValueError) and ProgramError.exit_code == 2
    assert issubclass(AdapterError, AltresponseError) and AdapterError.exit_code == 2
    assert issubclass(InputError, OSError) and InputError.exit_code == 3


def test_unexpected_failures_are_one_line_with_exit_3(tmp_path):
    # A store whose calls table is not parquet: the engine fails, the user sees one line.
    (tmp_path / "calls").mkdir()
    (tmp_path / "calls" / "part.parquet").write_text("not parquet")
    result = runner.invoke(app, ["quality", "--store", str(tmp_path)])
    assert result.exit_code == 3
    assert "Traceback" not in result.output
    assert "error:" in result.output
