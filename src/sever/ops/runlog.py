"""The run log: one `ops_runs` row per job run, and the recovery of runs that died.

Reads and writes ops_runs; `recover` also closes what a killed process left open in
scan_runs, ingest_runs and ops_partitions. It is called only by a process holding the
warehouse lock with the warehouse open (DuckDB admits one writing process), so any
row still 'running' then belongs to a process that is gone.
"""

from __future__ import annotations

import json
import os
import socket
from datetime import datetime
from typing import Any

from sever.warehouse import Warehouse

ABANDONED = "abandoned: the process running it stopped (killed or crashed) before it finished"


def _json(value: Any) -> str:
    return json.dumps(value, default=str, sort_keys=True)


def recover(wh: Warehouse, now: datetime) -> dict[str, Any]:
    """Close runs left 'running' by a dead process; put its partitions back to pending."""
    found: dict[str, Any] = {}
    for table, extra in (
        ("ops_runs", ", summary = $why"),
        ("scan_runs", ""),
        ("ingest_runs", ""),
    ):
        ids = wh.rows(
            f"ops:recover:{table}",
            f"UPDATE {table} SET status = 'abandoned', finished_at = $now{extra}"
            " WHERE status = 'running' RETURNING run_id",
            {"now": now, **({"why": ABANDONED} if extra else {})},
        )
        if ids:
            found[table] = len(ids)
    days = wh.rows(
        "ops:recover:partitions",
        "UPDATE ops_partitions SET state = 'pending', updated_at = $now,"
        " last_error = 'interrupted (process stopped mid-scan); retried'"
        " WHERE state = 'running' RETURNING partition_day",
        {"now": now},
    )
    if days:
        found["partitions"] = sorted(d.isoformat() for (d,) in days)
    return found


def start(wh: Warehouse, run_id: str, job: str, trigger: str, started: datetime, attempt: int):
    wh.run(
        "ops:run:start",
        "INSERT INTO ops_runs VALUES ($id, $job, $trigger, $started, NULL, 'running', $attempt,"
        " $host, $pid, NULL, NULL) ON CONFLICT (run_id) DO UPDATE SET status = 'running',"
        " attempts = excluded.attempts, finished_at = NULL",
        {
            "id": run_id,
            "job": job,
            "trigger": trigger,
            "started": started,
            "attempt": attempt,
            "host": socket.gethostname(),
            "pid": os.getpid(),
        },
    )


def finish(
    wh: Warehouse, run_id: str, status: str, summary: str, record: dict[str, Any], at: datetime
) -> None:
    wh.run(
        "ops:run:finish",
        "UPDATE ops_runs SET status = $status, finished_at = $at, summary = $summary,"
        " record = $record WHERE run_id = $id",
        {"status": status, "at": at, "summary": summary, "record": _json(record), "id": run_id},
    )


def latest(wh: Warehouse) -> dict[str, dict[str, Any]]:
    """The last run of each job."""
    rows = wh.records(
        "ops:runs:latest",
        "SELECT job, run_id, trigger, started_at, finished_at, status, attempts, summary"
        " FROM ops_runs QUALIFY row_number() OVER (PARTITION BY job ORDER BY started_at DESC,"
        " run_id DESC) = 1",
    )
    return {r["job"]: r for r in rows}


def runs(wh: Warehouse, job: str | None, limit: int) -> list[dict[str, Any]]:
    return wh.records(
        "ops:runs:list",
        "SELECT run_id, job, trigger, started_at, finished_at, status, attempts, summary, record"
        " FROM ops_runs WHERE $job IS NULL OR job = $job ORDER BY started_at DESC, run_id DESC"
        " LIMIT $limit",
        {"job": job, "limit": limit},
    )
