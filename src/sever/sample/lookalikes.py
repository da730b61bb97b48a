"""Benign look-alikes (role `benign_lookalike`, empty typology, one case per instance).

Legitimate patterns that resemble the planted schemes: a youth coach collecting equal
dues from many teens once each; a streamer tipped by young fans all month with no
escalation and no cash-out burst; roommates splitting rent (and an IP); a group buying
concert tickets; family remitters paying the same relative in PH/NG on a fixed day;
an online shop or tutor paid by many customers; a charity fundraiser's one-day burst
of first-time donors with no fast onward transfer. Only the receiving (for family
remitters: sending) account is labelled; the payers are ordinary accounts. Harder ones,
sharing more of the schemes' surface, are in `lookalikes_hard` (which reuses `Ctx`).
Writes ledger rows, labels and (for roommates) a shared home IP.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from sever.sample import planting as pt
from sever.sample.clock import DAY, START, Clock
from sever.sample.ledger import HOME, Ledger
from sever.sample.population import BIZ, Population
from sever.sample.recurring import month_starts
from sever.sample.vocab import CAT, CH

KINDS = ("coach", "streamer", "roommates", "concert", "family_remitter", "shop_tutor", "charity")
_EVENING = (18, 19, 20, 21, 22, 23, 0)


class Ctx:
    """What every builder needs: generator, population, clock, ledger, payer pools.

    Payer pools hold the open, active accounts that were free when the context was made.
    """

    def __init__(self, rng: np.random.Generator, pop: Population, clock: Clock, led: Ledger):
        self.rng, self.pop, self.clock, self.led = rng, pop, clock, led
        ok = ~pop.reserved & (pop.act > 0)
        self.masks = {
            "teen": pop.individuals(13, 18) & ok,
            "fan": pop.individuals(13, 26) & ok,
            "young": pop.individuals(17, 32) & ok,
            "adult": pop.individuals(22, 80) & ok,
        }
        self.pools: dict[tuple[str, int], np.ndarray] = {}
        self.biz = {
            c: np.flatnonzero((pop.category == CAT[c]) & (pop.kind == BIZ) & ~pop.reserved)
            for c in ("retail", "nonprofit")
        }

    def payers(self, pool: str, k: int, near: int) -> list[int]:
        """k distinct accounts of a pool in the country of `near` (rejection sampling)."""
        key = (pool, int(self.pop.country[near]))
        if key not in self.pools:
            self.pools[key] = np.flatnonzero(self.masks[pool] & (self.pop.country == key[1]))
        p = self.pools[key]
        k, picked, seen = min(k, len(p)), [], set()
        while len(picked) < k:
            for x in self.rng.integers(0, len(p), size=2 * k).tolist():
                if x not in seen and len(picked) < k:
                    seen.add(x)
                    picked.append(int(p[x]))
        return picked

    def day(self, lo: float = 0.0, hi: float | None = None) -> int:
        hi = self.clock.days if hi is None else hi
        return START + int(self.rng.uniform(lo, hi) * DAY)

    def pay(
        self,
        s: int,
        r: int,
        t: int,
        amount: float,
        memo: str,
        ch: str = "p2p",
        later: bool = False,
        *,
        dev: int = 0,
        ip: int = HOME,
    ) -> bool:
        """Record a payment; one planned outside the window is moved in by whole days,
        unless it is a `later` follow-up, which is then simply not seen. True if recorded."""
        if later and not pt.within(self.clock, t):
            return False
        t = pt.into_window(self.clock, t)
        self.led.add(s, r, t, amount, pt.currency_of(self.pop, s), CH[ch], memo, dev=dev, ip=ip)
        return True

    def pick(self, options: tuple) -> object:
        return options[int(self.rng.integers(len(options)))]

    def one(self, pool: np.ndarray) -> int:
        return int(pool[int(self.rng.integers(len(pool)))])


def count_each(accounts: int) -> int:
    return max(3, accounts // 1000)


def plant(
    rng: np.random.Generator, pop: Population, clock: Clock, led: Ledger, labels: pt.Labels
) -> dict[str, int]:
    """Plant `count_each(accounts)` instances of each kind; returns counts per kind."""
    n_each = count_each(pop.n)
    ages = {"coach": (28, 60), "streamer": (19, 32), "roommates": (21, 35), "concert": (17, 30)}
    ages |= {"family_remitter": (28, 65), "shop_tutor": (22, 60), "charity": (25, 65)}
    who = {k: pop.take(rng, n_each, pop.individuals(*ages[k]) & (pop.act > 0), k) for k in KINDS}
    kin = pt.take_beneficiaries(rng, pop, [str(c) for c in rng.choice(["PH", "NG"], n_each)], "kin")
    ctx = Ctx(rng, pop, clock, led)
    builders: dict[str, Callable[[Ctx, int, int], None]] = {
        "coach": _coach,
        "streamer": _streamer,
        "roommates": _roommates,
        "concert": _concert,
        "family_remitter": lambda c, a, i: _family(c, a, kin[i]),
        "shop_tutor": _shop_tutor,
        "charity": _charity,
    }
    for kind in KINDS:
        for i, a in enumerate(who[kind]):
            builders[kind](ctx, int(a), i)
            labels.add([a], "benign_lookalike", "", f"look-{kind.replace('_', '-')}-{i + 1:04d}")
    return {k: n_each for k in KINDS}


def _coach(c: Ctx, coach: int, i: int) -> None:
    """Equal dues, once each, from a team of teens (a few paid by a parent), in daytime."""
    fee = float(c.pick((40, 50, 75, 100, 120, 150)))
    start = c.day(0, max(1, c.clock.days - 6))
    total = 0.0
    for kid in c.payers("teen", int(c.rng.integers(10, 26)), coach):
        parent = int(c.pop.parent[kid])
        payer = (
            parent if parent >= 0 and not c.pop.reserved[parent] and c.rng.random() < 0.3 else kid
        )
        t = pt.daytime(
            c.rng, c.clock, int(c.pop.zone[payer]), start + int(c.rng.uniform(0, 5) * DAY)
        )
        memo = str(c.pick(("dues", "team dues", "team trip", "season dues", "tournament fee", "")))
        c.pay(payer, coach, t, fee, memo)
        total += fee
    if len(c.biz["retail"]):  # the trip is paid for a week later, in one go
        shop = c.one(c.biz["retail"])
        t = pt.daytime(c.rng, c.clock, int(c.pop.zone[coach]), start + 8 * DAY)
        c.pay(coach, shop, t, round(total * c.rng.uniform(0.6, 0.9), 2), "", "card", later=True)


def _streamer(c: Ctx, streamer: int, i: int) -> None:
    """Small tips from many young fans, all month, evenings; amounts do not escalate."""
    memos = ("gg", "love the stream", "🔥🔥", "for the art", "keep it up", "tip", "", "", "ily")
    for fan in c.payers("fan", int(c.rng.integers(15, 41)), streamer):
        for _ in range(int(c.rng.integers(2, 7))):
            t = pt.at_local_hour(c.rng, c.clock, int(c.pop.zone[fan]), c.day(), _EVENING)
            amount = float(c.pick((1, 2, 3, 5, 5, 10, 10, 20, 4.99)))
            c.pay(fan, streamer, t, amount, str(c.pick(memos)))


def _roommates(c: Ctx, lease: int, i: int) -> None:
    """Rent shares on the first days of each month, utilities mid-month; one home IP."""
    mates = c.payers("young", int(c.rng.integers(1, 4)), lease)
    ip = c.pop.ip_home.gather([lease]).to_list()[0]
    c.pop.set_str("ip_home", mates, [ip] * len(mates))  # one flat, one home network
    c.pop.zone[mates] = c.pop.zone[lease]
    share = float(round(c.rng.uniform(550, 1100) / 25) * 25)
    for d in month_starts(c.clock.days):
        for m in mates:
            t = START + (int(d) + int(c.rng.integers(0, 3))) * DAY
            t = pt.daytime(c.rng, c.clock, int(c.pop.zone[m]), t)
            c.pay(m, lease, t, share, str(c.pick(("rent", "rent 🏠", "october rent", ""))))
    for m in mates:
        t = pt.daytime(c.rng, c.clock, int(c.pop.zone[m]), START + int(c.rng.uniform(12, 18) * DAY))
        c.pay(m, lease, t, round(c.rng.uniform(25, 90), 2), str(c.pick(("internet", "utilities"))))


def _concert(c: Ctx, buyer: int, i: int) -> None:
    """One card purchase of tickets, then friends pay their equal share within a day."""
    price = float(c.pick((89.5, 120.0, 145.0, 210.0, 65.0)))
    friends = c.payers("young", int(c.rng.integers(3, 9)), buyer)
    t0 = pt.at_local_hour(c.rng, c.clock, int(c.pop.zone[buyer]), c.day(0, c.clock.days - 1), (19,))
    if len(c.biz["retail"]):
        shop = c.one(c.biz["retail"])
        c.pay(buyer, shop, t0, price * (len(friends) + 1), "", "card")
    for f in friends:  # the same evening, or the next day
        t = t0 + int(c.rng.uniform(0.02, 0.2) * DAY)
        if c.rng.random() < 0.4:
            t = pt.daytime(c.rng, c.clock, int(c.pop.zone[f]), t0 + DAY)
        c.pay(f, buyer, t, price, str(c.pick(("concert tix", "tickets", "🎟️", "for the show", ""))))


def _family(c: Ctx, sender: int, kin: int) -> None:
    """The same amount to the same relative abroad on fixed days, in daytime."""
    amount = float(c.pick((150, 200, 250, 300, 400, 500)))
    first = int(c.rng.integers(0, min(14, c.clock.days)))
    step = int(c.pick((14, 15, 15, 30)))
    memo = str(c.pick(("family support", "for mama", "allowance", "school fees", "monthly", "")))
    for d in range(first, c.clock.days, step):
        t = pt.daytime(c.rng, c.clock, int(c.pop.zone[sender]), START + d * DAY)
        c.pay(sender, kin, t, amount, memo, "remittance")


def _shop_tutor(c: Ctx, seller: int, i: int) -> None:
    """A small online shop (many customers, varied prices) or a tutor (weekly lessons)."""
    if i % 2 == 0:
        goods = ("bracelet", "candles", "custom order", "thank you!", "stickers", "")
        for buyer in c.payers("adult", int(c.rng.integers(15, 41)), seller):
            for _ in range(int(c.rng.integers(1, 3))):
                t = pt.daytime(c.rng, c.clock, int(c.pop.zone[buyer]), c.day())
                memo = (
                    str(c.pick(goods)) if c.rng.random() < 0.7 else f"order #{c.rng.integers(1e4)}"
                )
                c.pay(buyer, seller, t, float(c.pick((12, 18, 24.5, 30, 35, 45))), memo)
        return
    for parent in c.payers("adult", int(c.rng.integers(4, 11)), seller):
        fee, first = float(c.pick((40, 45, 50, 60))), int(c.rng.integers(0, 7))
        for d in range(first, c.clock.days, 7):
            t = pt.daytime(c.rng, c.clock, int(c.pop.zone[parent]), START + d * DAY)
            c.pay(parent, seller, t, fee, str(c.pick(("tutoring", "math lesson", "lesson", ""))))


def _charity(c: Ctx, host: int, i: int) -> None:
    """A one-day burst of first-time donors; the funds go to a nonprofit a week or more later."""
    d = c.day(0, max(1, c.clock.days - 2))
    memos = ("donation", "for the family", "❤️", "praying for you", "relief fund", "so sorry", "")
    total = 0.0
    for donor in c.payers("adult", int(c.rng.integers(30, 151)), host):
        t = pt.at_local_hour(c.rng, c.clock, int(c.pop.zone[donor]), d, tuple(range(7, 24)))
        amount = float(c.pick((5, 10, 20, 20, 25, 50, 50, 100, 200)))
        c.pay(donor, host, t, amount, str(c.pick(memos)))
        total += amount
    if len(c.biz["nonprofit"]) and c.rng.random() < 0.7:
        org = c.one(c.biz["nonprofit"])
        t = pt.daytime(c.rng, c.clock, int(c.pop.zone[host]), d + int(c.rng.uniform(7, 12) * DAY))
        c.pay(host, org, t, round(total * 0.95, 2), "relief fund", "bank_transfer", later=True)
