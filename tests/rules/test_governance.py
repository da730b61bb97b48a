"""Versions, approvals and the scan's rules stage: shadow until approved, then live alerts.

One small world: a collector (C1) paid at night by five minors, a coach (K1) paid dues
by teens, scanned once; then the rules run before and after publication and approval.
"""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pytest

from sever.alerts.build import upsert_alerts
from sever.config import load
from sever.errors import UserError
from sever.graph.combine import write_scores
from sever.rules import governance
from sever.rules.cases import write_ledger
from sever.rules.engine import rules_stage, run_rules, shadow_report
from sever.rules.files import load_rule_file
from sever.rules.spec import Ledger
from sever.scan.run import scan
from sever.warehouse import open_warehouse

RULES = Path(__file__).resolve().parents[2] / "rules"
RULE = "collector_minor_fan_in"
AS_OF = datetime(2026, 10, 5, 23, 59, 59)


@pytest.fixture
def world(tmp_path: Path):
    rules_dir = tmp_path / "rules"
    rules_dir.mkdir()
    for name in (RULE, "victim_gift_cards_after_new_payee"):
        shutil.copy(RULES / f"{name}.yaml", rules_dir)
    rf = load_rule_file(rules_dir / f"{RULE}.yaml")
    rows = {"accounts": [], "transactions": []}
    for case in rf.rule.cases:  # both ledgers in one delivery
        for key in rows:
            rows[key] += getattr(case.ledger, key)
    write_ledger(Ledger(**rows), tmp_path / "data")
    wh = open_warehouse(None, threads=1, memory_limit=None)
    result = scan(wh, tmp_path / "data", tmp_path / "out", load(), as_of=AS_OF)
    yield wh, result, rules_dir
    wh.close()


def _stage(wh, result, rules_dir):
    detector_rows = []  # the small world has no detector finding to merge with
    rows, counts = rules_stage(
        wh, result.run_id, result.as_of, result.window_from, rules_dir, detector_rows
    )
    write_scores(wh, result.run_id, rows)
    upsert_alerts(wh, result.run_id, 0.5)
    return rows, counts


def test_unapproved_live_rule_runs_as_shadow_and_the_run_says_so(world) -> None:
    wh, result, rules_dir = world
    rows, counts = _stage(wh, result, rules_dir)
    ref = f"{RULE}@1"
    assert counts["rules"][ref]["mode"] == "shadow"
    assert "not published" in counts["rules"][ref]["note"]
    assert counts["rules"][ref]["accounts"] == 1 and counts["live_hits"] == 0
    assert rows == []
    report = shadow_report(wh, result.run_id)
    assert f"| {ref} | live | **shadow** | live rule not published yet" in report
    # The detectors alerted C1 in this run too: the comparison counts it as already alerted.
    assert f"| {ref} | 1 | 1 | 0 | - |" in report
    draft = governance.stored(wh, RULE, 1)
    assert draft is not None and draft["state"] == "draft"


def test_published_and_approved_rule_runs_live_and_opens_an_alert(world) -> None:
    wh, result, rules_dir = world
    rf = load_rule_file(rules_dir / f"{RULE}.yaml")
    assert "published" in governance.publish(wh, rf, "analyst.lee")
    with pytest.raises(UserError, match="maker != checker"):
        governance.approve(wh, RULE, 1, "analyst.maria")  # the owner
    with pytest.raises(UserError, match="maker != checker"):
        governance.approve(wh, RULE, 1, "analyst.lee")  # the publisher
    assert governance.effective_mode(wh, rf)[1].startswith("published, awaiting approval")
    governance.approve(wh, RULE, 1, "analyst.kim", "backtest reviewed")
    rows, counts = _stage(wh, result, rules_dir)
    assert counts["rules"][f"{RULE}@1"]["mode"] == "live"
    (row,) = rows
    assert row["account_id"] == "C1" and row["role"] == "collector"
    assert row["score"] == 0.8 and row["severity"] == "high"
    assert row["rule_ids"] == [f"{RULE}@1"] and row["detector_ids"] == []
    assert row["reasons"][0].startswith(f"rule {RULE}@1 on 2026-10-05: 5 first-time payers")
    assert {e["s"] for e in row["evidence"]} == {f"V{i}" for i in range(1, 6)}
    alert = wh.records(
        "t", "SELECT role, rule_ids, txn_ids FROM alerts WHERE subject_account_id = 'C1'"
    )
    assert alert and alert[0]["rule_ids"] == [f"{RULE}@1"] and len(alert[0]["txn_ids"]) == 5
    assert not wh.rows("t", "SELECT * FROM alerts WHERE subject_account_id = 'K1'")


def test_a_published_version_never_changes(world) -> None:
    wh, _, rules_dir = world
    path = rules_dir / f"{RULE}.yaml"
    governance.publish(wh, load_rule_file(path), "analyst.lee")
    governance.approve(wh, RULE, 1, "analyst.kim")
    path.write_text(path.read_text().replace(">= 4 and", ">= 3 and"))
    edited = load_rule_file(path)
    with pytest.raises(UserError, match=rf"rule {RULE}@1 is published with hash [0-9a-f]{{12}}"):
        governance.publish(wh, edited, "analyst.lee")
    mode, note = governance.effective_mode(wh, edited)
    assert mode == "shadow" and "change the version" in note
    diff = governance.diff(wh, RULE, edited, None, None)
    assert "-  distinct_first_time_payers >= 4" in diff.replace("condition: ", "  ")
    assert "+  distinct_first_time_payers >= 3" in diff.replace("condition: ", "  ")
    path.write_text(path.read_text().replace("version: 1", "version: 2"))
    v2 = load_rule_file(path)
    governance.publish(wh, v2, "analyst.lee")
    assert governance.effective_mode(wh, v2)[0] == "shadow"  # v2 needs its own approval
    assert "version: 2" in governance.diff(wh, RULE, None, 1, 2)


def test_disabled_and_empty_rule_folders_build_nothing(tmp_path: Path) -> None:
    wh = open_warehouse(None, threads=1, memory_limit=None)
    try:
        counts = run_rules(wh, "r0", AS_OF, tmp_path)
        assert counts["features"]["built"] is False and counts["rules"] == {}
        assert not wh.table_exists("f_rule_account_day")
    finally:
        wh.close()


def test_a_live_hit_in_a_scan_joins_the_detectors_row_and_leaves_the_others(world) -> None:
    # The rules stage rewrites only the rows its hits change: the detectors' C1 row takes the
    # rule in, every other detector row stays as written, one row per account and typology.
    wh, result, rules_dir = world
    governance.publish(wh, load_rule_file(rules_dir / f"{RULE}.yaml"), "analyst.lee")
    governance.approve(wh, RULE, 1, "analyst.kim")
    live = scan(wh, None, rules_dir.parent / "live", load(), as_of=AS_OF, rules_dir=rules_dir)
    sql = (
        "SELECT account_id, typology, role, score, detector_ids, rule_ids, txn_ids"
        " FROM account_scores WHERE run_id = ? ORDER BY account_id, typology"
    )
    before = {(r["account_id"], r["typology"]): r for r in wh.records("t", sql, [result.run_id])}
    after = {(r["account_id"], r["typology"]): r for r in wh.records("t", sql, [live.run_id])}
    assert len(after) == len(wh.records("t", sql, [live.run_id])) == len(before) > 1
    assert live.record["counts"]["scored_accounts"] == len(after)
    key = ("C1", "financial_sextortion")
    assert after[key]["detector_ids"] == before[key]["detector_ids"] != []
    assert after[key]["rule_ids"] == [f"{RULE}@1"]
    assert len(after[key]["txn_ids"]) >= 5
    for k in set(before) - {key}:
        assert after[k] == before[k]
