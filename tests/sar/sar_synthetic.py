"""Test helpers: synthetic cases inserted straight into a warehouse, and the sample's ring.

`build_big_case`: one sextortion ring with 200 minor victims and 5,000 transactions
(4,000 victim payments, 600 transfers to a mule, 400 remittances to Nigeria), shared
identifiers, a signal with a CyberTipline report id and a restricted (minor_perpetrator)
signal. `build_small_case`: a collector paid in the given currencies, for error cases.
`find_ring`: alert ids of one planted ring in the scanned sample, found by query.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sever.warehouse import Warehouse

T0 = datetime(2026, 3, 1, 20, 0)
CREATED = datetime(2026, 4, 1, 9, 0)
N_VICTIMS, PAYMENTS_EACH, TO_MULE, ABROAD = 200, 20, 600, 400
BIG_ALERTS = ("AL-big-collector", "AL-big-mule", "AL-big-victim")
RESTRICTED_SIGNAL = "sig-minor-perp"


def insert_alert(
    wh: Warehouse,
    alert_id: str,
    subject: str,
    role: str,
    txn_ids: Sequence[str],
    *,
    typology: str = "financial_sextortion",
    related: Sequence[str] = (),
    signal_ids: Sequence[str] = (),
    reasons: Sequence[str] = ("synthetic evidence",),
    restricted: bool = False,
    created_at: datetime = CREATED,
) -> None:
    wh.run(
        "t:alert",
        "INSERT INTO alerts VALUES (?, ?, ?, ?, 0.9, 'critical', ?, ['graph'], [], ?, ?, ?,"
        " ?, ?, 100.0, ?, 'new', ?, NULL, 'r1', 'r1', ?, ?, ?)",
        [alert_id, subject, role, typology, list(reasons), list(signal_ids), list(related),
         list(txn_ids), T0, T0, restricted, T0, created_at, created_at, created_at],
    )  # fmt: skip


def _accounts(wh: Warehouse) -> None:
    wh.run(
        "t:accounts",
        "INSERT INTO accounts SELECT * FROM (VALUES"
        " ('col_1', TIMESTAMP '2026-02-20', 'individual', NULL::DATE, 'US', 'Jordan Rivers',"
        "  'none', NULL::TIMESTAMP, 'f', 'i', TIMESTAMP '2026-04-01'),"
        " ('mule_1', TIMESTAMP '2024-01-05', 'individual', DATE '1990-05-17', 'US',"
        "  'Casey Stone', 'basic', NULL, 'f', 'i', TIMESTAMP '2026-04-01'),"
        " ('ext_ng_1', TIMESTAMP '2025-01-01', 'external', NULL, 'NG', NULL, NULL, NULL, 'f', 'i',"
        "  TIMESTAMP '2026-04-01'))",
    )
    wh.run(
        "t:victims",
        "INSERT INTO accounts SELECT printf('vic_%03d', i), TIMESTAMP '2025-06-01', 'individual',"
        " DATE '2010-01-01' + CAST(i * 3 AS INTEGER), 'US', 'Victim Name ' || i, 'basic', NULL,"
        " 'f', 'i', TIMESTAMP '2026-04-01' FROM range(1, ? + 1) t(i)",
        [N_VICTIMS],
    )


def _ledger(wh: Warehouse) -> None:
    cols = (
        "txn_id, ts, sender_id, receiver_id, amount, currency, channel, status, memo,"
        " sender_country, receiver_country, device_id, ip, source_file, run_id"
    )
    wh.run(
        "t:victim_payments",
        f"INSERT INTO transactions ({cols}) SELECT printf('v%03d-%02d', v, k),"
        " ? + to_minutes(CAST(v * 60 + k * 13 AS BIGINT)), printf('vic_%03d', v), 'col_1',"
        " 10 + k * 5, 'USD', CASE WHEN k % 5 = 4 THEN 'gift_card' ELSE 'p2p' END, 'completed',"
        " CASE WHEN k % 3 = 0 THEN 'please delete' END, 'US', 'US', 'victim-device',"
        " printf('10.0.%d.%d', v % 250, k), 'f', 'i'"
        " FROM range(1, ? + 1) a(v), range(0, ?) b(k)",
        [T0, N_VICTIMS, PAYMENTS_EACH],
    )
    wh.run(
        "t:to_mule",
        f"INSERT INTO transactions ({cols}) SELECT printf('m%04d', i),"
        " ? + to_minutes(CAST(i * 20 + 7 AS BIGINT)), 'col_1', 'mule_1', 150, 'USD', 'p2p',"
        " 'completed', NULL, 'US', 'US', 'dev-op-1', '203.0.113.7', 'f', 'i' FROM range(0, ?) t(i)",
        [T0, TO_MULE],
    )
    wh.run(
        "t:abroad",
        f"INSERT INTO transactions ({cols}) SELECT printf('x%04d', i),"
        " ? + to_minutes(CAST(i * 30 + 11 AS BIGINT)), 'mule_1', 'ext_ng_1', 200, 'USD',"
        " 'remittance', 'completed', 'family support', 'US', 'NG', 'dev-op-1', '203.0.113.8',"
        " 'f', 'i' FROM range(0, ?) t(i)",
        [T0, ABROAD],
    )


def _identifiers_and_signals(wh: Warehouse) -> None:
    wh.run(
        "t:identifiers",
        "INSERT INTO account_identifiers (account_id, id_type, value_raw, value_norm, valid,"
        " platform, source_file, run_id) VALUES"
        " ('col_1', 'email', 'Jordan.Rivers@example.com', 'jordan.rivers@example.com', true, '',"
        "  'f', 'i'),"
        " ('col_1', 'phone', '+1 555 555 0123', '+15555550123', true, '', 'f', 'i'),"
        " ('col_1', 'username', 'rivers_x', 'rivers_x', true, 'instagram', 'f', 'i'),"
        " ('col_1', 'device_id', 'dev-op-1', 'dev-op-1', true, '', 'f', 'i'),"
        " ('mule_1', 'email', 'casey@example.com', 'casey@example.com', true, '', 'f', 'i'),"
        " ('mule_1', 'url', 'https://casey.example', 'casey.example', true, '', 'f', 'i'),"
        " ('mule_1', 'device_id', 'dev-op-1', 'dev-op-1', true, '', 'f', 'i')",
    )
    wh.run(
        "t:signals",
        "INSERT INTO signals VALUES"
        " ('sig-1', 'IP_ADDRESS', 'ip', '203.0.113.7', true, 'platform_a', 'MALICIOUS', 90, '',"
        "  TIMESTAMP '2026-02-01', NULL, NULL, false, 'f', 'i'),"
        " (?, 'USERNAME', 'username', 'rivers_x', true, 'platform_b', 'MALICIOUS', 80,"
        "  'instagram', TIMESTAMP '2026-02-01', NULL, NULL, true, 'f', 'i')",
        [RESTRICTED_SIGNAL],
    )
    wh.run(
        "t:tags",
        "INSERT INTO signal_tags VALUES ('sig-1', 'sextortion', 'harm', 'sextortion'),"
        " ('sig-1', 'report_id:12345678', 'report_id', '12345678'),"
        " (?, 'minor_perpetrator', 'flag', 'minor_perpetrator')",
        [RESTRICTED_SIGNAL],
    )
    wh.run(
        "t:hits",
        "INSERT INTO signal_hits VALUES"
        " ('col_1', 'sig-1', 'ip', 'platform_a', 'financial_sextortion', 0.7, false, '12345678'),"
        " ('col_1', ?, 'username', 'platform_b', 'financial_sextortion', 0.6, true, NULL)",
        [RESTRICTED_SIGNAL],
    )


def build_big_case(wh: Warehouse) -> None:
    _accounts(wh)
    _ledger(wh)
    _identifiers_and_signals(wh)
    ids = lambda prefix: [  # noqa: E731
        t
        for (t,) in wh.rows(
            "t:ids", "SELECT txn_id FROM transactions WHERE txn_id LIKE ?", [prefix]
        )
    ]
    victims = [f"vic_{i:03d}" for i in range(1, N_VICTIMS + 1)]
    insert_alert(wh, BIG_ALERTS[0], "col_1", "collector", ids("v%") + ids("m%"),
                 related=[*victims, "mule_1"], signal_ids=["sig-1", RESTRICTED_SIGNAL],
                 reasons=["received 4,000 payments from 200 payers, 200 of them minors",
                          "shared signals matched: 2 from 2 owner(s)"])  # fmt: skip
    insert_alert(wh, BIG_ALERTS[1], "mule_1", "mule", ids("m%") + ids("x%"), related=["col_1"],
                 reasons=["passed 100% of inflow on to NG within hours"])  # fmt: skip
    insert_alert(wh, BIG_ALERTS[2], "vic_001", "victim", ids("v001-%"), related=["col_1"],
                 reasons=["vic_001 paid col_1 20 times at night"])  # fmt: skip


def build_small_case(
    wh: Warehouse, currencies: Sequence[str], *, named: bool = True, rates: bool = False
) -> list[str]:
    """A collector (named or not) paid once in each currency by a minor; returns alert ids."""
    wh.run(
        "t:small:accounts",
        "INSERT INTO accounts VALUES ('c9', TIMESTAMP '2026-02-01', 'individual', NULL, NULL, ?,"
        " NULL, NULL, 'f', 'i', TIMESTAMP '2026-04-01'), ('v9', TIMESTAMP '2025-01-01',"
        " 'individual', DATE '2011-04-04', 'US', 'Kid', 'basic', NULL, 'f', 'i',"
        " TIMESTAMP '2026-04-01')",
        ["Sam Hale" if named else None],
    )
    txns = []
    for i, cur in enumerate(currencies):
        txns.append(f"s{i}")
        wh.run(
            "t:small:txn",
            "INSERT INTO transactions (txn_id, ts, sender_id, receiver_id, amount, currency,"
            " channel, status, source_file, run_id) VALUES (?, ?, 'v9', 'c9', 50, ?, 'p2p',"
            " 'completed', 'f', 'i')",
            [f"s{i}", T0, cur],
        )
        if rates and cur != "USD":
            wh.run("t:small:rate", "INSERT INTO fx_rates VALUES (?, DATE '2026-03-01', 1.5)", [cur])
    insert_alert(wh, "AL-small-c", "c9", "collector", txns, related=["v9"])
    insert_alert(wh, "AL-small-v", "v9", "victim", txns, related=["c9"])
    return ["AL-small-c", "AL-small-v"]


def find_ring(wh: Warehouse) -> dict[str, str]:
    """The top unrestricted sextortion collector alert, a mule alert and a victim alert of it."""
    collector = wh.records(
        "t:ring:collector",
        "SELECT alert_id, subject_account_id FROM alerts WHERE role = 'collector'"
        " AND typology = 'financial_sextortion' AND NOT restricted"
        " ORDER BY score DESC, alert_id LIMIT 1",
    )[0]
    subject = collector["subject_account_id"]
    pick = (
        "SELECT min(alert_id) FROM alerts WHERE role = ? AND typology = 'financial_sextortion'"
        " AND list_contains(related_account_ids, ?) AND NOT restricted"
    )
    mule = wh.scalar("t:ring:mule", pick, ["mule", subject])
    victim = wh.scalar("t:ring:victim", pick, ["victim", subject])
    assert mule and victim, "the sample should plant a ring with a mule and victims"
    return {"collector": collector["alert_id"], "mule": mule, "victim": victim, "subject": subject}
