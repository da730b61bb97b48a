"""Fixtures for the normalisation tests: one in-memory warehouse per test session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sever.warehouse import Warehouse, open_warehouse


@pytest.fixture(scope="session")
def wh() -> Iterator[Warehouse]:
    warehouse = open_warehouse(None, memory_limit="1GB")
    yield warehouse
    warehouse.close()
