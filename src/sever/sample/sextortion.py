"""Financially motivated sextortion rings (typology `financial_sextortion`, one case per ring).

An operator runs 2-4 new, thin-KYC collector accounts that share a device, a VPN IP
and often a phone or mailbox (in different raw spellings). Each collector is paid by
4-12 minors (mostly boys 14-17 with little P2P history): a burst of 2-4 escalating,
mostly round payments late at night with pleading memos, over hours to two days. About
a quarter are extorted again days later by a rotated collector after the first one is
closed. Collectors pass funds within minutes to hours to 1-2 mules, which send them on
to beneficiaries in NG, CI or PH (remittance, wire, crypto to a wallet). Collectors get
no background activity; `cover` later gives about half of them an ordinary side.
Writes ledger rows, labels, account changes and persona identifiers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sever.sample import flows
from sever.sample import planting as pt
from sever.sample import variants as vr
from sever.sample.clock import DAY, HOUR, START, Clock
from sever.sample.ledger import HOME, MOBILE, Ledger
from sever.sample.population import EXT, IND, WALLET, Population
from sever.sample.vocab import CH

TYPOLOGY = "financial_sextortion"
PLEAS = (
    "please delete", "pls stop", "dont post it", "thats all i have", "please dont share",
    "please delete them", "i paid now delete", "pls", "stop please", "dont send it",
    "im begging you", "delete it", "no more pls", "i dont have more", "please",
)  # fmt: skip
LAST_WORDS = ("thats all i have", "this is all i got", "i dont have any more", "")
VICTIM_CHANNELS = (("p2p", 0.75), ("gift_card", 0.1), ("prepaid", 0.07), ("crypto", 0.08))


@dataclass
class Ring:
    case_id: str
    collectors: list[int]
    mules: list[int]
    victims: list[int]
    reextorted: int = 0
    payments: int = 0


def ring_count(accounts: int) -> int:
    return max(3, accounts // 1500)


def plant(
    rng: np.random.Generator, pop: Population, clock: Clock, led: Ledger, labels: pt.Labels
) -> list[Ring]:
    n_rings = ring_count(pop.n)
    # boys (or young men who can be made minors) each country can supply as victims
    room = {
        c: 0.6 * int((pop.individuals(14, 40) & pop.male & pop.is_country(c)).sum())
        for c in ("US", "GB", "CA")
    }
    plans = []
    for _ in range(n_rings):
        code = pt.pick(rng, (("US", 0.8), ("GB", 0.1), ("CA", 0.1)))
        n_coll = int(rng.integers(2, 5))
        per = rng.integers(4, 13, n_coll).tolist()
        code = code if room[code] >= sum(per) else "US"  # small populations: rings go to the US
        if room[code] < sum(per):  # and, in the smallest ones, have fewer victims
            per = [max(2, p * max(0, int(room[code])) // sum(per)) for p in per]
        room[code] -= sum(per)
        plans.append((code, n_coll, int(rng.integers(1, 3)), per))
    pools: dict[tuple[str, str], list[int]] = {}
    for code in ("US", "GB", "CA"):
        mine = [p for p in plans if p[0] == code]
        here = pop.is_country(code) & (pop.kind == IND)
        n_vic = sum(sum(p[3]) for p in mine)
        boys = round(n_vic * 0.9)
        pools[code, "victim"] = _minors(rng, pop, here & pop.male, boys)
        pools[code, "victim"] += _minors(rng, pop, here & ~pop.male, n_vic - boys)
        rng.shuffle(pools[code, "victim"])
        n_col, n_mule = sum(p[1] for p in mine), sum(p[2] for p in mine)
        pools[code, "collector"] = list(pop.take(rng, n_col, pop.individuals(18, 70) & here, "c"))
        pools[code, "mule"] = list(pop.take(rng, n_mule, pop.individuals(19, 50) & here, "mules"))
    wallets = pop.take(rng, n_rings, (pop.kind == EXT) & (pop.ext_role == WALLET), "wallets")
    n_ben = rng.integers(2, 4, n_rings)
    codes = [pt.pick(rng, (("NG", 0.5), ("CI", 0.3), ("PH", 0.2))) for _ in range(int(n_ben.sum()))]
    bens = pt.take_beneficiaries(rng, pop, codes, "beneficiaries abroad")

    rings = []
    for i, (code, n_coll, n_mule, per) in enumerate(plans):

        def take(role: str, k: int, code: str = code) -> list[int]:
            return [int(pools[code, role].pop()) for _ in range(k)]

        ring = Ring(f"sxt-{i + 1:04d}", take("collector", n_coll), take("mule", n_mule), [])
        start = int(n_ben[:i].sum())
        payees = bens[start : start + int(n_ben[i])]
        _operator(rng, pop, ring, i)
        _run(rng, pop, clock, led, ring, [take("victim", k) for k in per], payees, int(wallets[i]))
        labels.add(ring.collectors, "collector", TYPOLOGY, ring.case_id)
        labels.add(ring.mules, "mule", TYPOLOGY, ring.case_id)
        labels.add(ring.victims, "victim", TYPOLOGY, ring.case_id)
        rings.append(ring)
    return rings


def _minors(rng: np.random.Generator, pop: Population, mask: np.ndarray, k: int) -> list[int]:
    """k free minors aged 14-17; when a country runs short, young adults are made minors."""
    teen = mask & pop.individuals(14, 18) & (pop.act > 0)
    have = min(k, int((teen & ~pop.reserved).sum()))
    out = [int(i) for i in pop.take(rng, have, teen, "minors")]
    if k > have:
        extra = pop.take(rng, k - have, mask & pop.individuals(18, 40) & (pop.act > 0), "minors")
        age = rng.uniform(14, 17.9, len(extra))
        pop.birth[extra] = (START // DAY - age * 365.25).astype(np.int32)
        pop.kyc[extra] = 1
        pop.opened[extra] = START - (rng.uniform(0.05, 1, len(extra)) * (age - 13) * 365.25 * DAY)
        out += [int(i) for i in extra]
    return out


def _operator(rng: np.random.Generator, pop: Population, ring: Ring, serial: int) -> None:
    """One operator behind the collectors: shared device, VPN IP, mailbox and phone."""
    cs = ring.collectors
    pop.act[cs] = 0.0  # new accounts with no background life (`cover` plants some for half)
    pop.social[cs] = False
    pop.kyc[cs] = rng.choice([0, 1], len(cs))
    pop.has_birth[cs] = rng.random(len(cs)) < 0.5
    pop.birth[cs] = START // DAY - (rng.uniform(18, 22.5, len(cs)) * 365.25).astype(np.int32)
    device = pop.dev0.gather(cs[:1]).to_list()[0]
    pop.set_str("dev0", cs, [device] * len(cs))
    pop.set_str("dev1", cs, [None] * len(cs))
    vpn = f"{(45, 185, 193, 195)[serial % 4]}.{2 + serial // 256}.{serial % 256}.17"  # unique
    pop.set_str("ip_home", cs, [vpn] * len(cs))
    pop.set_str("ip_other", cs, [None] * len(cs))
    persona = vr.PERSONA[int(rng.integers(len(vr.PERSONA)))]
    mailbox = f"{persona}.{vr.WORDS[int(rng.integers(len(vr.WORDS)))]}{serial}x"
    for k, c in enumerate(cs):
        if k == 0 or rng.random() < 0.7:  # the same gmail box, spelled differently
            local = mailbox if k == 0 else mailbox.replace(".", "") + ("", f"+{k}")[k % 2]
            pop.set_str("email", [c], [f"{local if k % 3 else local.capitalize()}@gmail.com"])
        user, tag = vr.persona(rng, serial * 10 + k)
        pop.extra_ids.append((c, "username", user, ("instagram", "snapchat")[k % 2]))
        pop.extra_ids.append((c, "payment_handle", tag, None))
    if len(cs) >= 2 and rng.random() < 0.6:
        phone = pop.phone.gather(cs[:1]).to_list()[0]
        pop.set_str("phone", cs[1:2], [vr.phone_variant(phone)])


def _burst(
    rng: np.random.Generator,
    pop: Population,
    clock: Clock,
    led: Ledger,
    v: int,
    c: int,
    t: int,
    k: int,
    base: float,
) -> list[tuple[int, int]]:
    """k escalating payments from victim v to collector c from about t; (time, cents) paid."""
    zone, cur, got = int(pop.zone[v]), pt.currency_of(pop, v), []
    t = pt.into_window(clock, pt.night(rng, clock, zone, t))
    amount = base
    for j in range(k):
        last = j == k - 1
        memo = "" if rng.random() < 0.3 else PLEAS[int(rng.integers(len(PLEAS)))]
        if last and rng.random() < 0.4:
            memo = LAST_WORDS[int(rng.integers(len(LAST_WORDS)))]
        ch = CH[pt.pick(rng, VICTIM_CHANNELS)]
        if not pt.within(clock, t):
            break
        if rng.random() < 0.1:  # a limit on the minor's account: declined, then less
            led.add(v, c, t, min(amount * 2, 900), cur, ch, memo, st=2)
            t += int(rng.integers(60, 900))
        ip = HOME if rng.random() < 0.7 else MOBILE
        cents = led.add(v, c, t, pt.nice(rng, amount, 0.8), cur, ch, memo, ip=ip)
        got.append((t, cents))
        amount = min(amount * rng.uniform(1.4, 2.6), 500)
        gap = rng.uniform(300, 2 * HOUR) if rng.random() < 0.7 else rng.uniform(20, 26) * HOUR
        t += int(gap)
    return got


def _run(
    rng: np.random.Generator,
    pop: Population,
    clock: Clock,
    led: Ledger,
    ring: Ring,
    victims: list[list[int]],
    payees: list[int],
    wallet: int,
) -> None:
    scale = min(1.0, clock.days / 30)
    span = [max(DAY, int(rng.uniform(3, 8) * DAY * scale)) for _ in ring.collectors]
    begin = [0]
    for L in span[:-1]:
        begin.append(begin[-1] + int(L * rng.uniform(0.5, 0.9)))
    total = begin[-1] + span[-1]
    room = clock.days * DAY - total - DAY
    shift = START + (int(rng.integers(0, room)) if room > 0 else 0)
    squeeze = min(1.0, clock.days * DAY * 0.9 / total)
    begin = [shift + int(b * squeeze) for b in begin]
    end = [b + int(L * squeeze) for b, L in zip(begin, span, strict=True)]
    reext: list[list[tuple[int, int, float]]] = [[] for _ in ring.collectors]
    forwards: list[tuple[int, int, int]] = []
    for k, c in enumerate(ring.collectors):
        pop.opened[c] = begin[k] - int(rng.uniform(1, 25) * DAY)
        incoming: list[tuple[int, int]] = []
        paid: list[tuple[int, float]] = []
        for v in victims[k]:
            ring.victims.append(v)
            pop.p2p_scale[v] = 0.05
            t0 = int(rng.integers(begin[k], max(begin[k] + 1, end[k] - DAY // 2)))
            base = float(rng.choice([20, 25, 30, 40, 50, 60, 75, 100]))
            got = _burst(rng, pop, clock, led, v, c, t0, int(rng.integers(2, 5)), base)
            incoming += got
            paid.append((v, got[-1][1] / 100 if got else base))
        for v, t, amount in reext[k]:
            incoming += _burst(rng, pop, clock, led, v, c, t, int(rng.integers(1, 3)), amount)
        ring.payments += len(incoming)
        closed = flows.forward(rng, pop, clock, led, c, sorted(incoming), ring.mules, forwards)
        if k < len(ring.collectors) - 1 or rng.random() < 0.5:
            pop.closed[c] = closed if closed < clock.end else -1
        # a rotated collector of the same ring comes back to some victims once c is closed
        for v, amount in paid:
            t = closed + int(rng.uniform(0.5, 3) * DAY)
            later = [j for j in range(k + 1, len(ring.collectors)) if end[j] > t + HOUR]
            if later and rng.random() < 0.55:
                j = later[0]
                again = pt.nice(rng, amount * rng.uniform(0.5, 1.2), 0.9)
                reext[j].append((v, max(t, begin[j]), again))
                ring.reextorted += 1
    flows.cash_out(rng, pop, clock, led, ring.mules, sorted(forwards), payees, wallet)
