"""Time window, time zones with their DST rules, and timestamp formatting.

Offsets come from fixed rules (US and EU daylight saving) rather than the host's
tz database so that the output is byte-identical on every machine. Transaction
`ts` values are written in the sender's local offset; other timestamps in UTC.
"""

from __future__ import annotations

import calendar
import datetime as dt

import numpy as np
import polars as pl

START = calendar.timegm((2026, 10, 1, 0, 0, 0))  # window start, epoch seconds (UTC)
DAY = 86_400
HOUR = 3_600

# (name, standard offset, daylight offset, rule) in minutes east of UTC
ZONES: tuple[tuple[str, int, int, str], ...] = (
    ("us_east", -300, -240, "us"),
    ("us_central", -360, -300, "us"),
    ("us_mountain", -420, -360, "us"),
    ("us_pacific", -480, -420, "us"),
    ("us_arizona", -420, -420, ""),
    ("ca_atlantic", -240, -180, "us"),
    ("uk", 0, 60, "eu"),
    ("cet", 60, 120, "eu"),
    ("wat", 60, 60, ""),
    ("gmt", 0, 0, ""),
    ("pht", 480, 480, ""),
    ("ist", 330, 330, ""),
    ("mx_central", -360, -360, ""),
)
ZONE = {name: i for i, (name, *_rest) in enumerate(ZONES)}

# Local hour-of-day weights: ordinary daytime-heavy activity, office hours,
# payroll batches (planted schemes draw their own late-night hours).
_DAY_W = (0.6, 0.35, 0.2, 0.15, 0.15, 0.3, 0.9, 2.0, 3.2, 4.2, 4.8, 5.4)  # 00:00-11:59
HOURS_DAY = np.array([*_DAY_W, 6.3, 6.0, 5.5, 5.4, 5.8, 6.4, 6.8, 6.6, 5.8, 4.6, 3.0, 1.6])
HOURS_OFFICE = np.array([0.0] * 8 + [3, 5, 6, 6, 5, 6, 6, 5, 4, 3] + [1, 0.5] + [0.0] * 4)
HOURS_BATCH = np.array([0.0] * 4 + [1, 3, 4, 3, 2, 1] + [0.0] * 14)


def _nth_sunday(year: int, month: int, n: int) -> dt.date:
    """n-th Sunday of a month; n = -1 for the last one."""
    if n > 0:
        first = dt.date(year, month, 1)
        return first + dt.timedelta(days=(6 - first.weekday()) % 7 + 7 * (n - 1))
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    return last - dt.timedelta(days=(last.weekday() - 6) % 7)


def _epoch(day: dt.date, minutes: int) -> int:
    return calendar.timegm(day.timetuple()) + minutes * 60


def offset_at(zone: int, utc: int) -> int:
    """UTC offset in minutes of `zone` at instant `utc` (scalar reference version)."""
    _name, std, dst, rule = ZONES[zone]
    year = dt.datetime.fromtimestamp(utc, dt.UTC).year
    if rule == "us":  # 02:00 local on the 2nd Sunday of March to the 1st Sunday of November
        begin = _epoch(_nth_sunday(year, 3, 2), 120 - std)
        end = _epoch(_nth_sunday(year, 11, 1), 120 - dst)
    elif rule == "eu":  # 01:00 UTC, last Sunday of March to last Sunday of October
        begin = _epoch(_nth_sunday(year, 3, -1), 60)
        end = _epoch(_nth_sunday(year, 10, -1), 60)
    else:
        return std
    return dst if begin <= utc < end else std


class Clock:
    """Hour-resolution offset table over the window (all DST switches fall on the hour)."""

    def __init__(self, days: int) -> None:
        self.days = days
        self.end = START + days * DAY
        self._t0 = START - 3 * DAY  # margin: local times just outside the window
        hours = (days + 6) * 24
        self._tables: tuple[pl.Series, pl.Series, pl.Series] | None = None
        self._table = np.array(
            [[offset_at(z, self._t0 + h * HOUR) for h in range(hours)] for z in range(len(ZONES))],
            dtype=np.int64,
        )

    def offsets(self, zone: np.ndarray, utc: np.ndarray) -> np.ndarray:
        """Offset in minutes for each (zone, instant) pair."""
        h = np.clip((utc - self._t0) // HOUR, 0, self._table.shape[1] - 1)
        return self._table[zone, h]

    def offset1(self, zone: int, utc: int) -> int:
        """Scalar `offsets` (the planted schemes call it a few hundred thousand times)."""
        h = min(max((utc - self._t0) // HOUR, 0), self._table.shape[1] - 1)
        return int(self._table[zone, h])

    def local_to_utc1(self, zone: int, local: int) -> int:
        return local - self.offset1(zone, local) * 60

    def local_to_utc(self, zone: np.ndarray, local: np.ndarray) -> np.ndarray:
        """Instant at which the wall clock of `zone` shows `local` (naive epoch seconds)."""
        return local - self.offsets(zone, local) * 60

    def sample(
        self, rng: np.random.Generator, zone: np.ndarray, day: np.ndarray, hours: np.ndarray
    ) -> np.ndarray:
        """Random instants on local `day` (0-based) at an hour drawn from `hours` weights.

        Instants falling outside the window (local days straddle UTC days) wrap around
        by whole days, which keeps their local hour.
        """
        n = len(zone)
        hour = rng.choice(24, size=n, p=hours / hours.sum())
        local = START + day.astype(np.int64) * DAY + hour * HOUR + rng.integers(0, HOUR, size=n)
        utc = self.local_to_utc(zone, local)
        return START + (utc - START) % (self.days * DAY)

    def format_local(self, zone: np.ndarray, utc: np.ndarray) -> pl.Series:
        """ISO-8601 strings with the zone's offset, e.g. `2026-10-03T23:41:07-05:00`.

        Built from lookup tables (dates, times of day, offsets) rather than strftime:
        ten million rows render in about a second.
        """
        off = self.offsets(zone, utc)
        local = utc + off * 60 - self._t0
        if self._tables is None:
            n_days = self._table.shape[1] // 24 + 2
            days = np.arange(n_days) + self._t0 // DAY
            dates = pl.Series(days.astype(np.int32)).cast(pl.Date).dt.strftime("%Y-%m-%dT")
            secs = pl.from_epoch(pl.Series(np.arange(DAY)), time_unit="s")
            offsets = pl.Series([_offset_text(m) for m in range(-720, 841, 15)])
            self._tables = (dates, secs.dt.strftime("%H:%M:%S"), offsets)
        dates, times, offsets = self._tables
        parts = [dates.gather(local // DAY), times.gather(local % DAY)]
        parts.append(offsets.gather((off + 720) // 15))
        return pl.select(pl.concat_str(parts)).to_series()


def _offset_text(minutes: int) -> str:
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def format_utc(secs: np.ndarray, missing: np.ndarray | None = None) -> pl.Series:
    """ISO-8601 UTC strings ending in `Z`; null where `missing`."""
    out = pl.from_epoch(pl.Series(secs.astype(np.int64)), time_unit="s")
    out = out.dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    if missing is not None:
        out = out.scatter(np.flatnonzero(missing), None)
    return out


def iso_utc(secs: int) -> str:
    return dt.datetime.fromtimestamp(secs, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def format_date(epoch_days: np.ndarray, missing: np.ndarray) -> pl.Series:
    out = pl.Series(epoch_days.astype(np.int32)).cast(pl.Date).dt.strftime("%Y-%m-%d")
    return out.scatter(np.flatnonzero(missing), None)
