"""Render and write the dataset files in the data contract's formats.

Writes `transactions`, `accounts`, `account_identifiers` (CSV or Parquet, same columns;
timestamps as ISO-8601 strings in both), `signals.jsonl`, `fx_rates.csv` and
`labels.csv`. Every writer is deterministic: fixed row and key order, no wall clock.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from sever.sample import ledger
from sever.sample.clock import DAY, START, Clock, format_date, format_utc
from sever.sample.planting import Labels
from sever.sample.population import Population
from sever.sample.signals import FIELDS
from sever.sample.vocab import COUNTRIES, CURRENCIES, KINDS, KYC, USD_RATE

ROLE_ORDER = {"collector": 0, "mule": 1, "victim": 2, "consumer": 3, "benign_lookalike": 4}


def table(df: pl.DataFrame, out: Path, name: str, fmt: str) -> Path:
    path = out / f"{name}.{fmt}"
    if fmt == "csv":
        df.write_csv(path)
    else:
        df.write_parquet(path, compression="zstd", statistics=False)
    return path


def transactions(
    pop: Population, clock: Clock, merged: pl.DataFrame, out: Path, fmt: str, chunk: int = 1 << 20
) -> Path:
    """Render and write the ledger slice by slice, so memory stays flat at any size."""
    path = out / f"transactions.{fmt}"
    parts = (
        ledger.render(pop, clock, merged.slice(i, chunk), i)
        for i in range(0, max(merged.height, 1), chunk)
    )
    if fmt == "parquet":
        pl.concat(list(parts)).write_parquet(path, compression="zstd", statistics=False)
        return path
    with path.open("wb") as fh:
        for i, part in enumerate(parts):
            part.write_csv(fh, include_header=i == 0)
    return path


def accounts(pop: Population) -> pl.DataFrame:
    codes = pl.Series([c[0] for c in COUNTRIES] + [None], dtype=pl.String)
    kyc = pl.Series([*KYC, None], dtype=pl.String)
    return pl.DataFrame(
        {
            "account_id": pop.account_id,
            "opened_at": format_utc(pop.opened),
            "kind": pl.Series(KINDS).gather(pop.kind),
            "birth_date": format_date(pop.birth, ~pop.has_birth),
            "country": codes.gather(np.where(pop.country < 0, len(COUNTRIES), pop.country)),
            "display_name": pop.display_name,
            "kyc_level": kyc.gather(np.where(pop.kyc < 0, len(KYC), pop.kyc)),
            "closed_at": format_utc(np.maximum(pop.closed, 0), pop.closed < 0),
        }
    )


def identifiers(pop: Population, ids: pl.DataFrame) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "account_id": pop.account_id.gather(ids["idx"]),
            "id_type": ids["id_type"],
            "value": ids["value"],
            "platform": ids["platform"],
            "first_seen": format_utc(ids["first_seen"].to_numpy()),
            "last_seen": format_utc(ids["last_seen"].to_numpy()),
        }
    )


def fx_rates(rng: np.random.Generator, used: list[str], days: int) -> pl.DataFrame:
    """A seeded daily random walk around each currency's starting USD rate."""
    dates = format_date(np.arange(days) + START // DAY, np.zeros(days, dtype=bool))
    frames = []
    for i, cur in enumerate(CURRENCIES):
        steps = rng.normal(0, 0.004, days)
        if cur not in used:
            continue
        rate = np.ones(days) if cur == "USD" else USD_RATE[i] * np.exp(np.cumsum(steps))
        frames.append(pl.DataFrame({"currency": [cur] * days, "date": dates, "usd_rate": rate}))
    return pl.concat(frames).with_columns(pl.col("usd_rate").round(6))


def write_fx(df: pl.DataFrame, out: Path) -> Path:
    path = out / "fx_rates.csv"
    df.write_csv(path, float_precision=6)
    return path


def labels(pop: Population, lab: Labels) -> pl.DataFrame:
    df = pl.DataFrame(
        lab.rows, schema={"idx": pl.Int64, "role": pl.String, "typology": pl.String,
                          "case_id": pl.String}, orient="row",
    )  # fmt: skip
    df = df.with_columns(
        account_id=pop.account_id.gather(df["idx"]), typology=pl.col("typology").replace("", None)
    )
    df = df.with_columns(o=pl.col("role").replace_strict(ROLE_ORDER, return_dtype=pl.Int8))
    return df.sort(["case_id", "o", "account_id"]).select(
        "account_id", "role", "typology", "case_id"
    )


def write_labels(df: pl.DataFrame, out: Path) -> Path:
    path = out / "labels.csv"
    df.write_csv(path)
    return path


def write_signals(sigs: list[dict[str, Any]], out: Path) -> Path:
    path = out / "signals.jsonl"
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        for s in sigs:
            fh.write(json.dumps({k: s[k] for k in FIELDS}, ensure_ascii=False) + "\n")
    return path
