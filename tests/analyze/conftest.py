"""Fixtures for the analysis tests (helpers live in analyze_fixtures.py)."""

from analyze_fixtures import classified_factory, durham_csv, durham_store  # noqa: F401
