"""A nightly scan keeps f_ledger and f_shared where it may, and gets the tables a full
rebuild would: the window slides forward, late payments join it, and anything it cannot
follow (fx rates changed, the window moved back) rebuilds."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from sever.config import load
from sever.features import build_features
from sever.warehouse import Warehouse, open_warehouse


def _ledger(wh: Warehouse) -> list[tuple]:
    return wh.rows("test:ledger", "SELECT * FROM f_ledger ORDER BY txn_id")


def _rebuilt(wh: Warehouse, as_of, window_from) -> list[tuple]:
    wh.run("test:forget", "DELETE FROM feature_builds")
    assert build_features(wh, load(), as_of, window_from) == {
        "f_ledger": "full",
        "f_shared": "full",
    }
    return _ledger(wh)


@pytest.fixture
def wh(module_db: Path, tmp_path: Path):
    path = tmp_path / "wh.duckdb"
    path.write_bytes(module_db.read_bytes())
    wh = open_warehouse(path)
    yield wh
    wh.close()


def test_the_window_slides_forward_to_what_a_rebuild_gives(wh: Warehouse) -> None:
    cfg = load()
    last = wh.scalar("test:last", "SELECT max(ts) FROM transactions")
    # Hold back the last day's payments as if they had not arrived yet.
    wh.run("test:hold", "CREATE TABLE held AS SELECT * FROM transactions WHERE ts > ?",
           [last - timedelta(days=1)])  # fmt: skip
    wh.run("test:remove", "DELETE FROM transactions WHERE ts > ?", [last - timedelta(days=1)])
    early = last - timedelta(days=1)
    assert build_features(wh, cfg, early, early - timedelta(days=30))["f_ledger"] == "full"
    assert build_features(wh, cfg, early, early - timedelta(days=30)) == {
        "f_ledger": "slide",  # nothing new: nothing to add or drop
        "f_shared": "kept",
    }
    # The night arrives, with a payment delivered late into the middle of the window.
    late = wh.scalar("test:late", "SELECT min(txn_id) FROM held")
    wh.run("test:back", "INSERT INTO transactions SELECT * REPLACE ('night' AS run_id) FROM held")
    wh.run("test:late_ts", "UPDATE transactions SET ts = ts - INTERVAL 10 DAY WHERE txn_id = ?",
           [late])  # fmt: skip
    how = build_features(wh, cfg, last, last - timedelta(days=30))
    assert how == {"f_ledger": "slide", "f_shared": "kept"}
    slid = _ledger(wh)
    assert any(r[0] == late for r in slid)
    assert slid == _rebuilt(wh, last, last - timedelta(days=30))


def test_what_a_slide_cannot_follow_rebuilds(wh: Warehouse) -> None:
    cfg = load()
    last = wh.scalar("test:last", "SELECT max(ts) FROM transactions")
    build_features(wh, cfg, last, last - timedelta(days=30))
    # The window moved back (a re-run of an earlier night).
    earlier = last - timedelta(days=3)
    assert build_features(wh, cfg, earlier, earlier - timedelta(days=30))["f_ledger"] == "full"
    assert _ledger(wh) == _rebuilt(wh, earlier, earlier - timedelta(days=30))
    # A corrected fx rate changes the USD amounts of the payments already in the table.
    wh.run("test:fx", "UPDATE fx_rates SET usd_rate = usd_rate * 2")
    assert build_features(wh, cfg, last, last - timedelta(days=30))["f_ledger"] == "full"
    # New identifiers rebuild the shared-identifier pairs.
    wh.run(
        "test:ids",
        "INSERT INTO account_identifiers SELECT * REPLACE ('later' AS run_id)"
        " FROM account_identifiers LIMIT 1",
    )
    assert build_features(wh, cfg, last, last - timedelta(days=30))["f_shared"] == "full"
