"""A signal its owner deletes is purged with everything derived from it; a tombstone stays."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from sever.config import load
from sever.ingest import run_ingest
from sever.match import match_signals
from sever.warehouse import open_warehouse

SIGNAL = {
    "id": "sig-1", "indicator": "Collector.77@GMAIL.com", "type": "EMAIL_ADDRESS",
    "owner": "platform_a", "tags": ["sextortion", "report_id:12345678"], "status": "MALICIOUS",
    "confidence": 90, "added_on": "2026-10-01T00:00:00Z", "last_active": "2026-10-20T00:00:00Z",
}  # fmt: skip


def _delivery(folder: Path, signal: dict) -> Path:
    folder.mkdir(parents=True)
    (folder / "accounts.csv").write_text(
        "account_id,opened_at,kind,country\nA1,2026-01-01T00:00:00Z,individual,US\n"
    )
    (folder / "account_identifiers.csv").write_text(
        "account_id,id_type,value\nA1,email,collector77@gmail.com\n"
    )
    (folder / "signals.jsonl").write_text(json.dumps(signal) + "\n")
    return folder


def _count(wh, table: str) -> int:
    return wh.scalar("test:count", f"SELECT count(*) FROM {table}")


def test_deletion_purges_signal_tags_and_hits_and_leaves_a_tombstone(tmp_path: Path) -> None:
    wh = open_warehouse(None)
    run_ingest(wh, _delivery(tmp_path / "d1", SIGNAL))
    match_signals(wh, load(), datetime(2026, 10, 30))
    assert (_count(wh, "signals"), _count(wh, "signal_tags"), _count(wh, "signal_hits")) == (
        1,
        2,
        1,
    )

    report = run_ingest(wh, _delivery(tmp_path / "d2", {**SIGNAL, "should_delete": True}))
    assert report.totals()["signals"] == {"read": 1, "loaded": 1, "quarantined": 0, "duplicates": 0}
    assert (_count(wh, "signals"), _count(wh, "signal_tags"), _count(wh, "signal_hits")) == (
        0,
        0,
        0,
    )
    tomb = wh.records("test:tomb", "SELECT * FROM signal_tombstones")
    assert [(t["signal_id"], t["signal_type"]) for t in tomb] == [("sig-1", "EMAIL_ADDRESS")]

    # The deletion delivered again changes nothing; the deleted id may not come back.
    again = run_ingest(wh, _delivery(tmp_path / "d3", {**SIGNAL, "should_delete": True}))
    assert again.totals()["signals"]["duplicates"] == 1
    back = run_ingest(wh, _delivery(tmp_path / "d4", SIGNAL))
    assert back.totals()["signals"]["quarantined"] == 1
    assert _count(wh, "signals") == 0


def test_signal_store_keeps_the_normalised_indicator_only(tmp_path: Path) -> None:
    wh = open_warehouse(None)
    run_ingest(wh, _delivery(tmp_path / "d1", SIGNAL))
    stored = wh.records("test:sig", "SELECT * FROM signals")[0]
    assert stored["indicator_norm"] == "collector77@gmail.com"
    assert "Collector.77@GMAIL.com" not in json.dumps(stored, default=str)
