"""The real scheduler (APScheduler, SQLite job store, cron in a time zone) driven by a fast
clock over simulated days: one scan per day, a killed run finished by the next tick, a
downtime caught up in order, a tick missed beyond the grace skipped without losing data.
"""

from __future__ import annotations

import queue
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import ops_checks
import pytest
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED
from ops_world import ledger_days, write_day, write_schedule

from sever.ops import clock, runner, scheduler
from sever.warehouse import open_warehouse

CHILD = Path(__file__).with_name("ops_killable.py")
DONE = {EVENT_JOB_EXECUTED: "executed", EVENT_JOB_ERROR: "error", EVENT_JOB_MISSED: "missed"}


class FastClock:
    """One simulated 'now' for APScheduler's loop and executor and for the jobs."""

    def __init__(self, monkeypatch, start: datetime) -> None:
        self.at = start
        fake = self

        class _Datetime(datetime):
            @classmethod
            def now(cls, tz=None):
                return fake.at.astimezone(tz) if tz else fake.at.replace(tzinfo=None)

        import apscheduler.executors.base as executors
        import apscheduler.schedulers.base as schedulers

        monkeypatch.setattr(schedulers, "datetime", _Datetime)
        monkeypatch.setattr(executors, "datetime", _Datetime)
        monkeypatch.setattr(clock, "now", lambda: fake.at)


class Running:
    """A started scheduler over the schedule file, with its job events in a queue."""

    def __init__(self, cfg, path: Path) -> None:
        self.events: queue.Queue = queue.Queue()
        self.sched = scheduler.build(cfg)
        self.sched.add_listener(
            lambda e: self.events.put((e.job_id, DONE[e.code])),
            EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED,
        )
        self.sched.start(paused=True)
        self.changes = scheduler.sync(self.sched, cfg, path)
        self.sched.resume()

    def next_run(self, job: str) -> datetime:
        return self.sched.get_job(job).next_run_time

    def advance(self, fast: FastClock, to: datetime) -> None:
        fast.at = to
        self.sched.wakeup()

    def wait(self) -> tuple[str, str]:
        return self.events.get(timeout=120)

    def idle(self) -> bool:
        try:
            self.events.get(timeout=0.5)
        except queue.Empty:
            return True
        return False

    def stop(self) -> None:
        self.sched.shutdown(wait=True)


def _scans(wh_path: Path) -> list[tuple]:
    wh = open_warehouse(wh_path)
    try:
        return wh.rows(
            "t:partitions",
            "SELECT p.partition_day::VARCHAR, p.state, p.attempts, s.as_of FROM ops_partitions p"
            " LEFT JOIN scan_runs s ON s.run_id = p.scan_run_id ORDER BY p.partition_day",
        )
    finally:
        wh.close()


def _world(wh_path: Path) -> dict:
    wh = open_warehouse(wh_path)
    try:
        return {
            "alerts": ops_checks.alerts(wh),
            "problems": ops_checks.problems(wh),
            "running": ops_checks.running(wh),
            "scans": wh.rows(
                "t:scans", "SELECT status, count(*) FROM scan_runs GROUP BY ALL ORDER BY 1"
            ),
            "nightly": wh.rows(
                "t:nightly",
                "SELECT trigger, status, summary FROM ops_runs WHERE job = 'nightly_scan'"
                " ORDER BY started_at, run_id",
            ),
        }
    finally:
        wh.close()


def at(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, 10, day, hour, minute, second, tzinfo=UTC)


def test_the_scheduler_scans_each_day_once_finishes_a_killed_run_and_catches_up_in_order(
    delivery, tmp_path, monkeypatch
) -> None:
    days = ledger_days(delivery)  # 2026-10-01 .. 2026-10-10 (UTC)
    inbox = tmp_path / "inbox"
    path, cfg = write_schedule(tmp_path)
    assert cfg.catch_up.grace == 6 * 3600
    wh_path = cfg.warehouse_path
    fast = FastClock(monkeypatch, at(7, 12))

    # Day 7: the initial load (days 1-7) arrives; the 02:30 tick of day 8 scans it.
    write_day(delivery, inbox, days[6], first=days[0])
    run = Running(cfg, path)
    assert run.changes == {"nightly_scan": "added"}
    assert run.next_run("nightly_scan") == at(8, 2, 30)
    run.advance(fast, at(8, 2, 30, 1))
    assert run.wait() == ("nightly_scan", "executed")
    assert run.next_run("nightly_scan") == at(9, 2, 30)

    # Day 8 arrives; a manual run is killed halfway through its alerts...
    write_day(delivery, inbox, days[7])
    fast.at = at(8, 23)
    killed = subprocess.run(
        [sys.executable, str(CHILD), str(path), "nightly_scan", at(9, 0, 5).isoformat(),
         "step", "alerts:insert_new"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert killed.returncode == -9, killed.stderr[-2000:]
    assert _scans(wh_path)[-1][:3] == ("2026-10-08", "running", 1)
    # ... and the next tick finishes the day.
    run.advance(fast, at(9, 2, 30, 1))
    assert run.wait() == ("nightly_scan", "executed")
    assert _scans(wh_path)[-1][:3] == ("2026-10-08", "done", 2)

    # The machine is off from day 9 03:00 to day 11 04:00: the ticks of days 10 and 11 are
    # missed while days 9 and 10 arrive. On start-up one coalesced run scans both, in order.
    fast.at = at(9, 3)
    run.stop()
    write_day(delivery, inbox, days[8])
    write_day(delivery, inbox, days[9])
    fast.at = at(11, 4)
    run = Running(cfg, path)
    assert run.changes == {"nightly_scan": "kept"}  # its next run time (day 10) survived
    assert run.wait() == ("nightly_scan", "executed")  # the missed tick, within the grace
    assert run.idle()  # coalesced: once, not once per missed tick
    scans = _scans(wh_path)
    assert [s[0] for s in scans] == ["2026-10-07", "2026-10-08", "2026-10-09", "2026-10-10"]
    assert all(s[1] == "done" for s in scans)
    assert [s[3] for s in scans] == sorted(s[3] for s in scans)  # scanned oldest first
    world = _world(wh_path)
    assert "scanned 2026-10-09, 2026-10-10" in world["nightly"][-1][2]

    # Nothing new: the next tick scans nothing. Then a downtime longer than the grace: the
    # missed tick is skipped, and the next one runs on time.
    run.advance(fast, at(12, 2, 30, 1))
    assert run.wait() == ("nightly_scan", "executed")
    fast.at = at(12, 3)
    run.stop()
    fast.at = at(14, 12)
    run = Running(cfg, path)
    assert run.wait() == ("nightly_scan", "missed")
    assert run.next_run("nightly_scan") == at(15, 2, 30)
    run.advance(fast, at(15, 2, 30, 1))
    assert run.wait() == ("nightly_scan", "executed")
    run.stop()

    world = _world(wh_path)
    assert not world["problems"] and not world["running"]
    assert world["scans"] == [("abandoned", 1), ("ok", 4)]  # one scan per day, plus the killed
    summaries = [s for _, _, s in world["nightly"]]
    assert summaries[-2:] == ["nothing to scan", "nothing to scan"]
    assert [t for t, _, _ in world["nightly"]].count("schedule") == len(summaries) - 1

    # The same days scanned one by one, never interrupted, give the same alerts.
    ref_root = tmp_path / "reference"
    ref_root.mkdir()
    _, ref_cfg = write_schedule(ref_root)
    ref_cfg.jobs.nightly_scan.inbox = inbox
    for day in range(8, 12):
        fast.at = at(day, 2, 30)
        assert runner.run_job(ref_cfg, "nightly_scan").status == "ok"
    assert _world(ref_cfg.warehouse_path)["alerts"] == world["alerts"]


@pytest.mark.parametrize("change", ["cron", "removed"])
def test_a_changed_schedule_file_updates_the_stored_jobs(delivery, tmp_path, change) -> None:
    path, cfg = write_schedule(tmp_path, reminders={"cron": "0 8 * * *"})
    with scheduler.opened(cfg) as sched:
        assert scheduler.sync(sched, cfg, path) == {"nightly_scan": "added", "reminders": "added"}
    if change == "cron":
        path, cfg = write_schedule(tmp_path, reminders={"cron": "0 9 * * *"})
        expected = {"nightly_scan": "kept", "reminders": "updated"}
    else:
        path, cfg = write_schedule(tmp_path)
        expected = {"nightly_scan": "kept", "reminders": "removed"}
    with scheduler.opened(cfg) as sched:
        assert scheduler.sync(sched, cfg, path) == expected
    stored = scheduler.stored(cfg)
    assert ("reminders" in stored) == (change == "cron")
    if change == "cron":
        assert stored["reminders"].hour == 9
