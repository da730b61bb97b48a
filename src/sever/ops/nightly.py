"""The nightly scan: every pending day of the inbox, oldest first, each scanned once.

Reads the inbox and ops_partitions; runs `sever.scan.run.scan` per day (which writes
every stage's tables and scan_runs) with the day's end as its as-of; writes
ops_partitions and, per day, out/YYYY-MM-DD/. Catching up after downtime needs no
special case: a tick scans all days still pending, in order, and stops at the first
failure so that no day is scanned before an earlier one.
"""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from sever.errors import UserError
from sever.ops import partitions
from sever.ops.clock import naive_utc
from sever.ops.config import NightlyScan
from sever.ops.context import Context, JobResult
from sever.ops.partitions import Partition


class PartitionFailed(Exception):
    def __init__(self, day: date, cause: BaseException) -> None:
        self.day = day
        self.partial: dict[str, Any] = {}  # what the run did before it (kept in the run log)
        super().__init__(f"scan of partition {day} failed: {type(cause).__name__}: {cause}")


def _select(ctx: Context, job: NightlyScan) -> tuple[list[Partition], list[str]]:
    """The days to scan now, oldest first, and the done days whose files changed since."""
    today = ctx.now.astimezone(ctx.config.tz).date()
    only: date | None = ctx.options.get("partition")
    force = bool(ctx.options.get("force"))
    if force and only is None:
        raise UserError("--force rescans one day that is already done: give --partition too")
    if only is not None:
        folder = job.inbox / only.isoformat()
        if not folder.is_dir():
            raise UserError(f"no partition folder {folder}")
        found = [Partition(only, folder, partitions.fingerprint(folder))]
    else:
        found = partitions.discover(job.inbox, today, job.ready_marker)
    partitions.register(ctx.wh, found, ctx.now_utc)
    known = partitions.states(ctx.wh)
    todo = [p for p in found if known[p.day]["state"] in partitions.TODO_STATES or force]
    changed = [
        p.day.isoformat()
        for p in found
        if known[p.day]["state"] == "done" and known[p.day]["fingerprint"] != p.fingerprint
    ]
    return todo, changed


def _scan_one(ctx: Context, p: Partition, cfg, rules_dir) -> dict[str, Any]:
    from sever.scan.run import scan

    job: NightlyScan = ctx.job  # type: ignore[assignment]
    wh = ctx.wh
    partitions.mark_running(wh, p.day, ctx.run_id, ctx.now_utc)
    ctx.say(f"nightly_scan: scanning {p.day}")
    started = time.perf_counter()
    try:
        result = scan(
            wh,
            p.path,
            job.out / p.day.isoformat(),
            cfg,
            as_of=partitions.day_end(p.day, ctx.config.tz),
            lookback_days=job.lookback_days,
            rules_dir=rules_dir,
        )
    except Exception as exc:
        at = naive_utc(ctx.now)
        wh.run(
            "ops:scan:failed",
            "UPDATE scan_runs SET status = 'failed', finished_at = ? WHERE status = 'running'",
            [at],
        )
        partitions.mark_failed(wh, p.day, f"{type(exc).__name__}: {exc}", at)
        raise PartitionFailed(p.day, exc) from exc
    partitions.mark_done(wh, p, result.run_id, ctx.now_utc)
    rec = result.record
    dq = rec.get("data_quality") or {}
    entry = {
        "day": p.day.isoformat(),
        "path": str(p.path),
        "scan_run_id": result.run_id,
        "as_of": rec["as_of"],
        "counts": rec["counts"],
        "data_quality": {
            "totals": dq.get("totals", {}),
            "failed_expectations": len(dq.get("failed_expectations", [])),
        },
        "unusable_files": rec["unusable_files"],
        "timings_s": rec["timings_s"],
        "seconds": round(time.perf_counter() - started, 3),
    }
    alerts = rec["counts"].get("alerts", {})
    quarantined = sum(t.get("quarantined", 0) for t in dq.get("totals", {}).values())
    ctx.say(
        f"nightly_scan: {p.day} done in {entry['seconds']:.1f}s: {alerts.get('created', 0)} new"
        f" alert(s), {alerts.get('updated', 0)} updated; {quarantined} row(s) quarantined"
        + (f"; UNUSABLE files: {', '.join(rec['unusable_files'])}" if rec["unusable_files"] else "")
    )
    return entry


def nightly_scan(ctx: Context) -> JobResult:
    from sever.config import load

    job: NightlyScan = ctx.job  # type: ignore[assignment]
    if job.rules is not None and not job.rules.is_dir():
        raise UserError(f"rules folder {job.rules} does not exist (jobs.nightly_scan.rules)")
    cfg = load(str(job.detection_config) if job.detection_config else None)
    todo, changed = _select(ctx, job)
    for day in changed:
        ctx.say(
            f"nightly_scan: partition {day} changed after it was scanned; rescan it with"
            f" `sever schedule run nightly_scan --partition {day} --force`"
        )
    done: list[dict[str, Any]] = []
    stopped = None
    for p in todo:
        if ctx.stopping():
            stopped = p.day.isoformat()
            ctx.say(f"nightly_scan: stopping; {p.day} and later stay pending")
            break
        try:
            done.append(_scan_one(ctx, p, cfg, job.rules))
        except PartitionFailed as exc:
            exc.partial = {"partitions": done, "failed": p.day.isoformat()}
            raise
    record = {
        "inputs": {"inbox": str(job.inbox), "todo": [p.day.isoformat() for p in todo]},
        "partitions": done,
        "changed_after_scan": changed,
        "stopped_before": stopped,
        "alerts": {
            k: sum(d["counts"].get("alerts", {}).get(k, 0) for d in done)
            for k in ("created", "updated", "unchanged")
        },
    }
    if not done:
        summary = "nothing to scan" + ("" if stopped is None else " (stopping)")
    else:
        a = record["alerts"]
        summary = (
            f"scanned {', '.join(d['day'] for d in done)}: {a['created']} new alert(s),"
            f" {a['updated']} updated"
        )
    problems = changed or stopped or any(d["unusable_files"] for d in done)
    return JobResult(summary, record, "warning" if problems else "ok")
