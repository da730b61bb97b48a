"""Helpers shared by the planted schemes: the label register, local-time and amount draws.

Planted schemes are few, so they are built with small Python loops over scalar draws
from the one seeded generator; everything else about them is in the scheme modules.
"""

from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass, field

import numpy as np

from sever.sample.clock import DAY, HOUR, START, ZONE, Clock
from sever.sample.population import EXT, PERSON, Population
from sever.sample.vocab import COUNTRIES, CTRY, FOREIGN_NAMES

NIGHT_HOURS = (21, 22, 23, 0, 1, 2, 3)
NIGHT_CUM = tuple(itertools.accumulate((1, 2, 3, 3, 2.5, 1.5, 0.7)))
DAY_HOURS = tuple(range(8, 21))


@dataclass
class Labels:
    """Ground truth: one row per planted account (account slot, role, typology, case)."""

    rows: list[tuple[int, str, str, str]] = field(default_factory=list)

    def add(self, idx: list[int] | np.ndarray, role: str, typology: str, case_id: str) -> None:
        self.rows.extend((int(i), role, typology, case_id) for i in idx)

    def count(self, role: str) -> int:
        return sum(1 for r in self.rows if r[1] == role)


def pick(rng: np.random.Generator, weighted: tuple[tuple[str, float], ...]) -> str:
    """One value of (value, weight) pairs."""
    w = np.array([w for _v, w in weighted])
    return weighted[int(rng.choice(len(weighted), p=w / w.sum()))][0]


def at_local_hour(
    rng: np.random.Generator,
    clock: Clock,
    zone: int,
    t: int,
    hours: tuple[int, ...],
    cum: tuple[float, ...] | None = None,
) -> int:
    """An instant on the local date of `t` at one of `hours` (cumulative weights `cum`).

    Hours before 06:00 belong to the night that starts on that date, i.e. the next day.
    """
    local_midnight = (t + clock.offset1(zone, t) * 60) // DAY * DAY
    u = rng.random()
    i = bisect.bisect_right(cum, u * cum[-1]) if cum else int(u * len(hours))
    hour = hours[min(i, len(hours) - 1)]
    hour += 24 if hour < 6 else 0
    local = local_midnight + hour * HOUR + int(rng.random() * HOUR)
    return clock.local_to_utc1(zone, local)


def night(rng: np.random.Generator, clock: Clock, zone: int, t: int) -> int:
    """A late-night instant (21:00-04:00 local) starting in the evening of `t`'s local date."""
    return at_local_hour(rng, clock, zone, t, NIGHT_HOURS, NIGHT_CUM)


def daytime(rng: np.random.Generator, clock: Clock, zone: int, t: int) -> int:
    return at_local_hour(rng, clock, zone, t, DAY_HOURS)


def within(clock: Clock, t: int) -> bool:
    return START <= t < clock.end


def into_window(clock: Clock, t: int) -> int:
    """Move t by whole days into the window (keeps its local hour; short windows)."""
    while t < START:
        t += DAY
    while t >= clock.end:
        t -= DAY
    return max(t, START)


def nice(rng: np.random.Generator, x: float, p_round: float = 0.7) -> float:
    """Round to a 'nice' figure most of the time, else keep cents."""
    if rng.random() >= p_round:
        return round(x, 2)
    step = 5 if x < 100 else 25 if x < 500 else 50
    return float(max(step, round(x / step) * step))


def rehome(rng: np.random.Generator, pop: Population, idx: np.ndarray, code: str) -> None:
    """Move external counterparties to another country (when a country runs short)."""
    ci = CTRY[code]
    pop.country[idx] = ci
    zone = {"NG": "wat", "CI": "gmt", "PH": "pht", "GH": "gmt", "MX": "mx_central", "IN": "ist"}
    pop.zone[idx] = ZONE[zone[code]]
    pop.set_str("phone", idx, [None] * len(idx))  # its old number was foreign to it
    firsts, lasts = FOREIGN_NAMES[code]
    names = [
        f"{firsts[int(rng.integers(len(firsts)))]} {lasts[int(rng.integers(len(lasts)))]}"
        for _ in idx
    ]
    pop.set_str("display_name", idx, [n.replace("_", " ") for n in names])


def take_beneficiaries(
    rng: np.random.Generator, pop: Population, codes: list[str], what: str
) -> list[int]:
    """Reserve one external person in each of `codes` (aligned), re-homing spares if short."""
    out = [-1] * len(codes)
    mask = (pop.kind == EXT) & (pop.ext_role == PERSON)
    for code in sorted(set(codes)):
        k = codes.count(code)
        here = mask & (pop.country == CTRY[code])
        have = int((here & ~pop.reserved).sum())
        got = list(pop.take(rng, min(k, have), here, what))
        if k > have:
            extra = pop.take(rng, k - have, mask, what)
            rehome(rng, pop, extra, code)
            got += list(extra)
        slots = [i for i, c in enumerate(codes) if c == code]
        for i, g in zip(slots, got, strict=True):
            out[i] = int(g)
    return out


def currency_of(pop: Population, idx: int) -> int:
    c = int(pop.country[idx])
    return COUNTRIES[c][1] if c >= 0 else 0
