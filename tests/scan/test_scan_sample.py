"""End to end on the bundled sample: the nightly scan finds the planted schemes and
leaves the look-alikes and the victims alone; its exports follow the contract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sever.config import load
from sever.evaluate import evaluate_paths
from sever.scan.run import scan
from sever.warehouse import open_warehouse

SAMPLE = Path(__file__).parents[2] / "data_samples" / "small"
CONTRACT_FIELDS = [
    "alert_id", "subject_account_id", "role", "typology", "score", "severity", "reasons",
    "rule_ids", "signal_ids", "related_account_ids", "txn_ids", "first_seen", "last_seen",
    "total_amount_usd",
]  # fmt: skip


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    root = tmp_path_factory.mktemp("scan")
    wh = open_warehouse(root / "wh.duckdb")
    first = scan(wh, SAMPLE, root / "out1", load())
    second = scan(wh, SAMPLE, root / "out2", load())
    yield wh, first, second, root
    wh.close()


def _alerts(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_meets_the_detection_targets_on_the_sample(scanned) -> None:
    root = scanned[3]
    result = evaluate_paths(SAMPLE, root / "out1" / "alerts.jsonl")
    overall, text = result["overall"], json.dumps(result["overall"], default=str)
    assert overall["recall"] >= 0.95, text
    assert overall["precision"] >= 0.90, text
    assert result["lookalikes"]["rate"] <= 0.02, result["lookalikes"]
    assert result["victims"]["flagged_as_suspect"] == 0, result["victims"]


def test_alerts_follow_the_contract_and_cite_their_evidence(scanned) -> None:
    wh, *_, root = scanned
    alerts = _alerts(root / "out1" / "alerts.jsonl")
    assert alerts
    txns = {t for (t,) in wh.rows("t:txns", "SELECT txn_id FROM transactions")}
    for a in alerts:
        assert list(a) == CONTRACT_FIELDS
        assert 0 <= a["score"] <= 1 and a["severity"] in ("low", "medium", "high", "critical")
        assert a["reasons"] and set(a["txn_ids"]) <= txns
        assert a["first_seen"].endswith("Z") and a["first_seen"] <= a["last_seen"]


def test_a_rerun_changes_nothing(scanned) -> None:
    second, root = scanned[2], scanned[3]
    assert second.record["counts"]["alerts"]["created"] == 0
    assert all(c["loaded"] == 0 for c in second.record["counts"]["ingest"].values())
    ids1 = {a["alert_id"] for a in _alerts(root / "out1" / "alerts.jsonl")}
    ids2 = {a["alert_id"] for a in _alerts(root / "out2" / "alerts.jsonl")}
    assert ids1 == ids2
    assert (root / "out1" / "report.md").read_text().count("## ") >= 5
    assert (root / "out1" / "top_network.png").stat().st_size > 10_000


def test_the_run_record_says_where_memory_and_time_went(scanned) -> None:
    # The engineer sizing the nightly job reads the stage whose peak rose, from run.json.
    _, first, _, root = scanned
    record = json.loads((root / "out1" / "run.json").read_text())
    stages = [s for s in record["timings_s"] if s != "networkx"]
    peaks = record["peak_rss_mb_after"]
    assert list(peaks) == stages
    assert all(v > 0 for v in peaks.values())
    assert list(peaks.values()) == sorted(peaks.values())  # a peak so far never falls
    assert record["run_id"] == first.run_id
