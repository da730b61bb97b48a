"""A reporting period: whole calendar days in UTC, both ends included.

Pure definition, reads and writes nothing. Feedback exports and the impact report count
*events* (an analyst's decision, a filing, an approval, a screening decision) by the
wall-clock time the engine recorded them, in UTC: `--from 2026-03-01 --to 2026-03-31`
covers every event stamped from 2026-03-01 00:00 up to, not including, 2026-04-01 00:00.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sever.errors import UserError


@dataclass(frozen=True)
class Period:
    first: date
    last: date

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise UserError(
                f"the period ends ({self.last}) before it starts ({self.first}): "
                "give --from on or before --to"
            )

    @classmethod
    def of(cls, first: date | datetime, last: date | datetime) -> Period:
        """From CLI values: datetimes are cut to their date."""
        return cls(_day(first), _day(last))

    @property
    def start(self) -> datetime:
        """First instant inside the period (UTC, naive like the warehouse's timestamps)."""
        return datetime.combine(self.first, time.min)

    @property
    def end(self) -> datetime:
        """First instant after the period: events count while `start <= at < end`."""
        return datetime.combine(self.last + timedelta(days=1), time.min)

    @property
    def params(self) -> dict[str, datetime]:
        """Named SQL parameters `$start` and `$end`."""
        return {"start": self.start, "end": self.end}

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def label(self) -> str:
        return f"{self.first.isoformat()} to {self.last.isoformat()}"


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value
