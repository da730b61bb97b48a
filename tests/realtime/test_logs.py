"""Decision and ack logs load into the warehouse idempotently, even with a half-written line."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from realtime_fixtures import E, write_release
from test_service import AUTH, PAYMENT, config

from sever.realtime.api import create_app
from sever.realtime.logs import import_logs
from sever.warehouse import open_warehouse


def test_logs_import_idempotently(tmp_path, releases, private, public_path) -> None:
    write_release(releases, 1, [E("BE-h", "payment_handle", "$bobby", "review", "payee")], private)
    cfg = config(tmp_path, releases, public_path)
    with TestClient(create_app(cfg)) as client:
        for _ in range(3):
            assert client.post("/v1/screen", json=PAYMENT, headers=AUTH).status_code == 200
        client.post("/v1/ack", json={"release_no": 1}, headers=AUTH)
    wh = open_warehouse(None, memory_limit="1GB")
    try:
        first = import_logs(wh, cfg.state_dir)
        assert first == {"outcomes_read": 3, "outcomes_added": 3, "acks_read": 1, "acks_added": 1}
        # a line being written when the import runs is skipped, and read the next time
        [log] = cfg.state_dir.glob("decisions-*.jsonl")
        line = json.loads(log.read_text().splitlines()[0]) | {"decision_id": "SD-late"}
        text = json.dumps(line)
        with log.open("a") as f:
            f.write(text[:40])
        again = import_logs(wh, cfg.state_dir)
        assert again == {"outcomes_read": 3, "outcomes_added": 0, "acks_read": 1, "acks_added": 0}
        with log.open("a") as f:
            f.write(text[40:] + "\n")
        assert import_logs(wh, cfg.state_dir)["outcomes_added"] == 1
        rows = wh.rows(
            "test", "SELECT action, reason_codes, entry_ids, amount_usd, channel, release_no"
            " FROM screen_outcomes ORDER BY decision_id LIMIT 1",
        )  # fmt: skip
        assert rows == [("review", ["csam_purchase"], ["BE-h"], 40.0, "p2p", 1)]
        acks = wh.rows("test", "SELECT client_id, recipient, release_no, via FROM block_acks")
        assert acks == [("acme-checkout", "acme", 1, "http")]
    finally:
        wh.close()


def test_no_logs_is_nothing_to_do(tmp_path) -> None:
    wh = open_warehouse(None, memory_limit="1GB")
    try:
        assert import_logs(wh, tmp_path)["outcomes_added"] == 0
    finally:
        wh.close()


def test_money_stopped_is_counted_in_usd(tmp_path, releases, private, public_path) -> None:
    """A USD payment needs no amount_usd; another currency without one counts as unknown."""
    write_release(releases, 1, [E("BE-h", "payment_handle", "$bobby", "block", "payee")], private)
    cfg = config(tmp_path, releases, public_path)
    usd = {k: v for k, v in PAYMENT.items() if k != "amount_usd"} | {"amount": 25}
    eur = usd | {"currency": "EUR"}
    with TestClient(create_app(cfg)) as client:
        for body in (usd, eur):
            assert client.post("/v1/screen", json=body, headers=AUTH).json()["action"] == "block"
    wh = open_warehouse(None, memory_limit="1GB")
    try:
        import_logs(wh, cfg.state_dir)
        got = wh.rows("test", "SELECT amount_usd FROM screen_outcomes ORDER BY decided_at")
        assert got == [(25.0,), (None,)]
    finally:
        wh.close()
