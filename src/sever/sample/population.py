"""The account population: individuals, businesses and external counterparties.

Holds one slot per account as column arrays (numpy for numbers, polars for strings)
that the schemes then adjust before anything is written: planted accounts take over
ordinary slots, so their ids are scattered among everybody else's. Writes nothing
itself; `writer` turns it into `accounts.*` and `identifiers` into
`account_identifiers.*`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl

from sever.sample import rawforms as rf
from sever.sample.clock import DAY, START, ZONE
from sever.sample.vocab import (
    BIZ_NOUNS,
    BIZ_WORDS,
    CATEGORIES,
    COUNTRIES,
    CTRY,
    FEMALE,
    FOREIGN_NAMES,
    HOME_COUNTRIES,
    LAST,
    MALE,
    REMIT_COUNTRIES,
)

IND, BIZ, EXT = 0, 1, 2
PERSON, MERCHANT, ATM, WALLET = 0, 1, 2, 3  # roles of external counterparties
YEAR = 365.25
START_DAY = START // DAY
HOME_OCTETS = {"US": (24, 50, 66, 67, 68, 69, 71, 73, 75, 76, 96, 98, 99, 108, 173, 174, 184)}
HOME_OCTETS |= {"GB": (2, 5, 31, 51, 81, 82, 86, 90, 92), "CA": (24, 70, 99, 142, 174, 184)}
# mobile prefixes abroad and how many digits follow (signals of strangers use others)
FOREIGN_PHONE = {"NG": ("+234703", 7), "CI": ("+22505", 8), "PH": ("+63915", 7)}
FOREIGN_PHONE |= {"MX": ("+5255", 8), "IN": ("+9198", 8), "GH": ("+23324", 7)}


@dataclass
class Population:
    n: int
    kind: np.ndarray
    country: np.ndarray  # index into COUNTRIES, -1 unknown
    zone: np.ndarray
    birth: np.ndarray  # epoch days
    has_birth: np.ndarray
    kyc: np.ndarray  # index into KYC, -1 for externals
    opened: np.ndarray  # epoch seconds
    closed: np.ndarray  # epoch seconds, -1 open
    male: np.ndarray
    category: np.ndarray  # index into CATEGORIES for businesses, else -1
    ext_role: np.ndarray  # PERSON/MERCHANT/ATM/WALLET for externals, else -1
    parent: np.ndarray  # a minor's parent slot, else -1
    act: np.ndarray  # background activity multiplier
    p2p_scale: np.ndarray  # damps outgoing P2P (victims have little history)
    stay_home: np.ndarray  # never a background remitter (planted flows abroad are exact)
    reserved: np.ndarray  # planted or kept away from background counterparts
    social: np.ndarray  # gets default usernames and cashtag
    account_id: pl.Series
    display_name: pl.Series
    email: pl.Series
    phone: pl.Series
    dev0: pl.Series
    dev1: pl.Series  # null when the account has one device
    ip_home: pl.Series
    ip_mobile: pl.Series
    ip_other: pl.Series  # shared work/school/cafe network, often null
    extra_ids: list[tuple[int, str, str, str | None]] = field(default_factory=list)

    def age(self) -> np.ndarray:
        """Age in years at window start (NaN without birth date)."""
        return np.where(self.has_birth, (START_DAY - self.birth) / YEAR, np.nan)

    def is_country(self, code: str) -> np.ndarray:
        return self.country == CTRY[code]

    def individuals(self, lo: float = 0, hi: float = 200) -> np.ndarray:
        """Open individuals with a known age in [lo, hi)."""
        a = self.age()
        ok = self.has_birth & (a >= lo) & (a < hi)
        return (self.kind == IND) & ok & (self.closed < 0)

    def take(self, rng: np.random.Generator, k: int, mask: np.ndarray, what: str) -> np.ndarray:
        """Reserve k free slots matching `mask` (random order)."""
        free = np.flatnonzero(mask & ~self.reserved)
        if len(free) < k:
            raise ValueError(f"population too small: need {k} {what}, have {len(free)}")
        chosen = rng.choice(free, size=k, replace=False)
        self.reserved[chosen] = True
        return chosen

    def set_str(self, name: str, idx: list[int] | np.ndarray, values: list[str | None]) -> None:
        getattr(self, name).scatter(np.asarray(idx, dtype=np.int64), pl.Series(values))

    def with_role(self, role: int, code: str | None = None) -> np.ndarray:
        mask = (self.kind == EXT) & (self.ext_role == role)
        return mask if code is None else mask & self.is_country(code)


def _choice(
    rng: np.random.Generator, n: int, weighted: tuple[tuple[str, float], ...]
) -> np.ndarray:
    codes = np.array([CTRY[c] for c, _w in weighted])
    w = np.array([w for _c, w in weighted])
    return codes[rng.choice(len(codes), size=n, p=w / w.sum())]


def _zones(rng: np.random.Generator, country: np.ndarray) -> np.ndarray:
    zone = np.full(len(country), ZONE["gmt"], dtype=np.int8)
    for ci, (_code, _cur, zones) in enumerate(COUNTRIES):
        idx = np.flatnonzero(country == ci)
        w = np.array([w for _z, w in zones])
        pick = rng.choice(len(zones), size=len(idx), p=w / w.sum())
        zone[idx] = np.array([ZONE[z] for z, _w in zones])[pick]
    return zone


def build(rng: np.random.Generator, n: int, min_external: dict[int, int]) -> Population:
    """Draw `n` accounts: ~92% individuals, ~5% businesses, ~3% external counterparties.

    `min_external` (role -> count) makes sure the planted schemes find enough external
    counterparties in small populations: individuals are turned into them if needed.
    """
    kind = rng.choice(3, size=n, p=[0.92, 0.05, 0.03]).astype(np.int8)
    short = 2 * len(CATEGORIES) - int((kind == BIZ).sum())  # every category, twice
    if short > 0:
        kind[rng.choice(np.flatnonzero(kind == IND), size=short, replace=False)] = BIZ
    ext_role = np.where(kind == EXT, rng.choice(4, size=n, p=[0.6, 0.2, 0.05, 0.15]), -1)
    for role, need in sorted(min_external.items()):
        short = need - int((ext_role == role).sum())
        if short > 0:
            slots = rng.choice(np.flatnonzero(kind == IND), size=short, replace=False)
            kind[slots], ext_role[slots] = EXT, role
    ext_role = ext_role.astype(np.int8)
    ind, biz, ext = kind == IND, kind == BIZ, kind == EXT
    country = _choice(rng, n, HOME_COUNTRIES).astype(np.int16)
    country[ext_role == PERSON] = _choice(rng, int((ext_role == PERSON).sum()), REMIT_COUNTRIES)
    merch = ext_role == MERCHANT
    country[merch] = _choice(rng, int(merch.sum()), (("DE", 1), ("FR", 1), ("NL", 1)))
    country[ext_role == WALLET] = -1
    zone = _zones(rng, country)

    # ages: minors 13-17 (~10%), young adults, adults, seniors; ~5% without a birth date
    band = rng.choice(5, size=n, p=[0.1, 0.16, 0.61, 0.08, 0.05])
    lo = np.array([13, 18, 25, 65, 25])[band]
    hi = np.array([18, 25, 65, 86, 60])[band]
    age = lo + rng.random(n) * (hi - lo)
    has_birth = ind & (band < 4)
    birth = (START_DAY - age * YEAR).astype(np.int32)
    kyc = np.where(
        band == 0, rng.choice([1, 2], n, p=[0.7, 0.3]), rng.choice([1, 2], n, p=[0.25, 0.75])
    )
    kyc = np.where(ind & ~has_birth, 0, np.where(biz, 2, np.where(ext, -1, kyc))).astype(np.int8)
    span = np.where(ind, np.clip(age - 13, 0.2, 10), np.where(biz, 15.0, 5.0))
    opened = START - (rng.uniform(0.01, 1.0, n) * span * YEAR * DAY).astype(np.int64)
    closed = np.full(n, -1, dtype=np.int64)
    gone = np.flatnonzero(ind & (rng.random(n) < 0.005))
    closed[gone] = opened[gone] + ((START - opened[gone]) * rng.random(len(gone))).astype(np.int64)

    cat_share = np.array([c[1] for c in CATEGORIES])
    category = np.where(biz, rng.choice(len(CATEGORIES), n, p=cat_share / cat_share.sum()), -1)
    cat_idx = np.flatnonzero(biz)[: 2 * len(CATEGORIES)]  # every category exists twice
    category[cat_idx] = np.arange(len(cat_idx)) % len(CATEGORIES)
    male = rng.random(n) < 0.5
    act = rng.lognormal(0.0, 0.6, n) * np.where(band == 0, 0.8, np.where(band == 3, 0.6, 1.0))
    act[closed >= 0] = 0.0

    account_id = pl.Series(["ext_" if k == EXT else "acct_" for k in kind.tolist()])
    account_id = account_id + pl.Series(np.arange(n)).cast(pl.String).str.zfill(7)
    pop = Population(
        n=n, kind=kind, country=country, zone=zone, birth=birth, has_birth=has_birth,
        kyc=kyc, opened=opened, closed=closed, male=male, category=category.astype(np.int8),
        ext_role=ext_role, parent=np.full(n, -1, dtype=np.int64), act=act.astype(np.float32),
        p2p_scale=np.ones(n, dtype=np.float32), stay_home=np.zeros(n, dtype=bool),
        reserved=np.zeros(n, dtype=bool),
        social=ind & (rng.random(n) < 0.75), account_id=account_id,
        display_name=pl.Series([""] * n), email=pl.Series([None] * n, dtype=pl.String),
        phone=pl.Series([None] * n, dtype=pl.String), dev0=pl.Series([None] * n, dtype=pl.String),
        dev1=pl.Series([None] * n, dtype=pl.String), ip_home=pl.Series([None] * n, dtype=pl.String),
        ip_mobile=pl.Series([None] * n, dtype=pl.String),
        ip_other=pl.Series([None] * n, dtype=pl.String),
    )  # fmt: skip
    _names_and_contacts(rng, pop)
    return pop


def _names_and_contacts(rng: np.random.Generator, pop: Population) -> None:
    n, ind, biz = pop.n, pop.kind == IND, pop.kind == BIZ
    first = np.where(
        pop.male,
        pl.Series(MALE).gather(rng.integers(0, len(MALE), n)).to_numpy(),
        pl.Series(FEMALE).gather(rng.integers(0, len(FEMALE), n)).to_numpy(),
    )
    last = pl.Series(LAST).gather(rng.integers(0, len(LAST), n))
    name = pl.Series(first) + " " + last
    word = pl.Series(BIZ_WORDS).gather(rng.integers(0, len(BIZ_WORDS), n))
    noun = pl.Series([BIZ_NOUNS[c[0]] for c in CATEGORIES]).gather(np.maximum(pop.category, 0))
    owner = np.where(rng.random(n) < 0.5, word.to_numpy(), last.to_numpy())
    name = pl.Series(np.where(biz, (pl.Series(owner) + " " + noun).to_numpy(), name.to_numpy()))
    code = pl.Series([c[0] for c in COUNTRIES] + [None])
    code = code.gather(np.where(pop.country < 0, len(COUNTRIES), pop.country))
    for cc, (firsts, lasts) in FOREIGN_NAMES.items():
        idx = np.flatnonzero(pop.with_role(PERSON, cc))
        f = pl.Series(firsts).gather(rng.integers(0, len(firsts), len(idx)))
        ln = pl.Series(lasts).gather(rng.integers(0, len(lasts), len(idx))).str.replace("_", " ")
        name = name.scatter(idx, f + " " + ln)
        prefix, width = FOREIGN_PHONE[cc]
        phone = prefix + rf.digits(rf.unique_numbers(rng, idx, 10**width), width)
        pop.phone.scatter(idx, phone)
    for role, label in ((MERCHANT, "Online"), (ATM, "ATM Network"), (WALLET, "")):
        idx = np.flatnonzero(pop.with_role(role))
        value = word.gather(idx) + " " + label if role != WALLET else pl.Series([None] * len(idx))
        name = name.scatter(idx, value.cast(pl.String))
    pop.display_name = name

    held = np.flatnonzero(ind | biz)
    f_low = pl.Series(first).gather(held)
    l_low = last.gather(held).str.replace_all("'", "")
    pop.email.scatter(held, rf.emails(rng, f_low, l_low, code.gather(held), held))
    pop.phone.scatter(held, rf.phones(rng, code.gather(held), held))
    pop.dev0.scatter(held, rf.device_ids(rng, len(held)))
    two = held[(rng.random(len(held)) < 0.3) & ind[held]]
    pop.dev1.scatter(two, rf.device_ids(rng, len(two)))
    for cc, octets in HOME_OCTETS.items():
        idx = held[pop.country[held] == CTRY[cc]]
        pop.ip_home.scatter(idx, rf.ipv4(rng, octets, idx))
    mobile = np.flatnonzero(ind)
    pop.ip_mobile.scatter(mobile, rf.ipv6(rng, len(mobile)))
    # shared networks (school, office, cafe): a benign source of shared IPs
    pool = rf.ipv4(rng, (64, 65, 104, 162, 199), np.arange(max(20, n // 150)))
    other = np.flatnonzero(ind & (rng.random(n) < 0.35))
    pop.ip_other.scatter(other, pool.gather(rng.integers(0, len(pool), len(other))))

    # each minor lives with a parent: same home IP, sometimes an allowance
    minors = np.flatnonzero(pop.individuals(13, 18))
    for cc in ("US", "GB", "CA"):
        kids = minors[pop.is_country(cc)[minors]]
        adults = np.flatnonzero(pop.individuals(30, 60) & pop.is_country(cc))
        if len(kids) and len(adults):
            pop.parent[kids] = adults[rng.integers(0, len(adults), len(kids))]
            pop.ip_home.scatter(kids, pop.ip_home.gather(pop.parent[kids]))
