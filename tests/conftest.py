"""Shared test set-up: Hypothesis profiles (a fast `ci` one is the default under CI), and
the bundled sample scanned once per session by the real pipeline (`sample_db`; tests copy
it before changing it: `module_db`, or their own fixtures)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from sever.config import load
from sever.scan.run import scan
from sever.warehouse import open_warehouse

SAMPLE = Path(__file__).parents[1] / "data_samples" / "small"

settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=300, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("sample_scan")
    wh = open_warehouse(root / "wh.duckdb")
    try:
        scan(wh, SAMPLE, root / "out", load())
    finally:
        wh.close()
    return root / "wh.duckdb"


@pytest.fixture(scope="module")
def module_db(sample_db: Path, tmp_path_factory) -> Path:
    """A copy of the scanned sample this test module may change."""
    path = tmp_path_factory.mktemp("sample_copy") / "wh.duckdb"
    shutil.copy(sample_db, path)
    return path
