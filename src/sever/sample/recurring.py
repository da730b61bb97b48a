"""Recurring background flows, vectorised: payroll, rent, bills, allowances, remittances, B2B.

These give the ledger its calendar rhythm (paydays, the first of the month) and its
benign look-alikes at scale: employers and landlords are fan-out/fan-in hubs, immigrants
send money home to the same relative every month.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from sever.sample import background as bg
from sever.sample.clock import HOURS_BATCH, HOURS_OFFICE, START, Clock
from sever.sample.population import BIZ, MERCHANT, PERSON, Population
from sever.sample.vocab import (
    ALLOWANCE_MEMOS,
    BILL_MEMOS,
    CAT,
    CH,
    CUR,
    REMIT_MEMOS,
    RENT_MEMOS,
    SALARY_MEMOS,
    WIRE_MEMOS,
)

Block = dict[str, np.ndarray]


def _dates(days: int) -> list[dt.date]:
    first = dt.datetime.fromtimestamp(START, dt.UTC).date()
    return [first + dt.timedelta(days=d) for d in range(days)]


def paydays(days: int) -> list[np.ndarray]:
    """Day indices of the four pay schedules: biweekly (two phases), semi-monthly, monthly."""
    dates = _dates(days)
    fridays = [d for d, x in enumerate(dates) if x.weekday() == 4]
    nxt = [x + dt.timedelta(days=1) for x in dates]
    return [
        np.array(fridays[0::2], dtype=np.int64),
        np.array(fridays[1::2], dtype=np.int64),
        np.array([d for d, x in enumerate(dates) if x.day in (1, 15)], dtype=np.int64),
        np.array([d for d, x in enumerate(dates) if nxt[d].day == 1], dtype=np.int64),
    ]


def month_starts(days: int) -> np.ndarray:
    return np.array([d for d, x in enumerate(_dates(days)) if x.day == 1], dtype=np.int64)


def _cycle(who: np.ndarray, days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every account in `who` on every day of `days`."""
    return np.repeat(who, len(days)), np.tile(days, len(who))


def build(rng: np.random.Generator, pop: Population, clock: Clock) -> list[Block]:
    days = clock.days
    free = ~pop.reserved
    active = pop.act > 0
    age = np.nan_to_num(pop.age(), nan=40.0)
    adults = np.flatnonzero(pop.individuals(18, 90) & active)
    blocks: list[Block] = []

    # payroll: every employer pays its staff on its schedule, early morning batches
    employers = np.flatnonzero((pop.category == CAT["employer"]) & free)
    schedule = rng.integers(0, 4, pop.n)
    p_job = np.where(age < 18, 0.1, np.where(age >= 67, 0.15, 0.68))
    staff = np.flatnonzero(pop.individuals(16, 90) & active & (rng.random(pop.n) < p_job))
    boss = bg.local_pick(rng, pop, staff, (pop.category == CAT["employer"]) & free, 0.9)
    scale = np.array([1.0, 1.0, 1.08, 2.1])[schedule[boss]]
    pay = np.exp(rng.normal(np.log(2400), 0.35, len(staff))) * scale
    pay = np.where(age[staff] < 18, pay * 0.12, pay)
    slip = np.zeros(pop.n, dtype=np.int64)  # each employer words its payslips one way
    slip[employers] = bg.memos(rng, SALARY_MEMOS, len(employers))
    for k, pd in enumerate(paydays(days)):
        sel = np.flatnonzero(schedule[boss] == k)
        if not len(sel) or not len(pd):
            continue
        who, day = _cycle(sel, pd)
        jitter = np.where(rng.random(len(who)) < 0.5, 1.0, rng.uniform(0.9, 1.1, len(who)))
        memo = slip[boss[who]]
        blocks.append(
            bg.part(rng, clock, pop, boss[who], staff[who], pay[who] * jitter, CH["bank_transfer"],
                    memo, hours=HOURS_BATCH, day=day, online=0.0)
        )  # fmt: skip

    # rent on the first days of the month, to property managers
    starts = month_starts(days)
    renters = adults[(age[adults] >= 20) & (rng.random(len(adults)) < 0.5)]
    landlord = bg.local_pick(rng, pop, renters, (pop.category == CAT["property"]) & free, 0.9)
    rent = np.round(np.exp(rng.normal(np.log(1650), 0.3, len(renters))))
    if len(starts):
        who, day = _cycle(np.arange(len(renters)), starts)
        day = np.minimum(day + rng.integers(0, 4, len(day)), days - 1)
        blocks.append(
            bg.part(rng, clock, pop, renters[who], landlord[who], rent[who], CH["bank_transfer"],
                    bg.memos(rng, RENT_MEMOS, len(who)), day=day)
        )  # fmt: skip

    # utility and phone bills, once or twice a month
    payers = adults[rng.random(len(adults)) < 0.7]
    s = np.repeat(payers, rng.poisson(1.2 * days / 30, len(payers)))
    utility = np.isin(pop.category, [CAT["utility"], CAT["telecom"]]) & free
    r = bg.local_pick(rng, pop, s, utility, 0.9)
    blocks.append(
        bg.part(rng, clock, pop, s, r, bg.amounts(rng, (95.0, 0.5), len(s)), CH["bank_transfer"],
                bg.memos(rng, BILL_MEMOS, len(s)))
    )  # fmt: skip

    # weekly allowance from a parent to about half the minors
    kids = np.flatnonzero((pop.parent >= 0) & active & (rng.random(pop.n) < 0.5))
    kids = kids[pop.act[pop.parent[kids]] > 0]
    allowance = np.array([10, 20, 25, 40, 50])[rng.integers(0, 5, len(kids))]
    first = rng.integers(0, 7, len(kids))
    n_weeks = np.maximum((days - first + 6) // 7, 0)
    who = np.repeat(np.arange(len(kids)), n_weeks)
    week = np.arange(len(who)) - np.repeat(np.cumsum(n_weeks) - n_weeks, n_weeks)
    day = first[who] + 7 * week
    blocks.append(
        bg.part(rng, clock, pop, pop.parent[kids][who], kids[who], allowance[who].astype(float),
                CH["p2p"], bg.memos(rng, ALLOWANCE_MEMOS, len(who)), day=day)
    )  # fmt: skip

    blocks.extend(_abroad_and_business(rng, pop, clock, adults))
    return blocks


def _abroad_and_business(
    rng: np.random.Generator, pop: Population, clock: Clock, adults: np.ndarray
) -> list[Block]:
    days, free = clock.days, ~pop.reserved
    blocks: list[Block] = []
    # immigrants sending money home: same relative, a couple of times a month, daytime
    family = np.flatnonzero(pop.with_role(PERSON) & free)
    remitters = adults[(rng.random(len(adults)) < 0.025) & ~pop.stay_home[adults]]
    if len(family) and len(remitters):
        kin = family[rng.integers(0, len(family), len(remitters))]
        usual = np.round(np.exp(rng.normal(np.log(250), 0.5, len(remitters))), -1)
        who = np.repeat(np.arange(len(remitters)), rng.poisson(1.4 * days / 30, len(remitters)))
        ch = np.where(rng.random(len(who)) < 0.85, CH["remittance"], CH["wire"])
        blocks.append(
            bg.part(rng, clock, pop, remitters[who], kin[who], np.maximum(usual[who], 20), ch,
                    bg.memos(rng, REMIT_MEMOS, len(who)))
        )  # fmt: skip

    # business to business transfers, wires to and from suppliers abroad
    firms = np.flatnonzero((pop.kind == BIZ) & free)
    s = np.repeat(firms, rng.poisson(0.1 * days * pop.act[firms]))
    r = bg.local_pick(rng, pop, s, (pop.kind == BIZ) & free, 0.9)
    r = np.where(r == s, firms[(np.searchsorted(firms, s) + 1) % len(firms)], r)
    memo = bg.memos(rng, WIRE_MEMOS, len(s))
    dollars = bg.amounts(rng, (1500.0, 1.1), len(s))
    blocks.append(
        bg.part(rng, clock, pop, s, r, dollars, CH["bank_transfer"], memo, hours=HOURS_OFFICE)
    )
    foreign = np.flatnonzero(pop.with_role(MERCHANT) & free)
    if len(foreign):
        s = np.repeat(firms, rng.poisson(0.02 * days, len(firms)))
        r = foreign[rng.integers(0, len(foreign), len(s))]
        b = bg.part(rng, clock, pop, s, r, bg.amounts(rng, (4000.0, 1.0), len(s)), CH["wire"],
                    bg.memos(rng, WIRE_MEMOS, len(s)), hours=HOURS_OFFICE)  # fmt: skip
        b["cur"] = np.where(rng.random(len(s)) < 0.5, CUR["EUR"], b["cur"]).astype(np.int8)
        blocks.append(b)
        s = np.repeat(foreign, rng.poisson(0.05 * days, len(foreign)))
        r = firms[rng.integers(0, len(firms), len(s))]
        blocks.append(
            bg.part(rng, clock, pop, s, r, bg.amounts(rng, (3000.0, 1.0), len(s)), CH["wire"],
                    bg.memos(rng, WIRE_MEMOS, len(s)), hours=HOURS_OFFICE, online=0.0)
        )  # fmt: skip
    return blocks
