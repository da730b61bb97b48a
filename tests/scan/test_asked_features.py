"""f_in and f_dwell are computed for the accounts the graph stage reads, not for everyone:
the seeds and the candidate graph must be those that both tables for every account give."""

from __future__ import annotations

from pathlib import Path

import pytest

from sever.config import load
from sever.features import asked
from sever.graph import candidates
from sever.warehouse import open_warehouse


@pytest.fixture
def wh(module_db: Path, tmp_path: Path):
    path = tmp_path / "wh.duckdb"
    path.write_bytes(module_db.read_bytes())
    wh = open_warehouse(path)
    yield wh
    wh.close()


def _everyone(wh, cfg, table: str, accounts: str, *, fresh: bool) -> None:
    asked.write_for(wh, cfg, table, "SELECT account_id FROM f_party", fresh=True)


def _count(wh, table: str) -> int:
    return wh.scalar("t", f"SELECT count(*) FROM {table}")


def test_candidates_are_those_the_tables_for_every_account_give(wh, monkeypatch) -> None:
    cfg = load()
    got = candidates.extract(wh, cfg)
    rows = {t: _count(wh, t) for t in asked.FILES}
    monkeypatch.setattr(candidates, "write_for", _everyone)
    full = candidates.extract(wh, cfg)
    assert all(_count(wh, t) > rows[t] for t in asked.FILES)  # fewer accounts were read
    assert got.seeds == full.seeds
    assert any("mule" in why for why in full.seeds.values())  # a gate that reads dwell
    assert got.nodes.keys() == full.nodes.keys() and got.edges == full.edges
    for account, node in full.nodes.items():
        # The same values, but for the order in which DuckDB sums floats (it differs between
        # runs over the same rows too).
        loose = {k: pytest.approx(v, rel=1e-12) if isinstance(v, float) else v
                 for k, v in node.items()}  # fmt: skip
        assert got.nodes[account] == loose, account
    assert any(n["median_dwell_h"] is not None for n in full.nodes.values())
    assert any(n["minor_payers"] for n in full.nodes.values())


def test_degree_counts_every_edge_either_way(wh) -> None:
    # Hubs are kept out of the expansion by degree: taken from the per-account counts, it must
    # be each account's f_edge rows as payer and as payee.
    candidates.extract(wh, load())
    counted = (
        "SELECT account_id, count(*) AS degree FROM (SELECT sender_id AS account_id FROM f_edge"
        " UNION ALL SELECT receiver_id FROM f_edge) AS e GROUP BY account_id"
    )
    assert _count(wh, "g_degree") == _count(wh, f"({counted})") > 0
    assert not wh.rows("t", f"SELECT account_id, degree FROM g_degree EXCEPT {counted}")
