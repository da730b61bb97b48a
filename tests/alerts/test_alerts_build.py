"""upsert_alerts: stable ids, dedupe across nightly runs, new episodes after closure."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from sever.alerts import get_alert, set_state, upsert_alerts
from sever.errors import UserError
from sever.warehouse import open_warehouse

T0 = datetime(2024, 5, 1, 10, 0)
MIN = 0.5


def _ids(wh) -> list[str]:
    return [r[0] for r in wh.rows("test:ids", "SELECT alert_id FROM alerts ORDER BY alert_id")]


def _one(wh, account_id: str, state: str | None = None) -> dict:
    rows = wh.records(
        "test:one",
        "SELECT * FROM alerts WHERE subject_account_id = ? AND (? IS NULL OR state = ?)",
        [account_id, state, state],
    )
    assert len(rows) == 1, rows
    return rows[0]


def test_new_alert_starts_new_with_created_audit(wh, score) -> None:
    score("r1", "c1", txn_ids=["t2", "t1", "t1"], related=["v2", "v1"])
    counts = upsert_alerts(wh, "r1", MIN)
    assert counts["created"] == 1 and counts["candidates"] == 1
    alert = get_alert(wh, _one(wh, "c1")["alert_id"])
    assert alert["alert_id"].startswith("AL-") and len(alert["alert_id"]) == 19
    assert alert["state"] == "new"
    assert alert["txn_ids"] == ["t1", "t2"] and alert["related_account_ids"] == ["v1", "v2"]
    assert [(a["actor"], a["action"], a["to_state"]) for a in alert["audit"]] == [
        ("system", "created", "new")
    ]
    assert [(h["run_id"], h["outcome"]) for h in alert["history"]] == [("r1", "created")]


def test_ids_are_stable_across_identical_runs(score, wh, dump) -> None:
    for account in ("c1", "c2", "m1"):
        score("r1", account, role="mule" if account == "m1" else "collector")
    upsert_alerts(wh, "r1", MIN)
    other = open_warehouse(None, memory_limit=None)
    try:
        for account in ("m1", "c2", "c1"):
            other.run(
                "test:copy",
                "INSERT INTO account_scores SELECT * FROM (VALUES (?, ?, ?, 'financial_sextortion',"
                " 0.8, 'high', ['fan-in from 5 first-time senders within 48h'], ['graph'],"
                " ['fan_in_new_senders@1'], [], [], ['t1'], ?::TIMESTAMP, ?::TIMESTAMP, 500.0,"
                " false))",
                ["r1", account, "mule" if account == "m1" else "collector", T0, T0],
            )
        upsert_alerts(other, "r1", MIN)
        assert _ids(other) == _ids(wh) and len(_ids(wh)) == 3
    finally:
        other.close()
    before = dump()
    again = upsert_alerts(wh, "r1", MIN)
    assert again["created"] == 0 and again["updated"] == 0 and again["unchanged"] == 3
    assert dump() == before, "re-running the same scan must change nothing"


def test_second_run_with_new_transactions_updates_the_open_alert(wh, score) -> None:
    score("r1", "c1", txn_ids=["t1", "t2"], signal_ids=["s1"], last_seen=T0)
    upsert_alerts(wh, "r1", MIN)
    first = _one(wh, "c1")
    later = T0 + timedelta(days=1)
    score(
        "r2",
        "c1",
        txn_ids=["t2", "t3"],
        signal_ids=["s2"],
        last_seen=later,
        first_seen=T0 + timedelta(hours=1),
        score=0.93,
        severity="critical",
        reasons=["fan-in from 7 first-time senders within 48h"],
    )
    counts = upsert_alerts(wh, "r2", MIN)
    assert counts == {
        "candidates": 1,
        "created": 0,
        "created_after_finished": 0,
        "updated": 1,
        "unchanged": 0,
        "finished_no_new_activity": 0,
    }
    alert = get_alert(wh, first["alert_id"])
    assert _ids(wh) == [first["alert_id"]]
    assert alert["txn_ids"] == ["t1", "t2", "t3"] and alert["signal_ids"] == ["s1", "s2"]
    assert alert["score"] == 0.93 and alert["severity"] == "critical"
    assert alert["reasons"] == ["fan-in from 7 first-time senders within 48h"]
    assert alert["first_seen"] == T0 and alert["last_seen"] == later
    assert alert["created_run_id"] == "r1" and alert["updated_run_id"] == "r2"
    kept = ("created_at", "episode_start", "state", "subject_account_id", "typology")
    assert [alert[k] for k in kept] == [first[k] for k in kept]
    assert [(h["run_id"], h["outcome"], h["n_txns"]) for h in alert["history"]] == [
        ("r1", "created", 2),
        ("r2", "updated", 3),
    ]
    assert alert["history"][1]["txn_ids_added"] == ["t3"]
    updates = [a for a in alert["audit"] if a["action"] == "evidence_updated"]
    assert len(updates) == 1 and updates[0]["actor"] == "system"
    assert "+1 txns" in updates[0]["note"] and "severity high -> critical" in updates[0]["note"]


def test_run_with_unchanged_evidence_records_history_but_no_update(wh, score) -> None:
    score("r1", "c1")
    upsert_alerts(wh, "r1", MIN)
    before = _one(wh, "c1")
    score("r2", "c1")
    assert upsert_alerts(wh, "r2", MIN)["unchanged"] == 1
    after = get_alert(wh, before["alert_id"])
    assert after["updated_run_id"] == "r1" and after["updated_at"] == before["updated_at"]
    assert [h["outcome"] for h in after["history"]] == ["created", "unchanged"]
    assert [a["action"] for a in after["audit"]] == ["created"]


def test_open_alert_in_review_still_receives_evidence(wh, score) -> None:
    score("r1", "c1", txn_ids=["t1"])
    upsert_alerts(wh, "r1", MIN)
    alert_id = _one(wh, "c1")["alert_id"]
    set_state(wh, alert_id, "in_review", "alice")
    score("r2", "c1", txn_ids=["t9"], last_seen=T0 + timedelta(days=2))
    upsert_alerts(wh, "r2", MIN)
    merged = _one(wh, "c1")
    assert merged["alert_id"] == alert_id and merged["state"] == "in_review"
    assert merged["txn_ids"] == ["t1", "t9"]


def test_dismissed_alert_and_later_activity_opens_a_new_alert(wh, score, txn) -> None:
    txn("t1", T0)
    score("r1", "c1", txn_ids=["t1"])
    upsert_alerts(wh, "r1", MIN)
    old = _one(wh, "c1")
    set_state(wh, old["alert_id"], "dismissed", "alice", "benign: family support")
    later = T0 + timedelta(days=3)
    txn("t2", later)
    # The detection window still covers the old transaction: the episode starts at t2.
    score("r2", "c1", txn_ids=["t1", "t2"], first_seen=T0, last_seen=later)
    counts = upsert_alerts(wh, "r2", MIN)
    assert counts["created"] == 1 and counts["created_after_finished"] == 1
    new = _one(wh, "c1", "new")
    assert new["alert_id"] != old["alert_id"]
    assert new["previous_alert_id"] == old["alert_id"] and new["episode_start"] == later
    assert _one(wh, "c1", "dismissed")["alert_id"] == old["alert_id"]
    audit = get_alert(wh, new["alert_id"])["audit"]
    assert audit[0]["note"] == f"new activity after {old['alert_id']}"
    # The next night merges into the new alert, never the dismissed one.
    score("r3", "c1", txn_ids=["t2", "t3"], first_seen=T0, last_seen=later + timedelta(hours=5))
    assert upsert_alerts(wh, "r3", MIN)["updated"] == 1
    assert len(_ids(wh)) == 2


def test_new_activity_on_the_same_day_still_gets_a_different_id(wh, score) -> None:
    score("r1", "c1", txn_ids=["t1"])
    upsert_alerts(wh, "r1", MIN)
    old = _one(wh, "c1")
    set_state(wh, old["alert_id"], "dismissed", "alice")
    score("r2", "c1", txn_ids=["t1", "t2"], last_seen=T0 + timedelta(hours=2))
    upsert_alerts(wh, "r2", MIN)
    assert len(set(_ids(wh))) == 2


def test_finished_alert_without_new_activity_stays_finished(wh, score, dump) -> None:
    score("r1", "c1")
    upsert_alerts(wh, "r1", MIN)
    old = _one(wh, "c1")
    set_state(wh, old["alert_id"], "in_review", "alice")
    set_state(wh, old["alert_id"], "closed", "alice")
    before = dump()
    score("r2", "c1", reasons=["same activity, seen again"])
    counts = upsert_alerts(wh, "r2", MIN)
    assert counts["created"] == 0 and counts["finished_no_new_activity"] == 1
    assert dump() == before


def test_threshold_applies_to_every_role(wh, score) -> None:
    # Weak evidence of any role stays in account_scores and opens no alert.
    score("r1", "o_low", role="other", score=0.3, severity="low")
    score("r1", "o_high", role="other", score=0.7)
    score("r1", "v1", role="victim", score=0.1, severity="low")
    score("r1", "v2", role="victim", score=0.8)
    score("r1", "m1", role="mule", score=0.2, severity="low")
    score("r1", "m2", role="mule", score=0.6)
    upsert_alerts(wh, "r1", MIN)
    subjects = wh.rows("test:subjects", "SELECT subject_account_id FROM alerts ORDER BY 1")
    assert [s[0] for s in subjects] == ["m2", "o_high", "v2"]


def test_victim_alert_never_becomes_a_suspect_alert(wh, score) -> None:
    score("r1", "x1", role="victim", score=0.6, severity="medium")
    upsert_alerts(wh, "r1", MIN)
    victim = _one(wh, "x1")
    # The next night the same account looks like a mule (victims are coerced into that).
    score("r2", "x1", role="mule", score=0.7, txn_ids=["t5"], last_seen=T0 + timedelta(days=1))
    upsert_alerts(wh, "r2", MIN)
    rows = wh.records(
        "test:x1", "SELECT alert_id, role FROM alerts WHERE subject_account_id = 'x1'"
    )
    by_id = {r["alert_id"]: r["role"] for r in rows}
    assert by_id[victim["alert_id"]] == "victim"
    assert sorted(by_id.values()) == ["mule", "victim"]


def test_threshold_must_be_a_probability(wh) -> None:
    with pytest.raises(UserError, match="min_score"):
        upsert_alerts(wh, "r1", 1.5)
