"""`account_identifiers`: every identifier an account has been seen with, raw as captured.

One row per (account, identifier): e-mail, phone, usernames with their platform,
cashtags, devices, IPs, some crypto addresses, business URLs, beneficiaries' phones,
plus the planted extras (shared operator identifiers, personas) in `Population.extra_ids`.
Kept with the internal slot index (`idx`) until written.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from sever.ingest import spec
from sever.sample import rawforms as rf
from sever.sample import variants as vr
from sever.sample.clock import DAY, START
from sever.sample.population import BIZ, EXT, IND, MERCHANT, WALLET, Population

ID_TYPES = spec.ID_TYPES  # the contract's own list
_ORDER = {t: i for i, t in enumerate(ID_TYPES)}


def _rows(idx: np.ndarray, id_type: str, value: pl.Series, platform: pl.Series | None = None):
    plat = platform if platform is not None else pl.Series([None] * len(idx), dtype=pl.String)
    return pl.DataFrame(
        {
            "idx": pl.Series(idx, dtype=pl.Int64),
            "id_type": pl.Series([id_type] * len(idx), dtype=pl.String),
            "value": value.cast(pl.String),
            "platform": plat.cast(pl.String),
        }
    )


def build(rng: np.random.Generator, pop: Population, days: int) -> pl.DataFrame:
    """All identifier rows, ordered by account slot then identifier type."""
    ind, biz, ext = pop.kind == IND, pop.kind == BIZ, pop.kind == EXT
    held = np.flatnonzero(ind | biz)
    phoned = np.flatnonzero(ind | biz | (pop.ext_role == 0))
    frames = [
        _rows(held, "email", pop.email.gather(held)),
        _rows(phoned, "phone", pop.phone.gather(phoned)),
    ]

    social = np.flatnonzero(pop.social)
    first = pop.display_name.gather(social).str.split(" ").list.first()
    last = pop.display_name.gather(social).str.split(" ").list.last()
    users = rf.usernames(rng, first, last, social)
    has_user = rng.random(len(social)) < 0.65
    plat = rf.pick(rng, len(social), tuple((p, 1.0) for p in rf.PLATFORMS))
    frames.append(
        _rows(social[has_user], "username", users.filter(has_user), plat.filter(has_user))
    )
    # people reuse their handle on a second platform
    again = has_user & (rng.random(len(social)) < 0.35)
    plat2 = pl.Series(np.where(plat.to_numpy() == "instagram", "snapchat", "instagram"))
    frames.append(_rows(social[again], "username", users.filter(again), plat2.filter(again)))
    has_tag = rng.random(len(social)) < 0.85
    tags = rf.cashtags(rng, first, last, social)
    frames.append(_rows(social[has_tag], "payment_handle", tags.filter(has_tag)))

    coins = np.flatnonzero((ind & (rng.random(pop.n) < 0.04)) | (pop.ext_role == WALLET))
    frames.append(_rows(coins, "crypto_address", pl.Series(vr.crypto_addresses(rng, len(coins)))))
    for name in ("dev0", "dev1"):
        s = getattr(pop, name)
        has = np.flatnonzero(s.is_not_null().to_numpy())
        frames.append(_rows(has, "device_id", s.gather(has)))
    for name in ("ip_home", "ip_mobile", "ip_other"):
        s = getattr(pop, name)
        has = np.flatnonzero(s.is_not_null().to_numpy() & ~ext)
        frames.append(_rows(has, "ip", s.gather(has)))
    sites = np.flatnonzero(biz | (pop.ext_role == MERCHANT))
    slug = pop.display_name.gather(sites).str.to_lowercase().str.replace_all(r"[^a-z0-9]+", "-")
    slug = slug + "-" + rf.digits(rf.unique_numbers(rng, sites, 10**6))  # names repeat, sites not
    frames.append(_rows(sites, "url", "https://www." + slug + pl.Series([".example"] * len(sites))))
    if pop.extra_ids:
        idx, types, values, plats = zip(*pop.extra_ids, strict=True)
        extra = _rows(np.array(idx), "", pl.Series(values), pl.Series(plats, dtype=pl.String))
        frames.append(extra.with_columns(id_type=pl.Series(types)))

    df = pl.concat(frames, how="vertical")
    df = df.filter(pl.col("value").is_not_null())
    df = df.with_columns(order=pl.col("id_type").replace_strict(_ORDER, return_dtype=pl.Int8))
    df = df.sort(["idx", "order"], maintain_order=True).drop("order")
    return _seen(rng, pop, df, days)


def _seen(rng: np.random.Generator, pop: Population, df: pl.DataFrame, days: int) -> pl.DataFrame:
    """first_seen after the account opened; last_seen within the window for most rows."""
    n = df.height
    idx = df["idx"].to_numpy()
    opened = pop.opened[idx]
    end = START + days * DAY
    first = opened + (np.maximum(START - opened, 0) * rng.random(n) ** 3).astype(np.int64)
    last = end - (rng.random(n) * days * DAY * np.where(rng.random(n) < 0.2, 3, 0.5)).astype(
        np.int64
    )
    last = np.maximum(last, first)
    closed = pop.closed[idx]
    last = np.where(closed >= 0, np.minimum(last, closed), last)
    first = np.minimum(first, last)
    return df.with_columns(first_seen=pl.Series(first), last_seen=pl.Series(last))
