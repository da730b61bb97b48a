"""`generate`: write a deterministic synthetic dataset with planted schemes and labels.

Order of work: draw the population; plant the schemes (they take over ordinary slots
and adjust them: new collector accounts, shared operator identifiers, minors with little
P2P history), the cover activity of some collectors and the benign look-alikes; list
identifiers; draw the vectorised background; merge and write. Each stage has its own
random stream spawned from the seed, so the same arguments give byte-identical files.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from sever.sample import (
    background,
    consumers,
    cover,
    identifiers,
    ledger,
    lookalikes,
    lookalikes_hard,
    population,
    recurring,
    sextortion,
    signals,
    writer,
)
from sever.sample.clock import Clock
from sever.sample.planting import Labels
from sever.sample.vocab import CURRENCIES

MIN_ACCOUNTS = 300  # below this there are not enough minors and externals to plant every scheme
STAGES = ("population", "sextortion", "consumers", "lookalikes", "identifiers", "background")
STAGES += ("recurring", "signals", "fx", "leads", "cover", "lookalikes_hard")


def generate(out: Path, accounts: int, days: int, seed: int, fmt: str = "csv") -> str:
    """Write the dataset into `out`; return a one-paragraph summary of what was written."""
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"format must be csv or parquet, not {fmt!r}")
    if accounts < MIN_ACCOUNTS:
        raise ValueError(f"need at least {MIN_ACCOUNTS} accounts to plant every scheme")
    if days < 1:
        raise ValueError("days must be at least 1")
    streams = np.random.SeedSequence(seed).spawn(len(STAGES))
    rng = {name: np.random.default_rng(s) for name, s in zip(STAGES, streams, strict=True)}
    clock = Clock(days)

    rings_, cases_ = sextortion.ring_count(accounts), consumers.case_count(accounts)
    kin = lookalikes.count_each(accounts) + lookalikes_hard.beneficiaries(accounts)
    need = {  # worst cases: 3 beneficiaries a ring, 13 for a group of 3 consumers
        population.PERSON: 3 * rings_ + 13 * cases_ + kin + 10,
        population.WALLET: rings_ + 3,
        population.ATM: 2,
        population.MERCHANT: 2,
    }
    pop = population.build(rng["population"], accounts, need)
    labels, led = Labels(), ledger.Ledger()
    rings = sextortion.plant(rng["sextortion"], pop, clock, led, labels)
    cases = consumers.plant(rng["consumers"], pop, clock, led, labels)
    covered = cover.cover(rng["cover"], pop, clock, led, [c for r in rings for c in r.collectors])
    looks = lookalikes.plant(rng["lookalikes"], pop, clock, led, labels)
    looks |= lookalikes_hard.plant(rng["lookalikes_hard"], pop, clock, led, labels)
    ids = identifiers.build(rng["identifiers"], pop, days)
    blocks = background.build(rng["background"], pop, clock)
    blocks += recurring.build(rng["recurring"], pop, clock)
    txns = ledger.merge([background.to_frame(blocks), led.frame()])
    del blocks

    normal = np.flatnonzero(~pop.reserved & (pop.kind == population.IND) & (pop.act > 0))
    lookalike_ids = [i for i, role, _t, _c in labels.rows if role == "benign_lookalike"]
    decoys = rng["leads"].choice(normal, size=min(40, len(normal)), replace=False).tolist()
    targets = {
        "collector": [c for r in rings for c in r.collectors],
        "mule": [m for r in rings for m in r.mules],
        "consumer": [c for case in cases for c in case],
        "false_lead": lookalike_ids[::7] + decoys,
    }
    sigs = signals.build(rng["signals"], pop, ids, clock, targets)

    out.mkdir(parents=True, exist_ok=True)
    writer.transactions(pop, clock, txns, out, fmt)
    writer.table(writer.accounts(pop), out, "accounts", fmt)
    writer.table(writer.identifiers(pop, ids), out, "account_identifiers", fmt)
    writer.write_signals(sigs, out)
    used = [CURRENCIES[c] for c in sorted(txns["cur"].unique().to_list())]
    writer.write_fx(writer.fx_rates(rng["fx"], used, days), out)
    writer.write_labels(writer.labels(pop, labels), out)
    return _summary(out, txns, pop, ids, sigs, labels, rings, cases, looks, len(covered), fmt)


def _summary(
    out: Path,
    txns: pl.DataFrame,
    pop: population.Population,
    ids: pl.DataFrame,
    sigs: list[dict],
    labels: Labels,
    rings: list[sextortion.Ring],
    cases: list[list[int]],
    looks: dict[str, int],
    covered: int,
    fmt: str,
) -> str:
    kinds = np.bincount(pop.kind, minlength=3)
    suspects = {i for i, role, *_rest in labels.rows if role in ("collector", "mule", "consumer")}
    on_suspects = sum(1 for s in sigs if s.get("_target", -1) in suspects)
    leads = sum(1 for s in sigs if "_target" in s) - on_suspects
    n_planted_tx = sum(r.payments for r in rings)
    look_text = ", ".join(f"{k} {v}" for k, v in looks.items())
    return (
        f"Wrote {txns.height:,} transactions, {pop.n:,} accounts ({kinds[0]:,} individuals, "
        f"{kinds[1]:,} businesses, {kinds[2]:,} external), {ids.height:,} account identifiers, "
        f"{len(sigs):,} signals and {len(labels.rows):,} labels to {out} ({fmt}). "
        f"Planted: {len(rings)} financial_sextortion rings "
        f"({labels.count('collector')} collectors, {labels.count('mule')} mules, "
        f"{labels.count('victim')} victims paying {n_planted_tx} times, "
        f"{sum(r.reextorted for r in rings)} victims extorted again by a rotated collector; "
        f"{covered} collectors with cover activity); "
        f"{len(cases)} csam_purchase cases ({labels.count('consumer')} consumers); "
        f"benign look-alikes: {look_text}. Signals: {on_suspects} on planted suspects' "
        f"identifiers (spelled differently), {leads} false leads on other accounts, the rest "
        f"match nobody."
    )
