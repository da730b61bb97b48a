"""Harder benign look-alikes: ordinary lives that share more of the schemes' surface.

Five kinds, role `benign_lookalike`, empty typology, case `look-<kind>-NNNN`:

- `nightshift`: a night-shift worker who, on breaks late at night local time, remits to
  one or two relatives in PH or NG a few times a month each, the same amount to each,
  with memos like "family support" or "school fees" (the consumer's night and memos,
  but few beneficiaries, a regular rhythm and steady amounts);
- `teen-p2p`: three to five teen friends paying each other small sums late at night for
  games and food, a loser sometimes paying again, more each time, with memos like "pls
  pay me back" or "delete this game". One of them (the hub) is paid by all the others,
  but the money goes both ways, the hub is an old, fully verified account, and nothing
  is sent on abroad or into cash (the victim's and collector's night, escalation and
  memos, without coercion);
- `organiser`: an event organiser selling tickets, or a home business selling to
  customers, paid by 15-40 people over one to three days, who pays a domestic supplier
  within hours of each day's takings (fan-in and fast pass-through, but at home and
  never into cash or crypto);
- `emergency-remit`: relatives chip in for a hospital bill abroad on one day, and the
  account sends it, once, within hours, to a relative in PH, NG, MX, IN or GH (a mule's
  fan-in, short dwell and transfer abroad, once);
- `household`: a parent, a teen and one or two more relatives (a sibling, or the other
  parent) sharing a tablet (`device_id`) and the home IP, the siblings paying the teen
  small sums (an operator's shared identifiers, around old accounts that do not collect
  from strangers).

Every account of a teen-p2p group and of a household is labelled; for the other kinds only
the account itself (the people paying it are ordinary accounts). Accounts are taken, where
the population allows, among those not yet in any planted flow; small populations turn a
few adults into minors. The workers, organisers and emergency remitters send nothing
abroad in the background (`Population.stay_home`), so their flows abroad are the planted
ones.
Writes ledger rows, labels and account changes (ages, KYC, opening dates, shared device
and home IP, time zones).
"""

from __future__ import annotations

import itertools

import numpy as np

from sever.sample import planting as pt
from sever.sample import rawforms as rf
from sever.sample.clock import DAY, HOUR, START, Clock
from sever.sample.ledger import HOME, MOBILE, Ledger
from sever.sample.lookalikes import Ctx
from sever.sample.population import BIZ, YEAR, Population
from sever.sample.vocab import CAT, CTRY

KINDS = ("nightshift", "teen_p2p", "organiser", "emergency_remit", "household")
HOME_CODES = ("US", "GB", "CA")
KIN_ABROAD = (("PH", 0.3), ("NG", 0.2), ("MX", 0.2), ("IN", 0.15), ("GH", 0.15))

_SHIFT = (22, 23, 0, 1, 2, 3, 4)  # a night-shift break, local time
_SHIFT_CUM = tuple(itertools.accumulate((1, 2, 3, 3, 3, 2, 1)))
_TEEN_NIGHT = (21, 22, 23, 0, 1)
_TEEN_CUM = tuple(itertools.accumulate((2, 3, 3, 2, 1)))
_SALES = tuple(range(10, 20))  # the organiser's daytime
_AFTER_SCHOOL = tuple(range(15, 23))

KIN_MEMOS = ("family support", "school fees", "for mama", "allowance", "tuition", "padala")
KIN_MEMOS += ("for the kids", "monthly", "load", "medicine")
FOOD_MEMOS = ("pls pay me back", "pizza", "🍕", "food", "uber eats", "ur share", "wings", "")
GAME_MEMOS = ("delete this game", "bet", "lost the bet 😭", "double or nothing", "gg")
GAME_MEMOS += ("v-bucks", "robux", "for the skin", "rematch", "", "")
TICKET_MEMOS = ("tickets", "2 tix pls", "party", "bus trip", "for the trip", "🎉", "table", "")
ORDER_MEMOS = ("order", "cake", "catering", "tamales x12", "cookies", "thank you!", "")
EVENT_COSTS = ("deposit", "catering", "venue balance", "bus rental", "dj", "")
STOCK_COSTS = ("supplies", "wholesale order", "ingredients", "invoice", "")
CHIP_IN = ("for lolas hospital", "hospital bill", "for the surgery", "praying 🙏", "for tita")
CHIP_IN += ("medical", "love you all", "for moms operation", "", "")
SENT_HOME = ("hospital bill", "medical", "for the operation", "emergency", "for lola", "")
SIBLING_MEMOS = ("lunch", "robux", "ur half", "for moms gift", "pizza", "movie", "pay u back")
SIBLING_MEMOS += ("", "", "")


def count_each(accounts: int) -> int:
    return max(2, accounts // 1000)


def beneficiaries(accounts: int) -> int:
    """External persons abroad this module may reserve (two relatives per night-shift worker,
    one per emergency)."""
    return 3 * count_each(accounts)


class _Taker:
    """Reserves accounts, preferring those not yet in any planted flow (`fresh`)."""

    def __init__(self, rng: np.random.Generator, pop: Population, led: Ledger) -> None:
        self.rng, self.pop = rng, pop
        used = np.zeros(pop.n, dtype=bool)
        used[np.asarray(led.rows["s"], dtype=np.int64)] = True
        used[np.asarray(led.rows["r"], dtype=np.int64)] = True
        self.fresh = ~used
        self.parents = np.zeros(pop.n, dtype=bool)
        self.parents[pop.parent[pop.parent >= 0]] = True
        self.home = np.isin(pop.country, [CTRY[c] for c in HOME_CODES])
        self.active = pop.act > 0

    def ages(self, lo: float, hi: float) -> np.ndarray:
        return self.pop.individuals(lo, hi) & self.active & self.home

    def take(self, k: int, masks: list[np.ndarray], what: str) -> list[int]:
        """k slots from `masks` in order of preference, fresh ones of every mask first."""
        got: list[int] = []
        for m in [x & self.fresh for x in masks] + masks:
            have = min(k - len(got), int((m & ~self.pop.reserved).sum()))
            if have > 0:
                got += [int(i) for i in self.pop.take(self.rng, have, m, what)]
        if len(got) < k:
            raise ValueError(f"population too small: need {k} {what}, have {len(got)}")
        return got

    def near(self, anchors: list[int], ks: list[int], masks: list[np.ndarray], what: str):
        """For each anchor, ks[i] slots of `masks` (in order of preference) in its country."""
        out: list[list[int]] = [[] for _ in anchors]
        countries = [int(self.pop.country[a]) for a in anchors]
        for ci in sorted(set(countries)):
            slots = [i for i, c in enumerate(countries) if c == ci]
            here = self.pop.country == ci
            got = self.take(sum(ks[i] for i in slots), [m & here for m in masks], what)
            for i in slots:
                out[i], got = got[: ks[i]], got[ks[i] :]
        return out

    def roomy(self, need: list[tuple[list[np.ndarray], int]]) -> np.ndarray:
        """Accounts of the home countries that can supply whole groups: for each (masks, k) of
        `need`, at least k free accounts of those masks. Small populations: mostly the US."""
        ok = np.zeros(self.pop.n, dtype=bool)
        most, best = -1, self.home
        for code in HOME_CODES:
            here = self.pop.country == CTRY[code]
            free = here & ~self.pop.reserved
            room = [int((np.logical_or.reduce(masks) & free).sum()) - k for masks, k in need]
            if min(room) >= 0:
                ok |= here
            if min(room) > most:
                most, best = min(room), here
        return ok if ok.any() else best

    def teens(self) -> list[np.ndarray]:
        """Masks for teens, most preferred first; the last two (adults who are nobody's parent,
        for small populations) are made minors."""
        young = [self.ages(18, 30) & ~self.parents, self.ages(30, 45) & ~self.parents]
        return [self.ages(14, 18), self.ages(13, 18), *young]

    def make_minors(self, idx: list[int]) -> None:
        """Adults taken as teens (small populations) become 14-17 with a basic KYC."""
        pop = self.pop
        adult = [i for i in idx if not _age(pop, i) < 18]
        if not adult:
            return
        age = self.rng.uniform(14, 17.9, len(adult))
        pop.birth[adult] = (START // DAY - age * YEAR).astype(np.int32)
        pop.has_birth[adult] = True
        pop.kyc[adult] = 1
        pop.opened[adult] = START - (self.rng.uniform(0.1, 1, len(adult)) * (age - 13) * YEAR * DAY)


def plant(
    rng: np.random.Generator, pop: Population, clock: Clock, led: Ledger, labels: pt.Labels
) -> dict[str, int]:
    """Plant `count_each(accounts)` instances of each kind; returns counts per kind."""
    n = count_each(pop.n)
    tk = _Taker(rng, pop, led)
    # who: all of them are reserved before any payer is drawn, so none of them pays another
    workers = tk.take(n, [tk.ages(25, 62)], "night-shift workers")
    n_kin = rng.integers(1, 3, n)
    codes = [str(c) for c in rng.choice(["PH", "NG"], int(n_kin.sum()), p=[0.6, 0.4])]
    kin = pt.take_beneficiaries(rng, pop, codes, "relatives abroad")
    cuts = np.cumsum(n_kin)[:-1].tolist()
    kin_of = [list(x) for x in np.split(np.array(kin, dtype=np.int64), cuts)]

    room = tk.roomy([(tk.teens(), 10 * n)])
    hubs = tk.take(n, [m & room for m in tk.teens()], "teen hubs")
    friends = tk.near(hubs, rng.integers(2, 5, n).tolist(), tk.teens(), "teen friends")
    groups = [[h, *f] for h, f in zip(hubs, friends, strict=True)]
    tk.make_minors([a for g in groups for a in g])
    _settle_teens(rng, pop, groups)

    crowd = tk.roomy([([tk.ages(17, 32)], 45), ([tk.ages(22, 80)], 45)])  # enough customers
    organisers = tk.take(n, [tk.ages(24, 60) & crowd], "organisers")
    helped = tk.take(n, [tk.ages(22, 60)], "emergency remitters")
    far = [pt.pick(rng, KIN_ABROAD) for _ in range(n)]
    far_kin = pt.take_beneficiaries(rng, pop, far, "relatives abroad")

    homes = _households(rng, pop, tk, n)
    pop.stay_home[workers + organisers + helped] = True  # their flows abroad are the planted ones

    c = Ctx(rng, pop, clock, led)
    shops = _Shops(pop)
    for i, (w, k) in enumerate(zip(workers, kin_of, strict=True)):
        _nightshift(c, w, [int(x) for x in k])
        labels.add([w], "benign_lookalike", "", _case("nightshift", i))
    for i, g in enumerate(groups):
        _teen_p2p(c, shops, g)
        labels.add(g, "benign_lookalike", "", _case("teen_p2p", i))
    for i, o in enumerate(organisers):
        _organiser(c, shops, o, i)
        labels.add([o], "benign_lookalike", "", _case("organiser", i))
    for i, (h, k) in enumerate(zip(helped, far_kin, strict=True)):
        _emergency(c, h, k)
        labels.add([h], "benign_lookalike", "", _case("emergency_remit", i))
    for i, home in enumerate(homes):
        _household(c, home)
        labels.add(home, "benign_lookalike", "", _case("household", i))
    return {k: n for k in KINDS}


def _age(pop: Population, i: int) -> float:
    """Age of one account at window start (NaN without a birth date); `Population.age` for
    one slot, without computing everybody's."""
    return (START // DAY - int(pop.birth[i])) / YEAR if pop.has_birth[i] else float("nan")


def _case(kind: str, i: int) -> str:
    return f"look-{kind.replace('_', '-')}-{i + 1:04d}"


class _Shops:
    """Local businesses of a few categories, per country (else any local business; a country
    without businesses, only in tiny populations, falls back on those of anywhere)."""

    def __init__(self, pop: Population) -> None:
        self.pop = pop
        self.cache: dict[tuple[tuple[str, ...], int], np.ndarray] = {}

    def near(self, cats: tuple[str, ...], acct: int) -> np.ndarray:
        key = (cats, int(self.pop.country[acct]))
        if key not in self.cache:
            pop = self.pop
            mask = np.isin(pop.category, [CAT[x] for x in cats]) & (pop.kind == BIZ)
            mask &= ~pop.reserved
            local = (pop.kind == BIZ) & ~pop.reserved & (pop.country == key[1])
            for m in (mask & local, local, mask):
                if m.any():
                    self.cache[key] = np.flatnonzero(m)
                    break
        return self.cache[key]


def _settle_teens(rng: np.random.Generator, pop: Population, groups: list[list[int]]) -> None:
    """Friends live in the hub's town; the hub has had its (parent-verified) account for years."""
    for g in groups:
        hub = g[0]
        pop.zone[g] = pop.zone[hub]
        age = _age(pop, hub)
        years = max(0.5, rng.uniform(0.5, 1.0) * (age - 13))
        pop.opened[hub] = START - int(years * YEAR * DAY)
        pop.kyc[hub] = 2


def _households(rng: np.random.Generator, pop: Population, tk: _Taker, n: int) -> list[list[int]]:
    """Parent, teen, sibling and, in half of them, a second sibling or the other parent;
    one home IP, one family tablet (as everybody's second device), one time zone."""
    sib_masks, spouse = [tk.ages(13, 25) & ~tk.parents, *tk.teens()], tk.ages(36, 62)
    room = tk.roomy([(tk.teens(), 4 * n), (sib_masks, 6 * n), ([spouse], 2 * n)])
    parents = tk.take(n, [tk.ages(38, 60) & room], "household parents")
    extra = rng.random(n) < 0.5
    other_adult = extra & (rng.random(n) < 0.5)
    teens = [t[0] for t in tk.near(parents, [1] * n, tk.teens(), "household teens")]
    tk.make_minors(teens)
    n_sibs = (1 + (extra & ~other_adult)).tolist()
    sibs = tk.near(parents, n_sibs, sib_masks, "household siblings")
    tk.make_minors([a for s in sibs for a in s if not _age(pop, a) < 25])
    others = tk.near(parents, other_adult.astype(int).tolist(), [spouse], "spouses")
    homes = [[p, t, *s, *o] for p, t, s, o in zip(parents, teens, sibs, others, strict=True)]

    members = [a for h in homes for a in h]
    owner = [h[0] for h in homes for _ in h]
    tablets = rf.device_ids(rng, len(homes)).to_list()
    pop.set_str("dev1", members, [tablets[i] for i, h in enumerate(homes) for _ in h])
    pop.set_str("ip_home", members, pop.ip_home.gather(owner).to_list())
    pop.zone[members] = pop.zone[owner]
    kids = [(a, h[0]) for h in homes for a in h[1:] if _age(pop, a) < 18]
    pop.parent[[a for a, _p in kids]] = [p for _a, p in kids]
    for a in members:  # a family's accounts are months or years old (not before age 13)
        thirteen = int(pop.birth[a]) * DAY + int(13 * YEAR * DAY)
        months = START - int(rng.uniform(90, 720) * DAY)
        pop.opened[a] = max(thirteen, min(int(pop.opened[a]), months))
    return homes


def _nightshift(c: Ctx, worker: int, kin: list[int]) -> None:
    """The same amount to each relative every one to two weeks, on a break at night."""
    zone = int(c.pop.zone[worker])
    for k in kin:
        amount = float(c.pick((50, 60, 75, 80, 100, 120, 150, 200, 250)))
        step = int(c.pick((7, 10, 14, 14, 15)))
        memo = str(c.pick(KIN_MEMOS))
        ch = "remittance" if c.rng.random() < 0.85 else "wire"
        for d in range(int(c.rng.integers(0, min(step, c.clock.days))), c.clock.days, step):
            t = pt.at_local_hour(c.rng, c.clock, zone, START + d * DAY, _SHIFT, _SHIFT_CUM)
            paid = amount + (float(c.pick((10, 20, 25, 50))) if c.rng.random() < 0.05 else 0.0)
            c.pay(worker, k, t, paid, memo if c.rng.random() < 0.85 else "", ch)


def _minutes(c: Ctx, lo: float, hi: float) -> int:
    """A delay of `lo` to `hi` minutes, in seconds."""
    return int(c.rng.uniform(lo, hi) * 60)


def _teen_p2p(c: Ctx, shops: _Shops, group: list[int]) -> None:
    """Evenings of food and games: whoever ordered is paid back; losers pay, sometimes again.

    The first evening a friend orders (the hub pays that friend back), the second is a game
    everybody is in (and pays the hub): money goes both ways in every group.
    """
    hub, friends = group[0], group[1:]
    first = int(c.pick(tuple(friends)))
    for k in range(max(2, round(c.clock.days / 30 * c.rng.uniform(5, 9)))):
        day = c.day(0, max(1, c.clock.days - 1)) if k < 2 else c.day()
        t0 = pt.at_local_hour(c.rng, c.clock, int(c.pop.zone[hub]), day, _TEEN_NIGHT, _TEEN_CUM)
        t0 = pt.into_window(c.clock, t0)
        there = [f for f in friends if c.rng.random() < 0.75 or k == 1]
        there = there or [int(c.pick(tuple(friends)))]
        if k == 0 or (k > 1 and c.rng.random() < 0.5):  # food: the hub orders, most of the time
            buyer = first if k == 0 else hub if c.rng.random() < 0.7 else int(c.pick(tuple(there)))
            _food(c, shops, buyer, [a for a in [hub, *there] if a != buyer], t0)
        else:
            _game(c, shops, hub, there, t0)


def _food(c: Ctx, shops: _Shops, buyer: int, eaters: list[int], t0: int) -> None:
    share = float(c.pick((6, 8, 10, 12, 12.5, 15)))
    shop = c.one(shops.near(("food_delivery", "restaurant"), buyer))
    c.pay(buyer, shop, t0, share * (len(eaters) + 1), "", "card")
    for a in eaters:
        memo, ip = str(c.pick(FOOD_MEMOS)), int(c.pick((HOME, HOME, MOBILE)))
        c.pay(a, buyer, t0 + _minutes(c, 5, 120), share, memo, later=True, ip=ip)


def _game(c: Ctx, shops: _Shops, hub: int, there: list[int], t0: int) -> None:
    """Bets and buy-ins paid to the hub (a loser may go double or nothing); the hub loses
    now and then, and the friends settle among themselves."""
    if c.rng.random() < 0.4:  # the hub buys the game item everybody plays with
        item = float(c.pick((4.99, 9.99, 19.99)))
        c.pay(hub, c.one(shops.near(("gaming",), hub)), t0, item, "", "card")
    t = t0
    for f in there:
        amount, t = float(c.pick((2, 3, 5, 5, 10))), t0 + _minutes(c, 10, 60)
        for _ in range(1 + int(c.rng.random() < 0.4) * int(c.rng.integers(1, 3))):
            c.pay(f, hub, t, amount, str(c.pick(GAME_MEMOS)), later=True)
            amount, t = amount * 2, t + _minutes(c, 15, 70)
    if c.rng.random() < 0.6:
        loser_pays = float(c.pick((2, 3, 5, 10)))
        memo = str(c.pick(GAME_MEMOS))
        c.pay(hub, int(c.pick(tuple(there))), t + _minutes(c, 5, 40), loser_pays, memo, later=True)
    if len(there) >= 2 and c.rng.random() < 0.6:
        a, b = (int(x) for x in c.rng.choice(there, size=2, replace=False))
        memo = str(c.pick(GAME_MEMOS))
        c.pay(a, b, t + _minutes(c, 5, 40), float(c.pick((2, 3, 5, 10))), memo, later=True)


def _organiser(c: Ctx, shops: _Shops, org: int, i: int) -> None:
    """Tickets (even i) or home-made goods (odd i) paid by many local people over one to three
    days, in the daytime; each day's takings mostly go to a local supplier within hours, by P2P
    or bank transfer."""
    event, zone = i % 2 == 0, int(c.pop.zone[org])
    cats = ("restaurant", "retail", "property") if event else ("grocery", "retail")
    supplier, costs = c.one(shops.near(cats, org)), EVENT_COSTS if event else STOCK_COSTS
    n_days = int(c.rng.integers(1, 4))
    d0 = c.day(0, max(1, c.clock.days - n_days - 1))
    price = float(c.pick((15, 20, 25, 30, 35, 40, 45, 50)))
    takings: list[list[tuple[int, float]]] = [[] for _ in range(n_days)]
    for p in c.payers("young" if event else "adult", int(c.rng.integers(15, 41)), org):
        k = int(c.rng.integers(n_days))
        t = pt.into_window(c.clock, pt.at_local_hour(c.rng, c.clock, zone, d0 + k * DAY, _SALES))
        if event:
            amount = price * (2 if c.rng.random() < 0.2 else 1)
            memo = str(c.pick(TICKET_MEMOS))
        else:
            amount = float(c.pick((12, 15, 18, 24, 30, 36, 45, 60)))
            memo = str(c.pick(ORDER_MEMOS))
        c.pay(p, org, t, amount, memo)
        takings[k].append((t, amount))
    for day in takings:
        if not day:
            continue
        t = max(t for t, _a in day) + _minutes(c, 30, 150)
        ch = "p2p" if c.rng.random() < 0.65 else "bank_transfer"
        paid = round(sum(a for _t, a in day) * c.rng.uniform(0.75, 0.95), 2)
        c.pay(org, supplier, t, paid, str(c.pick(costs)), ch, later=True)


def _emergency(c: Ctx, person: int, kin: int) -> None:
    """Relatives chip in on one day; hours later it all goes, once, to a relative abroad."""
    zone = int(c.pop.zone[person])
    day = c.day(0, max(1, c.clock.days - 1))
    t0 = pt.into_window(c.clock, pt.at_local_hour(c.rng, c.clock, zone, day, (8, 9, 10, 11)))
    got, last = 0.0, t0
    for j, f in enumerate(c.payers("adult", int(c.rng.integers(3, 7)), person)):
        t = t0 if j == 0 else t0 + int(c.rng.uniform(0.1, 9) * HOUR)
        amount = float(c.pick((50, 100, 100, 150, 200, 250, 300, 500)))
        if c.pay(f, person, t, amount, str(c.pick(CHIP_IN)), later=j > 0):
            got, last = got + amount, max(last, t)
    own = float(c.pick((0, 0, 50, 100, 200)))
    ch = "remittance" if c.rng.random() < 0.8 else "wire"
    t = last + int(c.rng.uniform(0.5, 4) * HOUR)
    c.pay(person, kin, t, got + own, str(c.pick(SENT_HOME)), ch, later=True)


def _household(c: Ctx, home: list[int]) -> None:
    """Siblings (and now and then the parent) pay the teen small sums, often on the tablet."""
    parent, teen, others = home[0], home[1], home[2:]
    zone = int(c.pop.zone[parent])
    sibs = [a for a in others if _age(c.pop, a) < 30] or others
    for k in range(max(2, round(c.clock.days / 30 * c.rng.uniform(4, 9)))):
        t = pt.at_local_hour(c.rng, c.clock, zone, c.day(), _AFTER_SCHOOL)
        s = int(c.pick(tuple(sibs)))
        s, r = (s, teen) if k < 2 or c.rng.random() < 0.8 else (teen, s)  # the teen pays back
        amount = float(c.pick((5, 5, 10, 10, 15, 20, 25, 40)))
        dev = 1 if k == 0 or c.rng.random() < 0.6 else 0  # the family tablet, often
        c.pay(s, r, t, amount, str(c.pick(SIBLING_MEMOS)), dev=dev, ip=HOME)
    if c.rng.random() < 0.5:
        t = pt.at_local_hour(c.rng, c.clock, zone, c.day(), (7, 8))
        c.pay(parent, teen, t, float(c.pick((10, 20))), "lunch money", dev=1, ip=HOME)
