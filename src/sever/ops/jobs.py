"""The registry: every job the schedule file may name, and the function that runs it."""

from __future__ import annotations

from collections.abc import Callable

from sever.ops import external, housekeeping, nightly, signal_sync
from sever.ops.config import Jobs
from sever.ops.context import Context, JobResult

JOBS: dict[str, Callable[[Context], JobResult]] = {
    "nightly_scan": nightly.nightly_scan,
    "signal_sync": signal_sync.signal_sync,
    "signal_expiry": housekeeping.signal_expiry,
    "blocklist": external.blocklist,
    "realtime_logs": external.realtime_logs,
    "reminders": housekeeping.reminders,
    "retention": housekeeping.retention,
}

if set(JOBS) != set(Jobs.model_fields):  # the file's sections and the registry agree
    raise RuntimeError(
        f"job registry and schedule sections differ: {set(JOBS) ^ set(Jobs.model_fields)}"
    )
