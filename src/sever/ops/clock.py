"""Wall-clock time for the jobs, read in one place so tests can run days in seconds."""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    """The current time, time-zone aware (UTC)."""
    return datetime.now(UTC)


def naive_utc(moment: datetime) -> datetime:
    """The warehouse's convention: naive timestamps in UTC."""
    return moment.astimezone(UTC).replace(tzinfo=None)
