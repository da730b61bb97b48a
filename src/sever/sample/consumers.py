"""Consumers of child-abuse material and livestreamed abuse (typology `csam_purchase`).

One case per consumer, or per small group of consumers who pay one common beneficiary.
Each is an established adult account that, over the whole period, sends frequent
low-value remittances (10-100) late at night to several beneficiaries in the
Philippines with innocuous memos, and sometimes pays a VPN or webcam vendor by card or
buys crypto. The beneficiaries are external and not labelled.
Writes ledger rows and labels.
"""

from __future__ import annotations

import numpy as np

from sever.sample import planting as pt
from sever.sample.clock import DAY, HOUR, START, Clock
from sever.sample.ledger import Ledger
from sever.sample.population import BIZ, IND, Population
from sever.sample.vocab import CAT, CH

TYPOLOGY = "csam_purchase"
MEMOS = (
    "school uniform", "medical bills", "family support", "load", "for baby", "tuition",
    "allowance", "gift", "", "", "", "pang load", "rent help",
)  # fmt: skip


def case_count(accounts: int) -> int:
    return max(3, accounts // 3000)


def plant(
    rng: np.random.Generator, pop: Population, clock: Clock, led: Ledger, labels: pt.Labels
) -> list[list[int]]:
    """Plant the cases; returns the consumer slots of each case."""
    n_cases = case_count(pop.n)
    sizes = [1 if rng.random() < 0.7 else int(rng.integers(2, 4)) for _ in range(n_cases)]
    men = pop.individuals(35, 70) & pop.male & (pop.kind == IND) & (pop.act > 0)
    people = [int(x) for x in pop.take(rng, sum(sizes), men, "adult men")]
    n_own = rng.integers(2, 5, sum(sizes))
    bens = pt.take_beneficiaries(rng, pop, ["PH"] * (int(n_own.sum()) + n_cases), "PH")
    vendors = {
        name: np.flatnonzero((pop.category == CAT[name]) & (pop.kind == BIZ) & ~pop.reserved)
        for name in ("vpn", "webcam", "crypto_exchange")
    }
    cases, k, b = [], 0, 0
    for i, size in enumerate(sizes):
        case_id = f"csam-{i + 1:04d}"
        common = bens[b]
        b += 1
        members = people[k : k + size]
        for j, c in enumerate(members):
            own = bens[b : b + int(n_own[k + j])]
            b += len(own)
            payees = [*own, common] if size > 1 else own
            _remit(rng, pop, clock, led, c, payees)
            _vendors(rng, pop, clock, led, c, vendors)
        k += size
        labels.add(members, "consumer", TYPOLOGY, case_id)
        cases.append(members)
    return cases


def _remit(
    rng: np.random.Generator, pop: Population, clock: Clock, led: Ledger, c: int, payees: list[int]
) -> None:
    zone, cur = int(pop.zone[c]), pt.currency_of(pop, c)
    every = rng.uniform(0.7, 3.0)  # days between payments, on average
    t = START + int(rng.uniform(0, min(every, clock.days * 0.5)) * DAY)
    while t < clock.end:
        when = pt.night(rng, clock, zone, t)
        when = pt.into_window(clock, when) if t < START + DAY else when  # the first one counts
        if pt.within(clock, when):
            amount = float(np.clip(np.exp(rng.normal(np.log(35), 0.5)), 10, 100))
            amount = round(amount) if rng.random() < 0.6 else round(amount, 2)
            to = payees[int(rng.integers(len(payees)))]
            ch = CH["remittance"] if rng.random() < 0.9 else CH["wire"]
            memo = MEMOS[int(rng.integers(len(MEMOS)))]
            led.add(c, to, when, amount, cur, ch, memo)
        t += int(rng.exponential(every) * DAY) + HOUR


def _vendors(
    rng: np.random.Generator,
    pop: Population,
    clock: Clock,
    led: Ledger,
    c: int,
    vendors: dict[str, np.ndarray],
) -> None:
    """Card payments to VPN and webcam vendors, sometimes crypto, at night."""
    zone, cur = int(pop.zone[c]), pt.currency_of(pop, c)
    plan = (("vpn", 0.6, (9.99, 12.95), 1, 2), ("webcam", 0.6, (19.99, 49.99, 99.99), 2, 6))
    plan += (("crypto_exchange", 0.3, (50.0, 100.0, 200.0), 1, 3),)
    for name, p, prices, lo, hi in plan:
        pool = vendors[name]
        if not len(pool) or rng.random() >= p:
            continue
        shop = int(pool[int(rng.integers(len(pool)))])
        ch = CH["crypto"] if name == "crypto_exchange" else CH["card"]
        for _ in range(int(rng.integers(lo, hi + 1))):
            t = START + int(rng.uniform(0, clock.days) * DAY)
            when = pt.night(rng, clock, zone, t)
            if pt.within(clock, when):
                led.add(c, shop, when, float(rng.choice(prices)), cur, ch, "")
