"""Runs: the schedule file's errors, the shared lock, retries with back-off, failures that
keep later days waiting, the run log, and the CLI commands."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import typer
from ops_world import ledger_days, write_day, write_schedule
from typer.testing import CliRunner

from sever.cli import scan_cmd, schedule_cmd
from sever.errors import UserError
from sever.ops import clock, lock, scheduler
from sever.ops.config import load, parse
from sever.ops.runner import run_job
from sever.warehouse import open_warehouse

EXAMPLE = Path(__file__).parents[2] / "src" / "sever" / "config" / "schedule.example.yaml"
NOW = datetime(2026, 10, 9, 2, 30, tzinfo=UTC)


def test_the_example_schedule_is_valid_and_lists_every_job() -> None:
    cfg = load(EXAMPLE)
    assert set(cfg.enabled()) == {
        "nightly_scan", "signal_sync", "signal_expiry", "blocklist", "realtime_logs",
        "reminders", "retention",
    }  # fmt: skip
    assert cfg.retry.delays() == [120, 240]
    assert cfg.job_store_path == Path("/srv/sever/warehouse/sever.jobs.sqlite")


def test_schedule_errors_name_the_file_line_and_field(tmp_path) -> None:
    text = (
        "timezone: Mars/Olympus\n"
        "lock: {wait: soon}\n"
        "jobs:\n"
        "  nightly_scan:\n"
        "    cron: '61 2 * * *'\n"
        "    inbox: in\n"
        "    out: out\n"
        "  retention:\n"
        "    cron: '0 4 * * 0'\n"
        "    transaction_months: 12\n"
    )
    with pytest.raises(UserError) as err:
        parse(text, tmp_path / "schedule.yaml")
    msg = str(err.value)
    assert f"{tmp_path / 'schedule.yaml'}:2: lock.wait: 'soon' is not a duration" in msg
    assert ":5: jobs.nightly_scan.cron: '61 2 * * *' is not a five-field crontab" in msg
    assert ":10: jobs.retention.transaction_months: Extra inputs are not permitted" in msg
    assert ":1: timezone: unknown time zone 'Mars/Olympus'" in msg


def test_relative_paths_count_from_the_schedule_file(tmp_path) -> None:
    _, cfg = write_schedule(tmp_path)
    assert cfg.warehouse_path == tmp_path / "wh" / "sever.duckdb"
    assert cfg.jobs.nightly_scan.inbox == tmp_path / "inbox"
    assert cfg.job_store_path == tmp_path / "wh" / "sever.jobs.sqlite"


@pytest.fixture
def two_days(delivery, tmp_path, monkeypatch):
    days = ledger_days(delivery)
    write_day(delivery, tmp_path / "inbox", days[6], first=days[0])
    write_day(delivery, tmp_path / "inbox", days[7])
    monkeypatch.setattr(clock, "now", lambda: NOW)
    return write_schedule(tmp_path)


def _partitions(cfg) -> list[tuple]:
    wh = open_warehouse(cfg.warehouse_path)
    try:
        return wh.rows(
            "t:p", "SELECT partition_day::VARCHAR, state, attempts FROM ops_partitions ORDER BY 1"
        )
    finally:
        wh.close()


def test_a_failure_is_retried_and_a_failed_day_holds_back_the_later_ones(two_days, monkeypatch):
    _, cfg = two_days
    import sever.scan.run as scan_run

    real, calls = scan_run.scan, []

    def flaky(wh, data_dir, *args, **kwargs):
        calls.append(data_dir.name)
        if len(calls) <= 2:  # both attempts at the first day fail
            raise RuntimeError("disk hiccup")
        return real(wh, data_dir, *args, **kwargs)

    monkeypatch.setattr(scan_run, "scan", flaky)
    said: list[str] = []
    failed = run_job(cfg, "nightly_scan", say=said.append)
    assert failed.status == "failed" and failed.attempts == 2
    assert calls == ["2026-10-07", "2026-10-07"]  # never the later day first
    assert _partitions(cfg) == [("2026-10-07", "failed", 2), ("2026-10-08", "pending", 0)]
    assert any("retrying in 0s" in s for s in said) and "FAILED" in said[-1]

    ok = run_job(cfg, "nightly_scan")  # the next run: the failed day, then the next one
    assert ok.status == "ok" and calls[2:] == ["2026-10-07", "2026-10-08"]
    assert _partitions(cfg) == [("2026-10-07", "done", 3), ("2026-10-08", "done", 1)]
    wh = open_warehouse(cfg.warehouse_path)
    log = wh.records(
        "t:log", "SELECT status, attempts, summary, record FROM ops_runs ORDER BY started_at"
    )
    scans = wh.rows("t:s", "SELECT status, count(*) FROM scan_runs GROUP BY ALL")
    wh.close()
    assert [(r["status"], r["attempts"]) for r in log] == [("failed", 2), ("ok", 1)]
    assert "disk hiccup" in log[0]["summary"]
    assert len(json.loads(log[0]["record"])["errors"]) == 2
    rec = json.loads(log[1]["record"])
    assert [p["day"] for p in rec["partitions"]] == ["2026-10-07", "2026-10-08"]
    assert {"ingest", "alerts", "signal_hits"} <= set(rec["partitions"][0]["counts"])
    assert rec["partitions"][0]["data_quality"]["totals"]["transactions"]["loaded"] > 0
    assert scans == [("ok", 2)]


def test_a_done_day_is_scanned_again_only_when_forced(two_days):
    _, cfg = two_days
    assert run_job(cfg, "nightly_scan").status == "ok"
    assert run_job(cfg, "nightly_scan").summary == "nothing to scan"
    forced = run_job(cfg, "nightly_scan", options={"partition": NOW.date().replace(day=8),
                                                   "force": True})  # fmt: skip
    assert forced.summary.startswith("scanned 2026-10-08: 0 new alert(s)")
    with_force_only = run_job(cfg, "nightly_scan", options={"force": True})
    assert with_force_only.status == "failed" and "--partition" in with_force_only.summary


def test_a_second_run_waits_for_the_lock_then_stops_with_a_clear_message(two_days, monkeypatch):
    _, cfg = two_days
    monkeypatch.setattr(cfg.lock, "wait", 1)
    with lock.hold(cfg.warehouse_path, wait=0, what="sever scan (test)"):
        outcome = run_job(cfg, "nightly_scan")
    assert outcome.status == "failed"
    assert "in use by sever scan (test)" in outcome.summary
    assert "gave up after waiting 1s" in outcome.summary
    assert not (cfg.warehouse_path.parent / "sever.duckdb").exists()  # never touched


def test_a_manual_scan_refuses_while_a_job_holds_the_warehouse(two_days, tmp_path) -> None:
    _, cfg = two_days
    app = typer.Typer()
    scan_cmd.register(app)
    app.command("noop")(lambda: None)
    with lock.hold(cfg.warehouse_path, wait=0, what="sever schedule: nightly_scan"):
        result = CliRunner().invoke(
            app,
            ["scan", str(tmp_path / "inbox" / "2026-10-07"), "--out", str(tmp_path / "o"),
             "--warehouse", str(cfg.warehouse_path)],
        )  # fmt: skip
    assert isinstance(result.exception, lock.Busy)
    assert "in use by sever schedule: nightly_scan" in str(result.exception)
    assert int(result.exception.exit_code) == 3


def test_a_second_scheduler_on_the_same_job_store_stops_at_once(two_days) -> None:
    path, cfg = two_days
    held = lock.hold(cfg.job_store_path, wait=0, what="sever schedule start")
    with held, pytest.raises(lock.Busy, match="in use by sever schedule start"):
        scheduler.serve(cfg, path, print)


def test_the_cli_runs_a_job_and_shows_the_schedule_and_the_run_log(two_days) -> None:
    path, _ = two_days
    app = typer.Typer()
    schedule_cmd.register(app)
    app.command("noop")(lambda: None)
    cli = CliRunner()
    ran = cli.invoke(app, ["schedule", "run", "nightly_scan", "--config", str(path)])
    assert ran.exit_code == 0, ran.output
    assert "nightly_scan: scanning 2026-10-07" in ran.output
    listed = cli.invoke(app, ["schedule", "list", "--config", str(path)])
    assert listed.exit_code == 0, listed.output
    assert "nightly_scan" in listed.output and "(not started)" in listed.output
    assert "scanned" in listed.output
    runs = cli.invoke(app, ["schedule", "runs", "--config", str(path)])
    assert runs.exit_code == 0 and "ops-nightly_scan-" in runs.output
    bad = cli.invoke(app, ["schedule", "run", "nope", "--config", str(path)])
    assert isinstance(bad.exception, UserError) and "unknown job 'nope'" in str(bad.exception)
