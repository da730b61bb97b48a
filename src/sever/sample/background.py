"""Ordinary day-to-day transactions, vectorised: card spending, P2P among friends, odds and ends.

Each account draws a Poisson number of events from its activity level; counterparts,
amounts, hours (in the sender's local time), memos, devices and IPs are drawn in bulk.
Recurring flows (salaries, rent, bills, allowances, remittances, business payments)
live in `recurring`. Blocks are dicts of arrays in the `ledger.SCHEMA` layout.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from sever.sample.clock import HOURS_DAY, Clock
from sever.sample.population import ATM, IND, MERCHANT, WALLET, Population
from sever.sample.vocab import CAT, CATEGORIES, CH, COUNTRIES, CUR, MEMOS, P2P_MEMOS, TEEN_MEMOS

RATE_CARD = 0.13  # per individual per day, before the activity multiplier
RATE_P2P = 0.165  # for regular P2P users
RATE_MISC = {"cash_withdrawal": 0.012, "gift_card": 0.004, "crypto": 0.003, "prepaid": 0.002}
MEMO_ID = {m: i for i, m in enumerate(MEMOS)}


def memos(rng: np.random.Generator, table: tuple[tuple[str, float], ...], n: int) -> np.ndarray:
    w = np.array([w for _m, w in table])
    ids = np.array([MEMO_ID[m] for m, _w in table])
    return ids[rng.choice(len(ids), size=n, p=w / w.sum())]


def amounts(rng: np.random.Generator, spec: tuple[float, ...], n: int) -> np.ndarray:
    """Dollar amounts: (median, log-sd) draws a lognormal, longer tuples are price points."""
    if len(spec) == 2:
        return np.exp(rng.normal(np.log(spec[0]), spec[1], n))
    return np.array(spec)[rng.integers(0, len(spec), n)]


def part(
    rng: np.random.Generator,
    clock: Clock,
    pop: Population,
    s: np.ndarray,
    r: np.ndarray,
    dollars: np.ndarray,
    ch: int | np.ndarray,
    memo: np.ndarray,
    *,
    hours: np.ndarray = HOURS_DAY,
    day: np.ndarray | None = None,
    online: float = 1.0,
) -> dict[str, np.ndarray]:
    """One block of transactions in the internal layout; times in the sender's local hours."""
    n = len(s)
    if day is None:
        day = rng.integers(0, clock.days, n)
    t = clock.sample(rng, pop.zone[s].astype(np.int64), day, hours)
    cur = np.array([c[1] for c in COUNTRIES] + [0])[pop.country[s]]
    on = rng.random(n) < online
    ch_arr = np.broadcast_to(np.asarray(ch, dtype=np.int8), (n,))
    declined = rng.random(n) < np.where(ch_arr == CH["card"], 0.025, 0.01)
    reversed_ = rng.random(n) < 0.003
    pending = (t > clock.end - 6 * 3600) & (rng.random(n) < 0.3)
    st = np.select([pending, declined, reversed_], [1, 2, 3], 0)
    return {
        "s": s,
        "r": r,
        "t": t,
        "cents": np.maximum(np.round(dollars * 100), 1).astype(np.int64),
        "cur": cur.astype(np.int8),
        "ch": ch_arr.copy(),
        "st": st.astype(np.int8),
        "memo": memo,
        "dev": np.where(on, rng.integers(0, 2, n), -1).astype(np.int8),
        "ip": np.where(on, rng.choice(3, n, p=[0.55, 0.35, 0.1]), -1).astype(np.int8),
    }


def _zipf_pick(rng: np.random.Generator, pool: np.ndarray, n: int, a: float = 0.8) -> np.ndarray:
    """Popular counterparts get most of the traffic (benign fan-in hubs)."""
    w = 1.0 / np.arange(1, len(pool) + 1) ** a
    return pool[rng.choice(len(pool), size=n, p=w / w.sum())]


def local_pick(
    rng: np.random.Generator, pop: Population, s: np.ndarray, mask: np.ndarray, a: float = 0.8
) -> np.ndarray:
    """A counterpart in the sender's own country where there is one (Zipf by popularity)."""
    r = _zipf_pick(rng, np.flatnonzero(mask), len(s), a)
    for ci in np.unique(pop.country[s]).tolist():
        pool = np.flatnonzero(mask & (pop.country == ci))
        here = pop.country[s] == ci
        if len(pool) and here.any():
            r[here] = _zipf_pick(rng, pool, int(here.sum()), a)
    return r


def _repeat(rng: np.random.Generator, who: np.ndarray, rate: np.ndarray, days: int) -> np.ndarray:
    return np.repeat(who, rng.poisson(rate * days))


def _round_dollars(rng: np.random.Generator, x: np.ndarray) -> np.ndarray:
    """People send round amounts more often than not."""
    r = rng.random(len(x))
    x = np.where(r < 0.6, np.maximum(np.round(x), 1), x)
    return np.where(r < 0.2, np.maximum(np.round(x / 5) * 5, 5), x)


def to_frame(blocks: list[dict[str, np.ndarray]]) -> pl.DataFrame:
    """Concatenate blocks into one frame in the ledger layout, memos as text."""
    df = pl.DataFrame({k: np.concatenate([bl[k] for bl in blocks]) for k in blocks[0]})
    return df.with_columns(memo=pl.Series(MEMOS).gather(df["memo"]))


def build(rng: np.random.Generator, pop: Population, clock: Clock) -> list[dict[str, np.ndarray]]:
    """Spending blocks: cards, P2P, cash and gift cards (unsorted)."""
    days = clock.days
    active = (pop.kind == IND) & (pop.closed < 0) & (pop.act > 0)
    people = np.flatnonzero(active)
    teen = pop.individuals(13, 18)
    free = ~pop.reserved
    blocks: list[dict[str, np.ndarray]] = []

    # card spending at merchants, categories by age; a few payments to merchants abroad
    s = _repeat(rng, people, RATE_CARD * pop.act[people], days)
    is_teen = teen[s]
    cat_w = np.array([[c[2] for c in CATEGORIES], [c[3] for c in CATEGORIES]])
    cat = np.empty(len(s), dtype=np.int64)
    for row, mask in ((0, ~is_teen), (1, is_teen)):
        cat[mask] = rng.choice(len(CATEGORIES), int(mask.sum()), p=cat_w[row] / cat_w[row].sum())
    r = np.empty(len(s), dtype=np.int64)
    dollars = np.empty(len(s))
    for ci, (_name, *_shares, spec) in enumerate(CATEGORIES):
        m = cat == ci
        if m.any():
            r[m] = local_pick(rng, pop, s[m], (pop.category == ci) & free)
            dollars[m] = amounts(rng, spec, int(m.sum())) * np.where(is_teen[m], 0.6, 1.0)
    abroad = np.flatnonzero(rng.random(len(s)) < 0.03)
    r[abroad] = _zipf_pick(rng, np.flatnonzero(pop.with_role(MERCHANT) & free), len(abroad))
    b = part(
        rng, clock, pop, s, r, dollars, CH["card"], memos(rng, (("", 1),), len(s)), online=0.45
    )
    b["cur"][abroad] = CUR["EUR"]
    blocks.append(b)

    blocks.append(_p2p(rng, clock, pop, people, teen))
    blocks.append(_misc(rng, clock, pop, people, teen))
    return blocks


def _p2p(
    rng: np.random.Generator, clock: Clock, pop: Population, people: np.ndarray, teen: np.ndarray
) -> dict[str, np.ndarray]:
    """Friends pay each other: most P2P goes to a small, stable contact set."""
    # neighbours in an ordering by country and age band stand for friends
    age_band = np.digitize(np.nan_to_num(pop.age()[people], nan=40.0), [18, 25, 35, 50, 65])
    order = people[np.lexsort((rng.random(len(people)), age_band, pop.country[people]))]
    pos = np.full(pop.n, -1, dtype=np.int64)
    pos[order] = np.arange(len(order))
    # about half the people use P2P regularly, the others hardly
    user = rng.random(len(people)) < 0.55
    rate = np.where(user, RATE_P2P, 0.01) * pop.act[people] * pop.p2p_scale[people]
    s = _repeat(rng, people, rate, clock.days)
    # close friends are the next few in that order; the offsets are symmetric, so friends
    # pay each other back and forth
    step = rng.choice([1, 2, 3], len(s), p=[0.6, 0.3, 0.1])
    r = order[np.clip(pos[s] + step * rng.choice([-1, 1], len(s)), 0, len(order) - 1)]
    # acquaintances: further along the same ordering, so mostly the same country
    stranger = np.flatnonzero(rng.random(len(s)) < 0.08)
    hop = rng.integers(25, 3000, len(stranger)) * rng.choice([-1, 1], len(stranger))
    r[stranger] = order[np.clip(pos[s[stranger]] + hop, 0, len(order) - 1)]
    r = np.where(r == s, order[(pos[s] + 1) % len(order)], r)
    is_teen = teen[s]
    dollars = np.exp(rng.normal(np.where(is_teen, 2.5, 3.3), 0.9))
    memo = np.where(is_teen, memos(rng, TEEN_MEMOS, len(s)), memos(rng, P2P_MEMOS, len(s))).astype(
        np.int64
    )
    return part(rng, clock, pop, s, r, _round_dollars(rng, dollars), CH["p2p"], memo)


def _misc(
    rng: np.random.Generator, clock: Clock, pop: Population, people: np.ndarray, teen: np.ndarray
) -> dict[str, np.ndarray]:
    """ATM cash, gift cards, prepaid loads, crypto purchases."""
    free = ~pop.reserved
    targets = {
        "cash_withdrawal": (np.flatnonzero(pop.with_role(ATM) & free), (20, 40, 60, 100, 200)),
        "gift_card": (np.flatnonzero((pop.category == CAT["gift_cards"]) & free), (25, 50, 100)),
        "prepaid": (np.flatnonzero((pop.category == CAT["prepaid"]) & free), (20, 50, 100)),
        "crypto": (np.flatnonzero((pop.category == CAT["crypto_exchange"]) & free), (120.0, 1.1)),
    }
    blocks = []
    for ch, rate in RATE_MISC.items():
        pool, spec = targets[ch]
        if not len(pool):
            continue
        mult = np.where(teen[people], 1.5 if ch == "gift_card" else 0.2, 1.0)
        s = _repeat(rng, people, rate * mult * pop.act[people], clock.days)
        r = local_pick(rng, pop, s, np.isin(np.arange(pop.n), pool), 0.5)
        if ch == "crypto":  # some go straight to self-hosted wallets
            wallets = np.flatnonzero(pop.with_role(WALLET) & free)
            own = rng.random(len(s)) < 0.2
            if len(wallets):
                r[own] = wallets[rng.integers(0, len(wallets), int(own.sum()))]
        dollars = amounts(rng, spec, len(s))
        blocks.append(part(rng, clock, pop, s, r, dollars, CH[ch], memos(rng, (("", 1),), len(s))))
    return {k: np.concatenate([b[k] for b in blocks]) for k in blocks[0]}
