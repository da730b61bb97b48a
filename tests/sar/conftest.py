"""Fixtures for cases and SAR drafts.

- `wh`: each test's own copy of `sample_db` (tests/conftest.py: the bundled sample scanned
  once per session), so tests can open, draft and file cases freely.
- `ring`: alert ids of one planted sextortion ring in that scan (collector, its mule,
  and one of its victims), found by query rather than hard-coded.
- `institution`, `detection`: the example institution config and the detection config.

Synthetic cases (200 victims, 5,000 transactions; currency errors) are built by
`sar_synthetic.py` in the tests that need them.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from sever.config import load
from sever.sar.config import InstitutionConfig, load_institution
from sever.warehouse import Warehouse, open_warehouse

ROOT = Path(__file__).parents[2]
SAMPLE = ROOT / "data_samples" / "small"
INSTITUTION = ROOT / "src" / "sever" / "config" / "institution.example.yaml"


@pytest.fixture
def wh_path(sample_db: Path, tmp_path: Path) -> Path:
    path = tmp_path / "wh.duckdb"
    shutil.copy(sample_db, path)
    return path


@pytest.fixture
def wh(wh_path: Path) -> Iterator[Warehouse]:
    warehouse = open_warehouse(wh_path, memory_limit=None)
    yield warehouse
    warehouse.close()


@pytest.fixture(scope="session")
def institution() -> InstitutionConfig:
    return load_institution(INSTITUTION)


@pytest.fixture(scope="session")
def detection():
    return load()


@pytest.fixture
def ring(wh: Warehouse) -> dict[str, str]:
    from sar_synthetic import find_ring

    return find_ring(wh)
