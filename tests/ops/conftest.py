"""Shared set-up for the operations tests: one generated delivery; no job left stopping."""

from __future__ import annotations

from pathlib import Path

import pytest

from sever.ops import runner
from sever.sample.generator import generate


@pytest.fixture(scope="session")
def delivery(tmp_path_factory) -> Path:
    """600 accounts over 10 days (2026-10-01..10), every scheme planted."""
    out = tmp_path_factory.mktemp("delivery")
    generate(out, 600, 10, 5, "csv")
    return out


@pytest.fixture(autouse=True)
def _not_stopping():
    runner.STOP.clear()
    yield
    runner.STOP.clear()
