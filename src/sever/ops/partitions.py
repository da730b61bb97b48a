"""The inbox: one folder per delivered day, and where each day stands.

Reads the inbox folder (`YYYY-MM-DD/` folders holding the contract files); reads and
writes ops_partitions. A day moves pending -> running -> done; a failed scan leaves it
`failed` (tried again next time), and a 'running' day whose process died goes back to
pending (`runlog.recover`). Done days are never scanned again unless forced.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sever.errors import UserError
from sever.ops.clock import naive_utc
from sever.warehouse import Warehouse

TODO_STATES = ("pending", "failed")


@dataclass(frozen=True)
class Partition:
    day: date
    path: Path
    fingerprint: str


def fingerprint(folder: Path) -> str:
    """Names, sizes and modification times of the folder's files: changes when they do."""
    parts = sorted(
        f"{p.name}\t{p.stat().st_size}\t{p.stat().st_mtime_ns}"
        for p in folder.iterdir()
        if p.is_file()
    )
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def day_end(day: date, tz: ZoneInfo) -> datetime:
    """The end of `day` in the institution's zone, as naive UTC: the scan's as-of."""
    return naive_utc(datetime.combine(day + timedelta(days=1), time(), tzinfo=tz))


def discover(inbox: Path, today: date, marker: str | None) -> list[Partition]:
    """Day folders that are ready: the day is over (or, with a marker, the marker exists)."""
    if not inbox.is_dir():
        raise UserError(f"inbox {inbox} is not a folder (jobs.nightly_scan.inbox)")
    found = []
    for folder in sorted(p for p in inbox.iterdir() if p.is_dir()):
        try:
            day = date.fromisoformat(folder.name)
        except ValueError:
            continue  # not a partition: other folders may live in the inbox
        ready = (folder / marker).exists() if marker else day < today
        if ready:
            found.append(Partition(day, folder, fingerprint(folder)))
    return found


def register(wh: Warehouse, found: list[Partition], now: datetime) -> None:
    """New days become pending; known days keep their state."""
    for p in found:
        wh.run(
            "ops:partitions:register",
            "INSERT INTO ops_partitions VALUES ($day, $path, 'pending', 0, NULL, NULL, NULL,"
            " $now, $now, NULL) ON CONFLICT (partition_day) DO UPDATE SET path = excluded.path",
            {"day": p.day, "path": str(p.path), "now": now},
        )


def states(wh: Warehouse) -> dict[date, dict]:
    rows = wh.records(
        "ops:partitions:states",
        "SELECT partition_day, state, attempts, fingerprint, scan_run_id, last_error"
        " FROM ops_partitions",
    )
    return {r["partition_day"]: r for r in rows}


def mark_running(wh: Warehouse, day: date, run_id: str, now: datetime) -> None:
    wh.run(
        "ops:partitions:running",
        "UPDATE ops_partitions SET state = 'running', attempts = attempts + 1,"
        " ops_run_id = $run, updated_at = $now WHERE partition_day = $day",
        {"day": day, "run": run_id, "now": now},
    )


def mark_done(wh: Warehouse, p: Partition, scan_run_id: str, now: datetime) -> None:
    wh.run(
        "ops:partitions:done",
        "UPDATE ops_partitions SET state = 'done', fingerprint = $fp, scan_run_id = $scan,"
        " updated_at = $now, last_error = NULL WHERE partition_day = $day",
        {"day": p.day, "fp": p.fingerprint, "scan": scan_run_id, "now": now},
    )


def mark_failed(wh: Warehouse, day: date, error: str, now: datetime) -> None:
    wh.run(
        "ops:partitions:failed",
        "UPDATE ops_partitions SET state = 'failed', last_error = $error, updated_at = $now"
        " WHERE partition_day = $day",
        {"day": day, "error": error[:2000], "now": now},
    )
