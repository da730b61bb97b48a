"""Per-account features on a hand-built ledger: what a mule detector and a consumer detector
read must count exactly, at the edges of their windows too."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from sever.config import load
from sever.features import build_features
from sever.features.asked import write_for
from sever.warehouse import Warehouse, open_warehouse

T0 = datetime(2026, 10, 10, 12, 0, 0)


@pytest.fixture
def wh():
    wh = open_warehouse(None, threads=1, memory_limit=None)
    for acct, country in (("m", "US"), ("p1", "US"), ("p2", "US"), ("p3", "US"),
                          ("r1", "PH"), ("r2", "PH"), ("c", "US")):  # fmt: skip
        wh.run(
            "test:account",
            "INSERT INTO accounts VALUES (?, TIMESTAMP '2025-01-01', 'individual',"
            " DATE '1990-01-01', ?, NULL, 'full', NULL, 'a.csv', 'r', now()::TIMESTAMP)",
            [acct, country],
        )
    yield wh
    wh.close()


def _pay(wh: Warehouse, txn: str, ts: datetime, sender: str, receiver: str, usd: float,
         channel: str = "p2p", to_country: str = "US") -> None:  # fmt: skip
    wh.run(
        "test:txn",
        "INSERT INTO transactions VALUES (?, ?, NULL, ?, ?, ?, 'USD', ?, 'completed', NULL,"
        " 'US', ?, NULL, NULL, 't.csv', 'r')",
        [txn, ts, sender, receiver, usd, channel, to_country],
    )


def _row(wh: Warehouse, table: str, account: str) -> dict:
    found = wh.records("test:row", f"SELECT * FROM {table} WHERE account_id = ?", [account])
    assert len(found) == 1, found
    return found[0]


def test_pass_through_counts_money_that_arrived_within_the_24_hours_before(wh) -> None:
    day = timedelta(hours=24)
    _pay(wh, "i1", T0 - day - timedelta(seconds=1), "p1", "m", 100.0)  # just over 24 h before
    _pay(wh, "i2", T0 - day, "p2", "m", 40.0)  # exactly 24 h before: counted
    _pay(wh, "i3", T0, "p3", "m", 25.0)  # the same instant as the payment out: counted
    _pay(wh, "o1", T0, "m", "c", 500.0)
    _pay(wh, "o2", T0 + timedelta(hours=2), "m", "c", 10.0, channel="card")  # shopping
    build_features(wh, load(), T0 + day, T0 - timedelta(days=30))
    write_for(wh, load(), "f_dwell", "SELECT 'm' AS account_id", fresh=True)
    dwell = _row(wh, "f_dwell", "m")
    assert dwell["out_fwd_24h"] == pytest.approx(65.0)  # 40 + 25, capped by nothing
    assert dwell["median_dwell_h"] == pytest.approx(0.0)  # the latest inbound: same instant


def test_distinct_payees_and_days_count_each_once(wh) -> None:
    # Payees paid more than once, small remittances to PH on three days, one large one.
    _pay(wh, "s1", T0, "c", "r1", 20.0, "remittance", "PH")
    _pay(wh, "s2", T0 + timedelta(hours=1), "c", "r1", 30.0, "remittance", "PH")
    _pay(wh, "s3", T0 + timedelta(days=1), "c", "r2", 25.0, "remittance", "PH")
    _pay(wh, "s4", T0 + timedelta(days=2), "c", "r2", 900.0, "remittance", "PH")  # not small
    _pay(wh, "s5", T0 + timedelta(days=2), "c", "p1", 10.0)
    _pay(wh, "s6", T0 + timedelta(days=3), "c", "p1", 15.0)
    _pay(wh, "s7", T0 + timedelta(days=3), "r1", "p1", 15.0)
    _pay(wh, "s8", T0 + timedelta(days=3, hours=1), "c", "r2", 5.0, "remittance", "PH")
    build_features(wh, load(), T0 + timedelta(days=4), T0 - timedelta(days=30))
    out = _row(wh, "f_out", "c")
    assert (out["out_n"], out["out_receivers"]) == (7, 3)
    assert (out["small_concern_n"], out["small_concern_receivers"]) == (4, 2)
    assert out["small_concern_days"] == 3
    assert _row(wh, "f_out", "r1")["small_concern_receivers"] == 0  # r1 paid nobody in PH
