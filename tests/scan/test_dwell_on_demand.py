"""Dwell is computed for the accounts the graph stage reads, not for everyone: the seeds and
the candidate graph it yields must be those that dwell for every account gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from sever.config import load
from sever.features import dwell
from sever.graph import candidates
from sever.warehouse import open_warehouse


@pytest.fixture
def wh(module_db: Path, tmp_path: Path):
    path = tmp_path / "wh.duckdb"
    path.write_bytes(module_db.read_bytes())
    wh = open_warehouse(path)
    yield wh
    wh.close()


def _everyone(wh, cfg, accounts: str, *, fresh: bool) -> None:
    dwell.write_dwell(wh, cfg, "SELECT account_id FROM f_party", fresh=True)


def test_candidates_are_those_dwell_for_every_account_gives(wh, monkeypatch) -> None:
    cfg = load()
    asked = candidates.extract(wh, cfg)
    asked_rows = wh.scalar("t", "SELECT count(*) FROM f_dwell")
    monkeypatch.setattr(candidates, "write_dwell", _everyone)
    full = candidates.extract(wh, cfg)
    assert wh.scalar("t", "SELECT count(*) FROM f_dwell") > asked_rows  # fewer were sorted
    assert asked.seeds == full.seeds
    assert any("mule" in why for why in full.seeds.values())  # a gate that reads dwell
    assert asked.nodes == full.nodes and asked.edges == full.edges
    assert any(n["median_dwell_h"] is not None for n in full.nodes.values())
