"""A scored account's evidence (its payments, their span and total) reads the same on every
run over the same ledger: a rerun must not update an alert for nothing."""

from __future__ import annotations

from sever.graph.combine import write_scores
from sever.warehouse import open_warehouse


def test_evidence_total_is_the_same_on_every_run() -> None:
    # Enough payments between one pair that two threads each sum a part of them.
    wh = open_warehouse(None, threads=2, memory_limit=None)
    wh.run(
        "t:ledger",
        "CREATE TABLE f_ledger AS SELECT 'c1' AS sender_id, 'x1' AS receiver_id,"
        " 't' || range AS txn_id, TIMESTAMP '2026-10-01' + to_seconds(range) AS ts,"
        " 0.01 + (hash(range) % 100000) / 97.0 AS amount_usd FROM range(400000)",
    )
    row = {
        "account_id": "x1", "role": "collector", "typology": "financial_sextortion",
        "score": 0.9, "severity": "high", "reasons": ["fan-in"], "detector_ids": ["d"],
        "rule_ids": [], "signal_ids": [], "related_account_ids": ["c1"],
        "evidence": [{"s": "c1", "r": "x1"}], "restricted": False,
    }  # fmt: skip
    totals = set()
    for run in range(4):
        write_scores(wh, f"r{run}", [row])
        totals.add(wh.scalar("t:total", "SELECT total_amount_usd FROM account_scores"
                                        " WHERE run_id = ?", [f"r{run}"]))  # fmt: skip
    wh.close()
    assert len(totals) == 1, totals
