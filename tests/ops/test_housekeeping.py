"""Housekeeping removes what it should and nothing else: retention keeps case evidence,
signal expiry purges only expired signals, reminders report deadlines; signal sync applies
each export file once, deletions included."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from ops_world import ledger_days, write_day, write_schedule

from sever.alerts.lifecycle import set_state
from sever.cases import open_case
from sever.ops import clock
from sever.ops.config import load
from sever.ops.runner import run_job
from sever.warehouse import open_warehouse

SCANNED_AT = datetime(2026, 10, 8, 2, 30, tzinfo=UTC)
OTHER_TABLES = (
    "accounts", "account_identifiers", "alerts", "alert_history", "alert_audit", "cases",
    "case_alerts", "ingest_files", "ingest_runs", "scan_runs", "signals", "signal_tags",
    "signal_hits", "signal_tombstones", "fx_rates",
)  # fmt: skip
JOBS = {
    "signal_expiry": {"cron": "15 1 * * *"},
    "reminders": {"cron": "0 8 * * *", "within_days": 7},
    "retention": {
        "cron": "0 4 * * 0",
        "transactions_months": 1,
        "quarantine_months": 1,
        "dq_results_months": 1,
    },
    "signal_sync": {"cron": "*/30 * * * *", "drop": "drop", "settle": "0s"},
    "blocklist": {"cron": "0 5 * * *"},
    "realtime_logs": {"cron": "*/15 * * * *", "state_dir": "rt"},
}


@pytest.fixture(scope="module")
def scanned(delivery, tmp_path_factory) -> Path:
    """Days 1-7 scanned (3 rows quarantined); one alert in a case, one dismissed."""
    root = tmp_path_factory.mktemp("housekeeping")
    days = ledger_days(delivery)
    write_day(delivery, root / "inbox", days[6], first=days[0], bad_rows=True)
    (root / "drop").mkdir()
    _, cfg = write_schedule(root, **JOBS)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(clock, "now", lambda: SCANNED_AT)
        assert run_job(cfg, "nightly_scan").status == "ok"
    wh = open_warehouse(cfg.warehouse_path)
    suspects = [
        a
        for (a,) in wh.rows(
            "t:suspects",
            "SELECT alert_id FROM alerts WHERE role <> 'victim' ORDER BY len(txn_ids) DESC,"
            " alert_id",
        )
    ]
    open_case(wh, [suspects[0]], "analyst.one")
    set_state(wh, suspects[1], "dismissed", "analyst.one", "benign")
    wh.close()
    return root


@pytest.fixture
def world(scanned, tmp_path):
    """A copy of the scanned world, its schedule and a way to read its warehouse."""
    root = tmp_path / "world"
    shutil.copytree(scanned, root, ignore=shutil.ignore_patterns("inbox", "runs"))
    cfg = load(root / "schedule.yaml")

    def read(sql: str, params=None) -> list[tuple]:
        wh = open_warehouse(cfg.warehouse_path)
        try:
            return wh.rows("t:read", sql, params)
        finally:
            wh.close()

    return cfg, read


def _counts(read) -> dict[str, int]:
    return {t: read(f"SELECT count(*) FROM {t}")[0][0] for t in OTHER_TABLES}


def _evidence(read, where: str) -> set[str]:
    rows = read(f"SELECT DISTINCT unnest(txn_ids) FROM alerts a WHERE {where}")
    return {t for (t,) in rows}


def test_retention_drops_old_rows_but_keeps_case_and_open_alert_evidence(world, monkeypatch):
    cfg, read = world
    in_case = "alert_id IN (SELECT alert_id FROM case_alerts)"
    case_txns = _evidence(read, in_case)
    open_txns = _evidence(read, "state IN ('new', 'in_review', 'escalated')")
    assert case_txns and open_txns - case_txns
    assert read("SELECT count(*) FROM quarantine")[0][0] == 3
    before = _counts(read)
    monkeypatch.setattr(clock, "now", lambda: datetime.now(UTC) + timedelta(days=92))

    outcome = run_job(cfg, "retention")
    assert outcome.status == "ok", outcome
    kept = {t for (t,) in read("SELECT txn_id FROM transactions")}
    assert kept == case_txns | open_txns  # everything else was older than a month
    assert read("SELECT count(*) FROM quarantine")[0][0] == 0
    assert read("SELECT count(*) FROM dq_results")[0][0] == 0
    assert _counts(read) == before  # nothing else removed
    t = outcome.record["transactions"]
    assert t["kept_case_evidence"] == len(case_txns)
    assert t["kept_case_evidence"] + t["kept_open_alert_evidence"] == len(kept)

    cfg.jobs.retention.keep_open_alert_evidence = False
    assert run_job(cfg, "retention").status == "ok"
    assert {t for (t,) in read("SELECT txn_id FROM transactions")} == case_txns
    assert _counts(read) == before


def test_retention_keeps_everything_younger_than_its_period(world, monkeypatch):
    cfg, read = world
    before = read("SELECT count(*) FROM transactions")[0][0]
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 10, 20, tzinfo=UTC))
    cfg.jobs.retention.quarantine_months = cfg.jobs.retention.dq_results_months = None
    assert run_job(cfg, "retention").summary.startswith("deleted 0 transactions")
    assert read("SELECT count(*) FROM transactions")[0][0] == before
    assert read("SELECT count(*) FROM quarantine")[0][0] == 3


def test_signal_expiry_purges_expired_signals_and_what_derives_from_them(world, monkeypatch):
    cfg, read = world
    now = datetime(2026, 10, 8, 12, tzinfo=UTC)
    expired = {s for (s,) in read("SELECT signal_id FROM signals WHERE expired_on <= ?", [now])}
    live = {s for (s,) in read("SELECT signal_id FROM signals WHERE expired_on IS NULL"
                              " OR expired_on > ?", [now])}  # fmt: skip
    assert expired and live
    alerts = read("SELECT alert_id, signal_ids FROM alerts ORDER BY alert_id")
    tombstones = read("SELECT * FROM signal_tombstones ORDER BY signal_id")
    monkeypatch.setattr(clock, "now", lambda: now)

    outcome = run_job(cfg, "signal_expiry")
    assert outcome.record["purged"] == len(expired)
    assert {s for (s,) in read("SELECT signal_id FROM signals")} == live
    for table in ("signal_tags", "signal_hits"):
        left = read(f"SELECT count(*) FROM {table} WHERE signal_id IN (SELECT signal_id"
                    " FROM signal_expirations)")  # fmt: skip
        assert left == [(0,)], table
    gone = read("SELECT signal_id, owner, purged_at FROM signal_expirations")
    assert {g[0] for g in gone} == expired and all(g[2] == now.replace(tzinfo=None) for g in gone)
    assert read("SELECT * FROM signal_tombstones ORDER BY signal_id") == tombstones
    assert read("SELECT alert_id, signal_ids FROM alerts ORDER BY alert_id") == alerts
    assert run_job(cfg, "signal_expiry").summary == "no signal past its expiry"


def test_reminders_report_deadlines_due_soon_and_overdue(world, monkeypatch):
    cfg, read = world
    (case_id, due), *_ = read("SELECT case_id, due_at FROM cases")
    said: list[str] = []

    monkeypatch.setattr(
        clock, "now", lambda: (due - timedelta(days=3, hours=1)).replace(tzinfo=UTC)
    )
    soon = run_job(cfg, "reminders", say=said.append)
    assert soon.status == "ok"
    assert [(r["case_id"], r["days_left"], r["overdue"]) for r in soon.record["reminders"]] == [
        (case_id, 3, False)
    ]
    assert any(case_id in s and "due in 3 day(s)" in s for s in said)

    monkeypatch.setattr(
        clock, "now", lambda: (due + timedelta(days=1, hours=1)).replace(tzinfo=UTC)
    )
    late = run_job(cfg, "reminders", say=said.append)
    assert late.status == "warning" and late.record["reminders"][0]["overdue"]
    assert any("OVERDUE" in s for s in said)
    stored = read("SELECT status, record FROM ops_runs WHERE job = 'reminders' ORDER BY started_at")
    assert [s for s, _ in stored] == ["ok", "warning"]
    assert json.loads(stored[1][1])["reminders"][0]["case_id"] == case_id

    monkeypatch.setattr(clock, "now", lambda: due - timedelta(days=20))
    assert run_job(cfg, "reminders").record["reminders"] == []


def _descriptor(base: dict, **changes) -> str:
    return json.dumps({**base, **changes}) + "\n"


def test_signal_sync_applies_each_export_once_in_name_order_deletions_included(
    world, delivery, monkeypatch
):
    cfg, read = world
    monkeypatch.setattr(clock, "now", lambda: SCANNED_AT)
    drop = cfg.jobs.signal_sync.drop
    first = json.loads((delivery / "signals.jsonl").read_text().splitlines()[0])
    victim_id = read("SELECT signal_id FROM signals ORDER BY signal_id LIMIT 1")[0][0]
    (drop / "te-2026-10-08T01.jsonl").write_text(
        _descriptor(first, id="900000000000001") + _descriptor(first, id="900000000000002")
    )
    (drop / "te-2026-10-08T02.jsonl").write_text(
        _descriptor(first, id="900000000000002", should_delete=True)
        + _descriptor(first, id=victim_id, should_delete=True)
    )
    (drop / "notes.txt").write_text("not an export")
    before = read("SELECT count(*) FROM signals")[0][0]

    outcome = run_job(cfg, "signal_sync")
    assert outcome.status == "ok", outcome
    assert [f["file"] for f in outcome.record["files"]] == [
        "te-2026-10-08T01.jsonl", "te-2026-10-08T02.jsonl"
    ]  # fmt: skip
    ids = {s for (s,) in read("SELECT signal_id FROM signals")}
    assert "900000000000001" in ids and "900000000000002" not in ids and victim_id not in ids
    assert len(ids) == before + 1 - 1
    tombs = {s for (s,) in read("SELECT signal_id FROM signal_tombstones")}
    assert {"900000000000002", victim_id} <= tombs
    assert read("SELECT count(*) FROM signal_hits WHERE signal_id = ?", [victim_id]) == [(0,)]

    again = run_job(cfg, "signal_sync")
    assert again.summary == "no new signal files"
    shutil.copyfile(drop / "te-2026-10-08T01.jsonl", drop / "te-copy.jsonl")  # same content
    assert run_job(cfg, "signal_sync").summary == "no new signal files"
    assert read("SELECT count(*) FROM ops_signal_files") == [(2,)]

    cfg.jobs.signal_sync.settle = 3600  # a file still being written waits for the next run
    (drop / "te-2026-10-08T03.jsonl").write_text(_descriptor(first, id="900000000000003"))
    waiting = run_job(cfg, "signal_sync")
    assert waiting.record["inputs"]["still_settling"] == ["te-2026-10-08T03.jsonl"]


def test_blocklist_job_publishes_what_analysts_approved_and_nothing_when_unchanged(
    world, monkeypatch, tmp_path
):
    from sever.blocklist import config as bl_config
    from sever.blocklist import decisions, keys
    from sever.blocklist.verify import verify_release

    cfg, read = world
    monkeypatch.setenv("SEVER_KEYS_DIR", str(tmp_path / "keys"))
    monkeypatch.setenv("SEVER_RELEASES_DIR", str(tmp_path / "releases"))
    monkeypatch.setattr(clock, "now", lambda: SCANNED_AT + timedelta(hours=3))
    no_key = run_job(cfg, "blocklist")
    assert no_key.status == "failed" and no_key.attempts == 1  # retrying cannot make a key
    assert "keys init" in no_key.summary
    keys.init(bl_config.load())

    first = run_job(cfg, "blocklist")
    assert first.status == "ok", first.summary
    candidates = read("SELECT entry_id FROM block_entries WHERE state = 'candidate' ORDER BY 1")
    assert candidates, "the scanned alerts propose entries"
    assert read("SELECT count(*) FROM block_entries WHERE state = 'approved'") == [(0,)]

    wh = open_warehouse(cfg.warehouse_path)
    try:
        decisions.approve(wh, candidates[0][0], "analyst.two", SCANNED_AT.replace(tzinfo=None))
    finally:
        wh.close()
    second = run_job(cfg, "blocklist")
    assert second.status == "ok", second.summary
    (no,) = read("SELECT max(release_no) FROM block_releases")[0]
    root = tmp_path / "releases" / f"R{no:06d}"
    manifest = verify_release(next(root.iterdir()), tmp_path / "keys" / "signing.pub")
    assert manifest.counts["total"] == 1

    third = run_job(cfg, "blocklist")
    assert third.status == "ok"
    assert read("SELECT max(release_no) FROM block_releases") == [(no,)]  # nothing changed


def test_realtime_logs_job_loads_the_service_logs_once(world):
    from sever.realtime.logs import JsonlLog

    cfg, read = world
    log = JsonlLog(cfg.jobs.realtime_logs.state_dir, "decisions", "w1")
    log.write(
        {
            "decision_id": "SD-1", "client_id": "psp", "recipient": "screener", "release_no": 1,
            "decided_at": "2026-10-08T03:00:00", "action": "block", "amount_usd": 25.0,
            "channel": "p2p", "reason_codes": ["SEV-FSX-COLLECTOR"], "entry_ids": ["BE-1"],
            "rule_hits": [], "shadow_hits": [],
        }
    )  # fmt: skip
    log.close()
    for _ in range(2):
        assert run_job(cfg, "realtime_logs").status == "ok"
    assert read("SELECT decision_id, amount_usd FROM screen_outcomes") == [("SD-1", 25.0)]
