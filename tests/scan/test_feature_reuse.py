"""A nightly scan keeps f_ledger, f_edge and f_shared where it may, and gets the tables a
full rebuild would: the window slides forward, late payments join it or the history before
it, and anything it cannot follow (fx rates changed, the window moved back, payments
removed) rebuilds."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from sever.config import load
from sever.features import build_features
from sever.warehouse import Warehouse, open_warehouse

WINDOW = timedelta(days=20)  # the sample's 30 days hold history before it


def _ledger(wh: Warehouse) -> list[tuple]:
    return wh.rows("test:ledger", "SELECT * FROM f_ledger ORDER BY txn_id")


def _edges(wh: Warehouse) -> list[tuple]:
    rows = wh.rows("test:edges", "SELECT * FROM f_edge ORDER BY sender_id, receiver_id")
    # Sums in the order the rows come: the last digits differ between a slide and a rebuild.
    return [tuple(pytest.approx(v, rel=1e-12) if isinstance(v, float) else v for v in r)
            for r in rows]  # fmt: skip


def _rebuilt(wh: Warehouse, as_of, window_from) -> tuple[list[tuple], list[tuple]]:
    wh.run("test:forget", "DELETE FROM feature_builds")
    assert build_features(wh, load(), as_of, window_from) == {
        "f_ledger": "full",
        "f_edge": "full",
        "f_shared": "full",
    }
    return _ledger(wh), _edges(wh)


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
    first = wh.scalar("test:first", "SELECT min(ts) FROM transactions")
    assert first < last - WINDOW - timedelta(days=1)  # the slide drops a day of payments
    # Hold back the last day's payments as if they had not arrived yet.
    wh.run("test:hold", "CREATE TABLE held AS SELECT * FROM transactions WHERE ts > ?",
           [last - timedelta(days=1)])  # fmt: skip
    wh.run("test:remove", "DELETE FROM transactions WHERE ts > ?", [last - timedelta(days=1)])
    early = last - timedelta(days=1)
    assert build_features(wh, cfg, early, early - WINDOW)["f_ledger"] == "full"
    assert build_features(wh, cfg, early, early - WINDOW) == {
        "f_ledger": "slide",  # nothing new: nothing to add or drop
        "f_edge": "slide",
        "f_shared": "kept",
    }
    # A pair paying for the first time in the window...
    payer, payee = wh.rows(
        "test:first", "SELECT sender_id, receiver_id FROM f_edge WHERE first_time"
        " ORDER BY sender_id, receiver_id LIMIT 1",
    )[0]  # fmt: skip
    # ... the night arrives, with a payment delivered late into the middle of the window
    # and one of that pair's delivered late into the history before it.
    late = wh.scalar("test:late", "SELECT min(txn_id) FROM held")
    wh.run("test:back", "INSERT INTO transactions SELECT * REPLACE ('night' AS run_id) FROM held")
    wh.run("test:late_ts", "UPDATE transactions SET ts = ts - INTERVAL 10 DAY WHERE txn_id = ?",
           [late])  # fmt: skip
    wh.run(
        "test:history",
        "INSERT INTO transactions SELECT * REPLACE ('old-1' AS txn_id, ts - INTERVAL 60 DAY AS ts,"
        " 'night' AS run_id) FROM transactions WHERE sender_id = ? AND receiver_id = ? LIMIT 1",
        [payer, payee],
    )
    how = build_features(wh, cfg, last, last - WINDOW)
    assert how == {"f_ledger": "slide", "f_edge": "slide", "f_shared": "kept"}
    slid, edges = _ledger(wh), _edges(wh)
    assert any(r[0] == late for r in slid)
    known = wh.scalar("test:known", "SELECT first_time FROM f_edge WHERE sender_id = ?"
                      " AND receiver_id = ?", [payer, payee])  # fmt: skip
    assert known is False
    assert (slid, edges) == _rebuilt(wh, last, last - WINDOW)


def test_what_a_slide_cannot_follow_rebuilds(wh: Warehouse) -> None:
    cfg = load()
    last = wh.scalar("test:last", "SELECT max(ts) FROM transactions")
    build_features(wh, cfg, last, last - timedelta(days=30))
    # The window moved back (a re-run of an earlier night).
    earlier = last - timedelta(days=3)
    how = build_features(wh, cfg, earlier, earlier - timedelta(days=30))
    assert how["f_ledger"] == how["f_edge"] == "full"
    assert (_ledger(wh), _edges(wh)) == _rebuilt(wh, earlier, earlier - timedelta(days=30))
    # Retention removed payments before the window: the pairs they made known may be new again.
    short = last - timedelta(days=20)
    build_features(wh, cfg, last, short)
    wh.run("test:retention", "DELETE FROM transactions WHERE ts <= ?", [short - timedelta(days=5)])
    assert build_features(wh, cfg, last, short) == {
        "f_ledger": "slide",
        "f_edge": "full",
        "f_shared": "kept",
    }
    assert (_ledger(wh), _edges(wh)) == _rebuilt(wh, last, short)
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
