"""Where sextortion money goes: collectors pass it to mules, mules send it abroad.

Collectors forward what they took within minutes to hours (short dwell) to one of the
ring's mules; mules, which fan in from several collectors, batch it and send it a few
hours later by remittance or wire to beneficiaries in NG/CI/PH, or as crypto to a
self-hosted wallet, keeping a cut. Writes ledger rows only.
"""

from __future__ import annotations

import numpy as np

from sever.sample import planting as pt
from sever.sample.clock import DAY, HOUR, START, Clock
from sever.sample.ledger import Ledger
from sever.sample.population import Population
from sever.sample.vocab import CH

MULE_CHANNELS = (("remittance", 0.4), ("wire", 0.25), ("crypto", 0.35))


def forward(
    rng: np.random.Generator,
    pop: Population,
    clock: Clock,
    led: Ledger,
    c: int,
    incoming: list[tuple[int, int]],
    mules: list[int],
    forwards: list[tuple[int, int, int]],
) -> int:
    """Collector c passes its takings to a mule within minutes to hours; returns close time."""
    cur, total, last = pt.currency_of(pop, c), 0, incoming[-1][0] if incoming else START
    for i, (t, cents) in enumerate(incoming):
        total += cents
        if i < len(incoming) - 1 and rng.random() < 0.45:
            continue
        t_out = t + int(rng.lognormal(np.log(40 * 60), 0.9))
        if not pt.within(clock, t_out) or total < 1000:
            continue
        m = mules[int(rng.integers(len(mules)))]
        ch = CH["p2p"] if rng.random() < 0.85 else CH["bank_transfer"]
        sent = led.add(c, m, t_out, total * rng.uniform(0.9, 1.0) / 100, cur, ch, "")
        forwards.append((t_out, m, sent))
        total, last = 0, t_out
    return last + int(rng.uniform(6 * HOUR, 2 * DAY))


def cash_out(
    rng: np.random.Generator,
    pop: Population,
    clock: Clock,
    led: Ledger,
    mules: list[int],
    forwards: list[tuple[int, int, int]],
    payees: list[int],
    wallet: int,
) -> None:
    """Mules batch what they received and send it abroad a few hours later."""
    for m in mules:
        got = [(t, cents) for t, mule, cents in forwards if mule == m]
        total, cur = 0, pt.currency_of(pop, m)
        for i, (t, cents) in enumerate(got):
            total += cents
            if i < len(got) - 1 and rng.random() < 0.6:
                continue
            t_out = t + int(rng.uniform(1, 24) * HOUR)
            if not pt.within(clock, t_out):
                continue
            ch = pt.pick(rng, MULE_CHANNELS)
            to = wallet if ch == "crypto" else payees[int(rng.integers(len(payees)))]
            memo = "" if rng.random() < 0.6 else ("family support", "business", "invoice")[i % 3]
            led.add(m, to, t_out, total * rng.uniform(0.88, 0.95) / 100, cur, CH[ch], memo)
            total = 0
