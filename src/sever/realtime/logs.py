"""Decision and acknowledgement logs: JSONL files the service appends, the warehouse imports.

The service writes `<state>/decisions-<worker>.jsonl` and `<state>/acks-<worker>.jsonl`
(one file per worker process, so no two processes append to one file). A decision line
holds no identifier of a person: decision id, client, recipient, release, time, action,
amount_usd, channel, reason codes, entry ids, and the rule refs that hit. DuckDB allows
one writer process, so the service never opens the warehouse; `import_logs` (run by the
CLI or the scheduler) loads the files into `screen_outcomes` and `block_acks`, skipping
rows already there, so it can run any number of times, even while the service writes.
"""

from __future__ import annotations

import json
import os
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sever.warehouse import Warehouse

FLUSH_LINES = 256
FLUSH_SECONDS = 1.0


def utc_now() -> str:
    return datetime.now(UTC).replace(tzinfo=None).isoformat(timespec="microseconds")


class JsonlLog:
    """Buffered append-only JSONL file of one worker; flushes by size, age and on close."""

    def __init__(self, state_dir: Path, kind: str, worker: str, *, buffered: bool = True) -> None:
        state_dir.mkdir(parents=True, exist_ok=True)
        self.path = state_dir / f"{kind}-{worker}.jsonl"
        self._file: IO[str] = self.path.open("a", encoding="utf-8")
        self._buf: list[str] = []
        self._limit = FLUSH_LINES if buffered else 1
        self._last = time.monotonic()

    def write(self, record: dict[str, Any]) -> None:
        self._buf.append(json.dumps(record, separators=(",", ":")))
        if len(self._buf) >= self._limit or time.monotonic() - self._last >= FLUSH_SECONDS:
            self.flush()

    def flush(self) -> None:
        self._last = time.monotonic()
        if self._buf:
            self._file.write("\n".join(self._buf) + "\n")
            self._buf.clear()
            self._file.flush()

    def close(self) -> None:
        self.flush()
        self._file.close()


def worker_tag() -> str:
    """Unique per process start: the pid and the start time."""
    return f"{os.getpid()}-{time.time_ns() // 1_000_000}"


_OUTCOME_COLUMNS = {
    "decision_id": "VARCHAR",
    "client_id": "VARCHAR",
    "recipient": "VARCHAR",
    "release_no": "INTEGER",
    "decided_at": "TIMESTAMP",
    "action": "VARCHAR",
    "amount_usd": "DOUBLE",
    "channel": "VARCHAR",
    "reason_codes": "VARCHAR[]",
    "entry_ids": "VARCHAR[]",
}
_ACK_COLUMNS = {
    "client_id": "VARCHAR",
    "recipient": "VARCHAR",
    "release_no": "INTEGER",
    "loaded_at": "TIMESTAMP",
    "reported_at": "TIMESTAMP",
    "via": "VARCHAR",
}


def _reader(columns: dict[str, str]) -> str:
    # A line still being written is not valid JSON yet: skipped now, read next time.
    cols = ", ".join(f"'{k}': '{t}'" for k, t in columns.items())
    return (
        "read_json(?, format = 'newline_delimited', columns = {" + cols + "}, ignore_errors = true)"
    )


def import_logs(wh: Warehouse, state_dir: Path) -> dict[str, int]:
    """Load every decision and ack log under `state_dir`; return rows read and added."""
    out = {"outcomes_read": 0, "outcomes_added": 0, "acks_read": 0, "acks_added": 0}
    decisions = sorted(str(p) for p in state_dir.glob("decisions-*.jsonl") if p.stat().st_size)
    acks = sorted(str(p) for p in state_dir.glob("acks-*.jsonl") if p.stat().st_size)
    with wh.transaction("realtime:import_logs"):
        if decisions:
            cols = ", ".join(_OUTCOME_COLUMNS)
            wh.run(
                "realtime:stage_outcomes",
                f"CREATE OR REPLACE TEMP TABLE _screen_log AS SELECT {cols}"
                f" FROM {_reader(_OUTCOME_COLUMNS)} WHERE decision_id IS NOT NULL",
                [decisions],
            )
            out["outcomes_read"] = wh.scalar("realtime:count", "SELECT count(*) FROM _screen_log")
            out["outcomes_added"] = wh.run(
                "realtime:insert_outcomes",
                f"""INSERT INTO screen_outcomes ({cols})
                    SELECT DISTINCT ON (decision_id) {cols} FROM _screen_log l
                    WHERE NOT EXISTS (SELECT 1 FROM screen_outcomes o
                                      WHERE o.decision_id = l.decision_id)""",
            ).fetchone()[0]
            wh.run("realtime:drop_outcomes", "DROP TABLE _screen_log")
        if acks:
            cols = ", ".join(_ACK_COLUMNS)
            wh.run(
                "realtime:stage_acks",
                f"CREATE OR REPLACE TEMP TABLE _ack_log AS SELECT DISTINCT {cols}"
                f" FROM {_reader(_ACK_COLUMNS)} WHERE client_id IS NOT NULL",
                [acks],
            )
            out["acks_read"] = wh.scalar("realtime:count", "SELECT count(*) FROM _ack_log")
            out["acks_added"] = wh.run(
                "realtime:insert_acks",
                f"""INSERT INTO block_acks ({cols})
                    SELECT {cols} FROM _ack_log l
                    WHERE NOT EXISTS (
                        SELECT 1 FROM block_acks a
                        WHERE a.client_id = l.client_id AND a.recipient = l.recipient
                          AND a.release_no = l.release_no AND a.loaded_at = l.loaded_at
                          AND a.reported_at = l.reported_at AND a.via = l.via)""",
            ).fetchone()[0]
            wh.run("realtime:drop_acks", "DROP TABLE _ack_log")
    return out
