"""Tiny in-memory warehouses with hand-written `account_scores` rows for the alerts stage.

Everything is offered as fixtures so test modules import nothing from here.
Default evidence is dated 2024-05-01 10:00 UTC.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime

import pytest

from sever.warehouse import Warehouse, open_warehouse

T0 = datetime(2024, 5, 1, 10, 0)


@pytest.fixture
def wh() -> Iterator[Warehouse]:
    warehouse = open_warehouse(None, memory_limit=None)
    yield warehouse
    warehouse.close()


def insert_score(
    wh: Warehouse,
    run_id: str,
    account_id: str,
    *,
    typology: str = "financial_sextortion",
    role: str = "collector",
    score: float = 0.8,
    severity: str = "high",
    reasons: Sequence[str] = ("fan-in from 5 first-time senders within 48h",),
    rule_ids: Sequence[str] = ("fan_in_new_senders@1",),
    signal_ids: Sequence[str] = (),
    related: Sequence[str] = (),
    txn_ids: Sequence[str] = ("t1",),
    first_seen: datetime | None = T0,
    last_seen: datetime | None = T0,
    total_amount_usd: float | None = 500.0,
    restricted: bool = False,
) -> None:
    """One combiner output row, as detection would write it."""
    wh.run(
        "test:insert_score",
        "INSERT INTO account_scores VALUES"
        " (?, ?, ?, ?, ?, ?, ?, ['graph'], ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            run_id,
            account_id,
            role,
            typology,
            score,
            severity,
            list(reasons),
            list(rule_ids),
            list(signal_ids),
            list(related),
            list(txn_ids),
            first_seen,
            last_seen,
            total_amount_usd,
            restricted,
        ],
    )


@pytest.fixture
def score(wh: Warehouse) -> Callable[..., None]:
    """`score(run_id, account_id, **fields)` inserts one `account_scores` row."""
    return lambda run_id, account_id, **fields: insert_score(wh, run_id, account_id, **fields)


@pytest.fixture
def txn(wh: Warehouse) -> Callable[[str, datetime], None]:
    """`txn(txn_id, ts)` inserts a ledger transaction (only its time matters here)."""

    def insert(txn_id: str, ts: datetime) -> None:
        wh.run(
            "test:insert_txn",
            "INSERT INTO transactions (txn_id, ts, sender_id, receiver_id, amount, currency,"
            " channel, status, source_file, run_id)"
            " VALUES (?, ?, 'v1', 'c1', 100, 'USD', 'p2p', 'completed', 'f', 'i')",
            [txn_id, ts],
        )

    return insert


@pytest.fixture
def dump(wh: Warehouse) -> Callable[[], dict[str, list[tuple]]]:
    """The three alert tables, deterministically ordered, for before/after comparisons."""

    def read() -> dict[str, list[tuple]]:
        names = ("alerts", "alert_history", "alert_audit")
        return {n: sorted(wh.rows("test:dump", f"SELECT * FROM {n}"), key=repr) for n in names}

    return read
