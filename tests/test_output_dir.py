"""The report and the compare page make their output folder the same way (layout.output_dir)."""

from __future__ import annotations

import pytest

from altresponse.compare import write_compare
from altresponse.errors import InputError
from altresponse.layout import output_dir
from altresponse.report import write_report


def test_made_when_missing(tmp_path):
    out = output_dir(tmp_path / "a" / "b")
    assert out.is_dir() and out == tmp_path / "a" / "b"


@pytest.mark.parametrize("write", [lambda out: write_compare({}, out), lambda out: write_report({}, out), output_dir])
def test_a_folder_that_cannot_be_made_is_one_input_error_naming_it(tmp_path, write):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(InputError, match=r"/file/out: cannot create the output directory \(Not a directory\)$"):
        write(blocker / "out")
