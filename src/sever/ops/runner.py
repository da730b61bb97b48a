"""Run one job: take the lock, open the warehouse, recover, record, retry with back-off.

Reads the schedule config; writes the job's ops_runs row (at the start of each attempt
and when it ends) and whatever the job writes. A failure is retried after the
configured back-off, except a user error or a missing module (the same again would
fail the same way); each failure is reported through `say` and kept in the record.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
import traceback
from dataclasses import dataclass, field
from typing import Any

from sever.config import get_settings
from sever.errors import SqlError, UserError
from sever.ops import clock, lock, runlog
from sever.ops.config import ScheduleConfig
from sever.ops.context import Context, Say
from sever.ops.jobs import JOBS
from sever.warehouse import open_warehouse

log = logging.getLogger("sever.ops")

# Set by the scheduler on SIGTERM/SIGINT: jobs stop between units of work, retries stop waiting.
STOP = threading.Event()


@dataclass
class Outcome:
    run_id: str
    job: str
    status: str  # ok, warning, failed
    summary: str
    attempts: int
    errors: list[str] = field(default_factory=list)
    record: dict[str, Any] = field(default_factory=dict)


def _line(exc: BaseException) -> str:
    """One short line: what went wrong, without the SQL or any row it may quote."""
    if isinstance(exc, SqlError):
        text = f"SQL step {exc.step}: {str(exc.cause).splitlines()[0]}"
    else:
        text = (str(exc).splitlines() or [""])[0]
    return f"{type(exc).__name__}: {text}"[:300]


def _attempt(
    cfg: ScheduleConfig,
    name: str,
    run_id: str,
    trigger: str,
    attempt: int,
    options: dict[str, Any],
    say: Say,
    errors: list[str],
) -> Outcome:
    settings = get_settings()
    with lock.hold(
        cfg.warehouse_path, wait=cfg.lock.wait, what=f"sever schedule: {name}", on_wait=say
    ):
        wh = open_warehouse(
            cfg.warehouse_path, threads=settings.threads, memory_limit=settings.memory_limit
        )
        try:
            now = clock.now()
            recovered = runlog.recover(wh, clock.naive_utc(now))
            if recovered:
                say(f"{name}: recovered after an interrupted run: {recovered}")
            runlog.start(wh, run_id, name, trigger, clock.naive_utc(now), attempt)
            ctx = Context(wh, cfg, cfg.job(name), run_id, now, say, STOP.is_set, options)
            t0 = time.perf_counter()
            try:
                result = JOBS[name](ctx)
            except Exception as exc:
                record = {
                    "options": options,
                    "recovered": recovered,
                    "errors": [*errors, f"attempt {attempt}: {_line(exc)}"],
                    "partial": getattr(exc, "partial", None),
                    "traceback": traceback.format_exc(limit=8),
                }
                try:
                    at = clock.naive_utc(clock.now())
                    runlog.finish(wh, run_id, "failed", _line(exc), record, at)
                except SqlError as also:  # keep the first error; say why it is not logged
                    say(f"{name}: could not record the failure: {_line(also)}")
                raise
            record = {
                **result.record,
                "options": options,
                "recovered": recovered,
                "errors": errors,
                "seconds": round(time.perf_counter() - t0, 3),
            }
            runlog.finish(
                wh, run_id, result.status, result.summary, record, clock.naive_utc(clock.now())
            )
        finally:
            wh.close()
    return Outcome(run_id, name, result.status, result.summary, attempt, errors, record)


def run_job(
    cfg: ScheduleConfig,
    name: str,
    *,
    trigger: str = "manual",
    options: dict[str, Any] | None = None,
    say: Say | None = None,
) -> Outcome:
    """Run `name` now (with retries); never raises for a job failure: see the outcome."""
    say = say or log.info
    cfg.job(name)  # a clear error for an unknown or unconfigured job
    retry = cfg.retry_for(name)
    run_id = f"ops-{name}-{clock.now():%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"
    options = options or {}
    errors: list[str] = []
    attempt = 0
    for attempt in range(1, retry.attempts + 1):
        try:
            outcome = _attempt(cfg, name, run_id, trigger, attempt, options, say, errors)
        except UserError as exc:  # configuration or input: retrying cannot help
            errors.append(f"attempt {attempt}: {_line(exc)}")
            break
        except Exception as exc:
            errors.append(f"attempt {attempt}: {_line(exc)}")
            if attempt == retry.attempts:
                break
            delay = retry.delays()[attempt - 1]
            tried = f"attempt {attempt}/{retry.attempts}"
            say(f"{name}: {tried} failed ({_line(exc)}); retrying in {delay:.0f}s")
            if STOP.wait(delay):
                errors.append("stopped before the next attempt")
                break
        else:
            say(f"{name}: {outcome.status}: {outcome.summary}")
            return outcome
    say(f"{name}: FAILED after {attempt} attempt(s): {errors[-1]}")
    return Outcome(run_id, name, "failed", errors[-1], attempt, errors)
