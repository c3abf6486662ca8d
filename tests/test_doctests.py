"""The Examples in our docstrings run and stay true (numpydoc examples as doctests)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import altresponse

MODULES = sorted(m.name for m in pkgutil.walk_packages(altresponse.__path__, "altresponse."))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.failed == 0, f"{name}: {result.failed} of {result.attempted} docstring examples failed"
