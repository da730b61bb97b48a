"""Block-list fixtures: the hand-built world in a fresh warehouse, a config, keys."""

from __future__ import annotations

from pathlib import Path

import pytest
from blocklist_world import build, world

from sever.blocklist import keys
from sever.blocklist.config import BlocklistConfig
from sever.blocklist.config import load as load_config
from sever.warehouse import Warehouse, open_warehouse


@pytest.fixture
def wh() -> Warehouse:
    warehouse = open_warehouse(None)
    build(warehouse, world())
    yield warehouse
    warehouse.close()


@pytest.fixture
def cfg() -> BlocklistConfig:
    """The bundled config plus a raw recipient with every export."""
    data = load_config().model_dump()
    data["recipients"] = [
        {"name": "screener", "identifiers": "hashed", "exports": ["csv", "stripe"]},
        {
            "name": "acquirer",
            "identifiers": "raw",
            "exports": ["csv", "stripe", "adyen"],
            "adyen_merchant_account": "TestMerchant",
        },
    ]
    return BlocklistConfig.model_validate(data)


@pytest.fixture
def dirs(tmp_path: Path, cfg: BlocklistConfig) -> dict[str, Path]:
    d = {"keys": tmp_path / "keys", "releases": tmp_path / "releases"}
    keys.init(cfg, d["keys"])
    return d
