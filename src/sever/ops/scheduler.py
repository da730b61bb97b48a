"""The scheduler: APScheduler 3, its jobs kept in a SQLite file beside the warehouse.

Reads the schedule file; keeps the jobs in `sever.jobs.sqlite` (SQLAlchemyJobStore), so
next run times survive a restart and a tick missed while the machine was off runs once
on start-up if it is within `catch_up.grace` (coalesced: one run, not one per missed
tick; the nightly scan then works through every pending day in order). Jobs run one at
a time on one worker thread, each through `runner.run_job`. One scheduler per job
store: a second `sever schedule start` stops with a message naming the first.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from sever.errors import SeverError
from sever.ops import lock, runner
from sever.ops.config import Job, ScheduleConfig, load
from sever.ops.context import Say

FIRE = "sever.ops.scheduler:fire"


def fire(job: str, config: str) -> None:
    """What the job store calls: re-read the file (job settings may have changed), run."""
    try:
        cfg = load(Path(config))
    except SeverError as exc:  # an edit broke the file: say so, keep the scheduler up
        runner.log.error("%s: not run: %s", job, exc)
        return
    runner.run_job(cfg, job, trigger="schedule")


def trigger_for(cfg: ScheduleConfig, job: Job) -> CronTrigger:
    return CronTrigger.from_crontab(job.cron, timezone=cfg.tz)


def build(cfg: ScheduleConfig) -> BackgroundScheduler:
    cfg.job_store_path.parent.mkdir(parents=True, exist_ok=True)
    return BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(url=f"sqlite:///{cfg.job_store_path}")},
        executors={"default": ThreadPoolExecutor(1)},
        job_defaults={
            "coalesce": True,
            "max_instances": 1,
            "misfire_grace_time": cfg.catch_up.grace,
        },
        timezone=cfg.tz,
    )


def sync(sched: BackgroundScheduler, cfg: ScheduleConfig, config_path: Path) -> dict[str, str]:
    """Make the stored jobs match the file; an unchanged job keeps its next run time."""
    wanted = cfg.enabled()
    changes: dict[str, str] = {}
    for name, job in wanted.items():
        trig = trigger_for(cfg, job)
        kwargs = {"job": name, "config": str(config_path.absolute())}
        old = sched.get_job(name)
        same = (
            old is not None
            and repr(old.trigger) == repr(trig)
            and old.kwargs == kwargs
            and old.misfire_grace_time == cfg.catch_up.grace
        )
        if same:
            changes[name] = "kept"
            continue
        sched.add_job(
            FIRE,
            trig,
            id=name,
            name=name,
            kwargs=kwargs,
            replace_existing=True,
            misfire_grace_time=cfg.catch_up.grace,
        )
        changes[name] = "added" if old is None else "updated"
    for job in sched.get_jobs():
        if job.id not in wanted:
            sched.remove_job(job.id)
            changes[job.id] = "removed"
    return changes


@contextmanager
def opened(cfg: ScheduleConfig) -> Iterator[BackgroundScheduler]:
    """The job store behind a paused scheduler: jobs can be read and changed, none runs."""
    sched = build(cfg)
    sched.start(paused=True)
    try:
        yield sched
    finally:
        sched.shutdown(wait=False)


def stored(cfg: ScheduleConfig) -> dict[str, datetime | None]:
    """Next run time of every job in the store."""
    if not cfg.job_store_path.exists():
        return {}
    with opened(cfg) as sched:
        return {job.id: job.next_run_time for job in sched.get_jobs()}


def serve(cfg: ScheduleConfig, config_path: Path, say: Say) -> None:
    """Run the scheduler until SIGTERM or SIGINT; a running job finishes its current unit."""
    with lock.hold(cfg.job_store_path, wait=0, what="sever schedule start"):
        sched = build(cfg)
        sched.start(paused=True)
        changes = sync(sched, cfg, config_path)
        for job in sched.get_jobs():
            say(f"{job.id}: next run {job.next_run_time:%Y-%m-%d %H:%M %Z} ({changes[job.id]})")
        for name, change in changes.items():
            if change == "removed":
                say(f"{name}: removed (no longer in the schedule file)")
        runner.STOP.clear()

        def stop(signum: int, _frame: Any) -> None:
            say(f"{signal.Signals(signum).name}: stopping after the running job's current step")
            runner.STOP.set()

        previous = {s: signal.signal(s, stop) for s in (signal.SIGTERM, signal.SIGINT)}
        try:
            sched.resume()
            while not runner.STOP.wait(1.0):
                pass
        finally:
            sched.shutdown(wait=True)
            for s, handler in previous.items():
                signal.signal(s, handler)
        say("scheduler stopped")
