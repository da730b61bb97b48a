"""export_jsonl: exactly the contract's fields, byte-stable, the right alerts, no leaks."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

from sever.alerts import EXPORT_FIELDS, export_jsonl, set_state, upsert_alerts
from sever.alerts.export import WITHHELD_REASON

T0 = datetime(2024, 5, 1, 10, 0)
# The field table of DATA_CONTRACT.md, "Output: the alerts export", in its order.
CONTRACT_FIELDS = [
    "alert_id",
    "subject_account_id",
    "role",
    "typology",
    "score",
    "severity",
    "reasons",
    "rule_ids",
    "signal_ids",
    "related_account_ids",
    "txn_ids",
    "first_seen",
    "last_seen",
    "total_amount_usd",
]


def _read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _by_subject(records: list[dict]) -> dict[str, dict]:
    return {r["subject_account_id"]: r for r in records}


def test_export_has_exactly_the_contract_fields(wh, score, tmp_path) -> None:
    score(
        "r1",
        "c1",
        txn_ids=["t2", "t1"],
        signal_ids=["s1"],
        related=["v1"],
        first_seen=T0,
        last_seen=T0 + timedelta(hours=5, microseconds=250),
    )
    score(
        "r1",
        "c2",
        role="consumer",
        typology="csam_purchase",
        total_amount_usd=None,
        first_seen=None,
        last_seen=None,
    )
    upsert_alerts(wh, "r1", 0.5)
    path = export_jsonl(wh, tmp_path, run_id="r1")
    assert path == tmp_path / "alerts.jsonl"
    records = _read(path)
    assert list(EXPORT_FIELDS) == CONTRACT_FIELDS
    assert all(list(r) == CONTRACT_FIELDS for r in records)
    c1, c2 = _by_subject(records)["c1"], _by_subject(records)["c2"]
    assert c1["first_seen"] == "2024-05-01T10:00:00Z"
    assert c1["last_seen"] == "2024-05-01T15:00:00.000250Z"
    assert c1["txn_ids"] == ["t1", "t2"] and c1["signal_ids"] == ["s1"]
    assert isinstance(c1["score"], float) and c1["total_amount_usd"] == 500.0
    assert c1["rule_ids"] == ["fan_in_new_senders@1"] and isinstance(c1["reasons"], list)
    assert c2["total_amount_usd"] is None and c2["first_seen"] is None
    assert c2["role"] == "consumer" and c2["typology"] == "csam_purchase"
    assert [r["alert_id"] for r in records] == sorted(r["alert_id"] for r in records)


def test_export_is_byte_identical_across_exports(wh, score, tmp_path) -> None:
    for i in range(5):
        score("r1", f"c{i}", score=0.5 + i / 10, reasons=[f"reason {i} — ünïcode"])
    upsert_alerts(wh, "r1", 0.5)
    first = export_jsonl(wh, tmp_path / "a", run_id="r1").read_bytes()
    upsert_alerts(wh, "r1", 0.5)
    second = export_jsonl(wh, tmp_path / "b", run_id="r1").read_bytes()
    assert first == second and first.count(b"\n") == 5
    assert export_jsonl(wh, tmp_path / "c").read_bytes() == first


def test_finished_alerts_from_earlier_runs_are_not_exported(wh, score, tmp_path) -> None:
    score("r1", "done")
    score("r1", "open")
    upsert_alerts(wh, "r1", 0.5)
    done_id = wh.scalar("t", "SELECT alert_id FROM alerts WHERE subject_account_id = 'done'")
    set_state(wh, done_id, "dismissed", "alice")
    score("r2", "done")
    score("r2", "open", txn_ids=["t7"], last_seen=T0 + timedelta(days=1))
    score("r2", "fresh")
    upsert_alerts(wh, "r2", 0.5)
    run2 = _by_subject(_read(export_jsonl(wh, tmp_path / "r2", run_id="r2")))
    assert sorted(run2) == ["fresh", "open"]
    assert run2["open"]["txn_ids"] == ["t1", "t7"]
    open_now = _by_subject(_read(export_jsonl(wh, tmp_path / "open")))
    assert sorted(open_now) == ["fresh", "open"]
    assert _read(export_jsonl(wh, tmp_path / "none", run_id="no-such-run")) == []


def test_restricted_alert_reasons_do_not_quote_signal_content(wh, score, tmp_path) -> None:
    wh.run(
        "test:signal",
        "INSERT INTO signals (signal_id, signal_type, id_type, indicator_norm, indicator_valid,"
        " owner, status, added_on, minor_perpetrator, source_file, run_id) VALUES ('sig-9',"
        " 'USERNAME', 'username', 'darkfox_77', true, 'p', 'MALICIOUS', ?, true, 'f', 'i')",
        [T0],
    )
    reasons = [
        "Receives payments from 6 accounts aged 13-17 within 3 days",
        "Username darkfox_77 matches a shared indicator",
        "Carries Lantern signal sig-9 (minor_perpetrator)",
        "Funds forwarded to a gift-card vendor within 10 minutes",
    ]
    score("r1", "c1", restricted=True, signal_ids=["sig-9"], reasons=reasons)
    score("r1", "c2", signal_ids=["sig-9"], reasons=reasons)
    score("r1", "c3", restricted=True, reasons=["Matched a Signal (withdrawn since)", "plain"])
    upsert_alerts(wh, "r1", 0.5)
    path = export_jsonl(wh, tmp_path, run_id="r1")
    records = _by_subject(_read(path))
    assert records["c1"]["reasons"] == [reasons[0], reasons[3], WITHHELD_REASON]
    assert records["c1"]["signal_ids"] == ["sig-9"]
    assert list(records["c1"]) == CONTRACT_FIELDS
    assert records["c2"]["reasons"] == reasons
    assert records["c3"]["reasons"] == ["plain", WITHHELD_REASON]
    restricted_line = next(ln for ln in path.read_text().splitlines() if '"c1"' in ln)
    assert "darkfox" not in restricted_line and "minor_perpetrator" not in restricted_line


def test_victim_is_exported_as_victim(wh, score, tmp_path) -> None:
    score("r1", "v1", role="victim", score=0.6, severity="medium")
    score("r2", "v1", role="collector", txn_ids=["t2"], last_seen=T0 + timedelta(days=1))
    upsert_alerts(wh, "r1", 0.5)
    upsert_alerts(wh, "r2", 0.5)
    first = _by_subject(_read(export_jsonl(wh, tmp_path / "r1", run_id="r1")))
    assert first["v1"]["role"] == "victim"
    roles = sorted(r["role"] for r in _read(export_jsonl(wh, tmp_path / "all")))
    assert roles == ["collector", "victim"]
