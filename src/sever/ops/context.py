"""What a job receives and returns; no engine here beyond the warehouse handle."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sever.ops.clock import naive_utc
from sever.ops.config import Job, ScheduleConfig
from sever.warehouse import Warehouse

Say = Callable[[str], None]


@dataclass
class Context:
    wh: Warehouse
    config: ScheduleConfig
    job: Job
    run_id: str
    now: datetime  # time-zone aware
    say: Say
    stopping: Callable[[], bool]
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def now_utc(self) -> datetime:
        """`now` as the warehouse stores times: naive UTC."""
        return naive_utc(self.now)


@dataclass
class JobResult:
    summary: str  # one line for `sever schedule list`
    record: dict[str, Any]  # inputs, counts, data quality, timings: kept in ops_runs.record
    status: str = "ok"  # ok, or warning when it worked but someone should look
