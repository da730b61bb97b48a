"""The transaction ledger: planted rows appended one by one, then everything assembled.

Background and planted transactions share one internal layout (slot indices, epoch
seconds, integer cents and codes, a device slot and an IP slot). `merge` puts them
in time order (so txn ids reveal nothing about how a row was made) and `render` turns
a slice of it into the contract's `transactions` columns.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from sever.ingest import spec
from sever.sample.clock import Clock
from sever.sample.population import Population
from sever.sample.vocab import CHANNELS, COUNTRIES, CURRENCIES, STATUSES

NO_DEV, NO_IP = -1, -1
HOME, MOBILE, OTHER = 0, 1, 2
SCHEMA = {
    "s": pl.Int64,
    "r": pl.Int64,
    "t": pl.Int64,
    "cents": pl.Int64,
    "cur": pl.Int8,
    "ch": pl.Int8,
    "st": pl.Int8,
    "memo": pl.String,
    "dev": pl.Int8,
    "ip": pl.Int8,
}
COLUMNS = tuple(c.name for c in spec.TRANSACTIONS.columns)  # the contract's order


class Ledger:
    """Planted transactions, appended by the scheme builders."""

    def __init__(self) -> None:
        self.rows: dict[str, list] = {k: [] for k in SCHEMA}

    def add(
        self,
        s: int,
        r: int,
        t: int,
        amount: float,
        cur: int,
        ch: int,
        memo: str = "",
        *,
        dev: int = 0,
        ip: int = HOME,
        st: int = 0,
    ) -> int:
        """Append one payment; returns its amount in cents."""
        cents = max(1, round(amount * 100))
        for key, value in zip(SCHEMA, (s, r, t, cents, cur, ch, st, memo, dev, ip), strict=True):
            self.rows[key].append(value)
        return cents

    def frame(self) -> pl.DataFrame:
        return pl.DataFrame(self.rows, schema=SCHEMA)


def merge(frames: list[pl.DataFrame]) -> pl.DataFrame:
    """Background and planted rows in one frame, ordered by time (ties keep input order)."""
    df = pl.concat([f.select(list(SCHEMA)).cast(SCHEMA) for f in frames], how="vertical")
    return df.sort("t", maintain_order=True)


def render(pop: Population, clock: Clock, df: pl.DataFrame, first: int) -> pl.DataFrame:
    """Contract columns for a slice of the merged ledger whose first row is number `first`."""
    n = pop.n
    s, r = df["s"].to_numpy(), df["r"].to_numpy()
    dev = df["dev"].to_numpy().astype(np.int64)
    has2 = pop.dev1.is_not_null().to_numpy()
    dev = np.where((dev == 1) & ~has2[s], 0, dev)
    dev_idx = pl.Series(np.where(dev >= 0, s + n * dev, -1)).cast(pl.Int64)
    devices = pl.concat([pop.dev0, pop.dev1]).gather(dev_idx.set(dev_idx < 0, None))

    ip = df["ip"].to_numpy().astype(np.int64)
    has_other = pop.ip_other.is_not_null().to_numpy()
    has_mobile = pop.ip_mobile.is_not_null().to_numpy()
    ip = np.where((ip == OTHER) & ~has_other[s], HOME, ip)
    ip = np.where((ip == MOBILE) & ~has_mobile[s], HOME, ip)
    ip_idx = pl.Series(np.where(ip >= 0, s + n * ip, -1)).cast(pl.Int64)
    ips = pl.concat([pop.ip_home, pop.ip_mobile, pop.ip_other]).gather(ip_idx.set(ip_idx < 0, None))

    codes = pl.Series([c[0] for c in COUNTRIES] + [None], dtype=pl.String)
    country = np.where(pop.country < 0, len(COUNTRIES), pop.country)
    rows = np.arange(first, first + df.height)
    txn_id = "tx_" + pl.Series(rows).cast(pl.String).str.zfill(9)
    out = pl.DataFrame(
        {
            "txn_id": txn_id,
            "ts": clock.format_local(pop.zone[s], df["t"].to_numpy()),
            "sender_id": pop.account_id.gather(s),
            "receiver_id": pop.account_id.gather(r),
            "amount": (df["cents"].cast(pl.Decimal(18, 2)) / 100).cast(pl.Decimal(18, 2)),
            "currency": pl.Series(CURRENCIES).gather(df["cur"]),
            "channel": pl.Series(CHANNELS).gather(df["ch"]),
            "status": pl.Series(STATUSES).gather(df["st"]),
            "memo": df["memo"].replace("", None),  # no memo: an empty field, not ""
            "sender_country": codes.gather(country[s]),
            "receiver_country": codes.gather(country[r]),
            "device_id": devices,
            "ip": ips,
        }
    )
    return out.select(COLUMNS)
