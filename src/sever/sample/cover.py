"""Cover activity for part of the sextortion collectors: not every collector is a pure one.

About half of the collector accounts (chosen at random across rings, among those open for
at least a day in the window) also lead an ordinary life while they are open: a few card
purchases at local shops, P2P back and forth with one or two friends, and for most a
part-time wage paid by an employer every two weeks. That dilutes what a detector sees of
them (a wage is no victim payment, friends are adults who pay more than once) without
changing what they are: they stay labelled `collector`. Writes ledger rows only.
"""

from __future__ import annotations

import numpy as np

from sever.sample import planting as pt
from sever.sample.clock import DAY, HOUR, START, Clock
from sever.sample.ledger import MOBILE, NO_DEV, NO_IP, Ledger
from sever.sample.population import BIZ, Population
from sever.sample.vocab import CAT, CH

SHOPS = ("grocery", "restaurant", "coffee", "fuel", "food_delivery", "retail", "gaming")
FRIEND_MEMOS = ("", "", "", "food", "uber", "🍕", "thx", "for last night", "gas money", "drinks")
SLIP_MEMOS = ("PAYROLL", "PAYROLL", "direct deposit", "")
_DAYTIME = tuple(range(9, 23))
_PAYROLL = (5, 6, 7, 8)


class _Pools:
    """Friends, shops and employers per country (computed once, not per collector)."""

    def __init__(self, pop: Population) -> None:
        self.pop = pop
        free = ~pop.reserved
        self.masks = {
            "friend": pop.individuals(18, 32) & (pop.act > 0) & free,
            "shop": np.isin(pop.category, [CAT[c] for c in SHOPS]) & (pop.kind == BIZ) & free,
            "employer": (pop.category == CAT["employer"]) & (pop.kind == BIZ) & free,
        }
        self.cache: dict[tuple[str, int], np.ndarray] = {}

    def near(self, what: str, acct: int) -> np.ndarray:
        """Accounts of pool `what` in the country of `acct` (any country if there are none)."""
        key = (what, int(self.pop.country[acct]))
        if key not in self.cache:
            here = np.flatnonzero(self.masks[what] & (self.pop.country == key[1]))
            self.cache[key] = here if len(here) else np.flatnonzero(self.masks[what])
        return self.cache[key]


def cover(
    rng: np.random.Generator,
    pop: Population,
    clock: Clock,
    led: Ledger,
    collectors: list[int],
) -> list[int]:
    """Give cover activity to half of `collectors` (at least one); returns those given it."""
    life = {c: _life(pop, clock, c) for c in collectors}
    able = [c for c in collectors if life[c][1] - life[c][0] >= DAY]
    k = min(len(able), max(1, round(len(collectors) / 2)))
    if not k:
        return []
    chosen = sorted(int(c) for c in rng.choice(able, size=k, replace=False))
    pools = _Pools(pop)
    for c in chosen:
        _cover_one(rng, pop, clock, led, pools, c, *life[c])
    return chosen


def _life(pop: Population, clock: Clock, c: int) -> tuple[int, int]:
    """The part of the window in which the account is open."""
    lo = max(START, int(pop.opened[c]) + HOUR)
    hi = int(pop.closed[c]) if pop.closed[c] >= 0 else clock.end
    return lo, min(hi, clock.end)


def _at(
    rng: np.random.Generator, clock: Clock, zone: int, lo: int, hi: int, hours: tuple[int, ...]
) -> int | None:
    """An instant in [lo, hi) at one of the local `hours`, or None if the draw falls outside."""
    t = pt.at_local_hour(rng, clock, zone, lo + int(rng.random() * (hi - lo)), hours)
    return t if lo <= t < hi else None


def _cover_one(
    rng: np.random.Generator,
    pop: Population,
    clock: Clock,
    led: Ledger,
    pools: _Pools,
    c: int,
    lo: int,
    hi: int,
) -> None:
    zone, cur = int(pop.zone[c]), pt.currency_of(pop, c)
    days = (hi - lo) / DAY
    shops = pools.near("shop", c)
    for _ in range(min(12, 2 + int(rng.poisson(0.4 * days)))):  # card purchases
        t = _at(rng, clock, zone, lo, hi, _DAYTIME)
        if t is not None:
            shop = int(shops[int(rng.integers(len(shops)))])
            amount = round(float(np.exp(rng.normal(np.log(22), 0.7))), 2)
            led.add(c, shop, t, amount, cur, CH["card"], "", ip=MOBILE)
    friends = pools.near("friend", c)
    for f in rng.choice(friends, size=min(len(friends), int(rng.integers(1, 3))), replace=False):
        f = int(f)
        for j in range(int(rng.integers(2, 6))):  # both ways, the friend first
            s, r = (f, c) if j % 2 == 0 else (c, f)
            t = _at(rng, clock, int(pop.zone[s]), lo, hi, _DAYTIME)
            if t is not None:
                amount = float(max(5, round(np.exp(rng.normal(np.log(25), 0.6)))))
                memo = FRIEND_MEMOS[int(rng.integers(len(FRIEND_MEMOS)))]
                ip = MOBILE if s == c else int(rng.integers(0, 2))
                led.add(s, r, t, amount, pt.currency_of(pop, s), CH["p2p"], memo, ip=ip)
    if days < 5 or rng.random() >= 0.75:
        return
    employers = pools.near("employer", c)  # a part-time job, paid every two weeks
    boss = int(employers[int(rng.integers(len(employers)))])
    wage = round(float(rng.uniform(350, 950)), 2)
    memo = SLIP_MEMOS[int(rng.integers(len(SLIP_MEMOS)))]
    d = lo + int(rng.uniform(0, min(14, days)) * DAY)
    while d < hi:
        t = pt.at_local_hour(rng, clock, zone, d, _PAYROLL)
        if lo <= t < hi:
            boss_cur = pt.currency_of(pop, boss)
            led.add(boss, c, t, wage, boss_cur, CH["bank_transfer"], memo, dev=NO_DEV, ip=NO_IP)
        d += 14 * DAY
