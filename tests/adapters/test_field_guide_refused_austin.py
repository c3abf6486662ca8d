"""Austin: apd_r2r_field_guide_2018.csv sits beside the data but is a free-text data
dictionary. Passing it to the CLI fails clearly (exit 2) and loads nothing."""

from __future__ import annotations

from typer.testing import CliRunner

from altresponse.cli import app


def test_cli_refuses_the_field_guide(real_dir, tmp_path):
    guide = real_dir / "austin/apd_r2r_field_guide_2018.csv"
    result = CliRunner().invoke(app, ["ingest", str(guide), "--adapter", "austin_force", "--store", str(tmp_path)])
    assert result.exit_code == 2
    out = result.output
    assert "apd_r2r_field_guide_2018.csv" in out
    assert "none of adapter austin_force's columns are in the header" in out
    assert not list((tmp_path / "force").glob("*.parquet"))
