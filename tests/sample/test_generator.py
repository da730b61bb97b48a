"""The synthetic-data generator: determinism, contract columns, planted schemes and labels."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
import pytest

from sever.sample.generator import MIN_ACCOUNTS, generate

ACCOUNTS, DAYS, SEED = 1200, 21, 11
FILES = (
    "transactions",
    "accounts",
    "account_identifiers",
    "signals.jsonl",
    "fx_rates.csv",
    "labels.csv",
)
TXN_COLUMNS = [
    "txn_id", "ts", "sender_id", "receiver_id", "amount", "currency", "channel", "status",
    "memo", "sender_country", "receiver_country", "device_id", "ip",
]  # fmt: skip
ACCOUNT_COLUMNS = [
    "account_id", "opened_at", "kind", "birth_date", "country", "display_name", "kyc_level",
    "closed_at",
]  # fmt: skip
ID_COLUMNS = ["account_id", "id_type", "value", "platform", "first_seen", "last_seen"]
CHANNELS = {"p2p", "card", "bank_transfer", "wire", "remittance", "crypto", "gift_card"}
CHANNELS |= {"prepaid", "cash_withdrawal"}
ID_TYPES = {"email", "phone", "username", "payment_handle", "crypto_address", "device_id", "ip"}
ID_TYPES |= {"card_fingerprint", "bank_account", "url"}
SIGNAL_FIELDS = [
    "id", "indicator", "type", "owner", "tags", "status", "confidence", "platform", "added_on",
    "last_active", "expired_on", "should_delete",
]  # fmt: skip
LOCAL_TS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")
START = datetime(2026, 10, 1, tzinfo=UTC)


def _read(d: Path, name: str) -> pl.DataFrame:
    return pl.read_csv(d / name, infer_schema_length=0)  # all text: check the raw rendering


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sample")
    generate(out=out, accounts=ACCOUNTS, days=DAYS, seed=SEED, fmt="csv")
    return out


@pytest.fixture(scope="module")
def frames(data: Path) -> dict[str, pl.DataFrame]:
    names = ("transactions", "accounts", "account_identifiers", "labels", "fx_rates")
    return {n: _read(data, f"{n}.csv") for n in names}


def _files(d: Path, fmt: str) -> dict[str, bytes]:
    names = [f if "." in f else f"{f}.{fmt}" for f in FILES]
    return {n: (d / n).read_bytes() for n in names}


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_same_arguments_give_identical_bytes(tmp_path: Path, fmt: str) -> None:
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    summary = generate(out=a, accounts=400, days=7, seed=3, fmt=fmt)
    assert summary == generate(out=b, accounts=400, days=7, seed=3, fmt=fmt).replace(str(b), str(a))
    assert _files(a, fmt) == _files(b, fmt)
    generate(out=c, accounts=400, days=7, seed=4, fmt=fmt)
    assert _files(c, fmt)[f"transactions.{fmt}"] != _files(a, fmt)[f"transactions.{fmt}"]


def test_parquet_has_the_csv_columns(tmp_path: Path, data: Path) -> None:
    generate(out=tmp_path, accounts=ACCOUNTS, days=DAYS, seed=SEED, fmt="parquet")
    for name in ("transactions", "accounts", "account_identifiers"):
        pq = pl.read_parquet(tmp_path / f"{name}.parquet")
        assert pq.columns == _read(data, f"{name}.csv").columns
    assert pl.read_parquet(tmp_path / "transactions.parquet")["amount"].dtype == pl.Decimal(18, 2)


def test_transactions_follow_the_contract(frames: dict[str, pl.DataFrame]) -> None:
    tx, acc = frames["transactions"], frames["accounts"]
    assert tx.columns == TXN_COLUMNS
    assert tx["txn_id"].n_unique() == tx.height > ACCOUNTS * DAYS * 0.25
    assert tx["ts"].str.contains(LOCAL_TS.pattern).all()
    ts = tx["ts"].str.to_datetime("%Y-%m-%dT%H:%M:%S%:z").dt.convert_time_zone("UTC")
    assert ts.min() >= START and ts.max() < datetime(2026, 10, 1 + DAYS, tzinfo=UTC)
    assert tx["amount"].str.contains(r"^\d+\.\d{2}$").all()
    assert (tx["amount"].cast(pl.Float64) > 0).all()
    assert set(tx["currency"]) <= {"USD", "GBP", "CAD", "EUR"}
    assert set(tx["channel"]) == CHANNELS
    assert set(tx["status"]) <= {"completed", "pending", "declined", "reversed"}
    assert (tx["status"] == "completed").mean() > 0.95
    known = set(acc["account_id"])
    assert set(tx["sender_id"]) <= known and set(tx["receiver_id"]) <= known
    assert (tx["sender_id"] != tx["receiver_id"]).all()


def test_accounts_and_identifiers_follow_the_contract(frames: dict[str, pl.DataFrame]) -> None:
    acc, ids = frames["accounts"], frames["account_identifiers"]
    assert acc.columns == ACCOUNT_COLUMNS and acc.height == ACCOUNTS
    assert acc["account_id"].n_unique() == ACCOUNTS
    assert set(acc["kind"]) == {"individual", "business", "external"}
    assert set(acc["kyc_level"].drop_nulls()) <= {"none", "basic", "full"}
    assert acc["opened_at"].str.contains(r"Z$").all()
    births = acc["birth_date"].drop_nulls().str.to_date("%Y-%m-%d")
    assert births.len() > 0.8 * (acc["kind"] == "individual").sum()
    assert ids.columns == ID_COLUMNS
    assert set(ids["id_type"]) <= ID_TYPES
    assert ids.filter(pl.col("id_type") == "username")["platform"].null_count() == 0
    assert set(ids["account_id"]) <= set(acc["account_id"])
    assert ids.is_duplicated().sum() == 0
    phones = ids.filter(pl.col("id_type") == "phone")["value"]
    assert phones.str.starts_with("+").any() and phones.str.starts_with("(").any()


def test_labels_reference_existing_accounts(frames: dict[str, pl.DataFrame]) -> None:
    lab, acc = frames["labels"], frames["accounts"]
    assert lab.columns == ["account_id", "role", "typology", "case_id"]
    assert lab["account_id"].n_unique() == lab.height
    assert set(lab["account_id"]) <= set(acc["account_id"])
    assert set(lab["role"]) == {"collector", "mule", "victim", "consumer", "benign_lookalike"}
    kinds = lab.join(acc, on="account_id")["kind"]
    assert (kinds == "individual").all()
    typ = dict(zip(lab["role"], lab["typology"], strict=True))
    assert typ["collector"] == typ["mule"] == typ["victim"] == "financial_sextortion"
    assert typ["consumer"] == "csam_purchase" and typ["benign_lookalike"] is None


def test_every_planted_scheme_kind_is_present(frames: dict[str, pl.DataFrame]) -> None:
    lab = frames["labels"]
    rings = lab.filter(pl.col("role") == "collector")["case_id"].unique()
    assert rings.len() >= 3
    for ring in rings:
        members = lab.filter(pl.col("case_id") == ring)
        assert 2 <= (members["role"] == "collector").sum() <= 4
        assert 1 <= (members["role"] == "mule").sum() <= 2
        assert (members["role"] == "victim").sum() >= 4
    assert lab.filter(pl.col("role") == "consumer")["case_id"].n_unique() >= 3
    looks = lab.filter(pl.col("role") == "benign_lookalike")["case_id"]
    kinds = looks.str.replace(r"^look-(.+)-\d+$", "$1").value_counts()
    expected = {"coach", "streamer", "roommates", "concert", "family-remitter", "shop-tutor"}
    assert set(kinds["case_id"]) == expected | {"charity"}
    assert (kinds["count"] >= 2).all()


def test_victims_are_minors_paying_collectors_at_night(frames: dict[str, pl.DataFrame]) -> None:
    lab, acc, tx = frames["labels"], frames["accounts"], frames["transactions"]
    victims = lab.filter(pl.col("role") == "victim").join(acc, on="account_id")
    born = victims["birth_date"].str.to_date("%Y-%m-%d")
    age = born.map_elements(lambda b: (date(2026, 10, 1) - b).days / 365.25, pl.Float64)
    assert age.null_count() == 0 and (age >= 13).all() and (age < 18).all()
    collectors = lab.filter(pl.col("role") == "collector")["account_id"]
    paid = tx.filter(
        pl.col("sender_id").is_in(victims["account_id"].implode())
        & pl.col("receiver_id").is_in(collectors.implode())
    )
    hour = paid["ts"].str.slice(11, 2).cast(pl.Int32)
    assert ((hour >= 21) | (hour < 6)).mean() > 0.75
    assert (paid["amount"].cast(pl.Float64) <= 1000).all()


def test_collectors_share_identifiers_and_forward_fast(frames: dict[str, pl.DataFrame]) -> None:
    lab, ids, tx = frames["labels"], frames["account_identifiers"], frames["transactions"]
    role = dict(zip(lab["account_id"], lab["role"], strict=True))
    for ring in lab.filter(pl.col("role") == "collector")["case_id"].unique():
        cs = lab.filter((pl.col("case_id") == ring) & (pl.col("role") == "collector"))
        devices = ids.filter(
            pl.col("account_id").is_in(cs["account_id"].implode())
            & (pl.col("id_type") == "device_id")
        )
        assert devices["value"].n_unique() == 1  # one operator, one phone
    collectors = lab.filter(pl.col("role") == "collector")["account_id"]
    out = tx.filter(pl.col("sender_id").is_in(collectors.implode()))
    assert out.height > 0
    assert {role.get(r, "other") for r in out["receiver_id"]} == {"mule"}


def _norm(value: str) -> str:
    """A small stand-in for the engine's normalisers, enough to tell spellings apart."""
    v = value.strip().lower()
    for prefix in ("https://", "cash.app/", "bitcoin:", "$", "@"):
        v = v.removeprefix(prefix)
    if "@" in v:
        local, _, domain = v.partition("@")
        local = local.split("+")[0]
        local = local.replace(".", "") if domain == "gmail.com" else local
        return f"{local}@{domain}"
    digits = re.sub(r"\D", "", v)
    if re.fullmatch(r"[\d\s().+-]+", v) and len(digits) >= 10:
        if digits.startswith("0"):
            return "44" + digits[1:]
        return "1" + digits if len(digits) == 10 else digits
    return v


def test_signals_shape_and_matching(data: Path, frames: dict[str, pl.DataFrame]) -> None:
    sigs = [json.loads(line) for line in (data / "signals.jsonl").read_text().splitlines()]
    assert len(sigs) >= ACCOUNTS // 10
    assert all(list(s) == SIGNAL_FIELDS for s in sigs)
    assert len({s["id"] for s in sigs}) == len(sigs)
    assert all(s["tags"] and 0 <= s["confidence"] <= 100 for s in sigs)
    assert {"TEXT_STRING", "URI", "DOMAIN", "USERNAME", "TELEPHONE"} <= {s["type"] for s in sigs}
    assert any(s["should_delete"] for s in sigs) and any(s["expired_on"] for s in sigs)
    assert any(s["status"] == "NON_MALICIOUS" for s in sigs)
    assert any("minor_perpetrator" in s["tags"] for s in sigs)
    assert all(s["platform"] for s in sigs if s["type"] == "USERNAME")

    ids, lab = frames["account_identifiers"], frames["labels"]
    owner: dict[str, set[str]] = {}
    for a, v in ids.select("account_id", "value").iter_rows():
        owner.setdefault(_norm(v), set()).add(a)
    raw = set(ids["value"])
    role = dict(zip(lab["account_id"], lab["role"], strict=True))
    hit_roles, nobody = [], 0
    for s in sigs:
        if s["type"] == "TEXT_STRING":
            continue
        accounts = owner.get(_norm(s["indicator"]), set())
        nobody += not accounts
        hit_roles += [role.get(a, "normal") for a in accounts]
        if accounts and not re.fullmatch(r"[\d.]+", s["indicator"]):  # IPv4 has one spelling
            assert s["indicator"] not in raw  # spelled differently from the captured value
    assert "collector" in hit_roles
    assert nobody > 0.6 * len(sigs)  # most match nobody (more so at scale)


def test_fx_rates_cover_every_currency_and_day(frames: dict[str, pl.DataFrame]) -> None:
    fx, tx = frames["fx_rates"], frames["transactions"]
    assert fx.columns == ["currency", "date", "usd_rate"]
    assert set(fx["currency"]) == set(tx["currency"])
    assert fx.group_by("currency").len()["len"].to_list() == [DAYS] * fx["currency"].n_unique()
    assert (fx["usd_rate"].cast(pl.Float64) > 0).all()


def test_lookalike_payers_are_ordinary_accounts(frames: dict[str, pl.DataFrame]) -> None:
    lab, tx = frames["labels"], frames["transactions"]
    coaches = lab.filter(pl.col("case_id").str.starts_with("look-coach"))["account_id"]
    paid = tx.filter(pl.col("receiver_id").is_in(coaches.implode()) & (pl.col("channel") == "p2p"))
    fee = paid.group_by("receiver_id").agg(fee=pl.col("amount").mode().first())
    dues = paid.join(fee, on="receiver_id").filter(pl.col("amount") == pl.col("fee"))
    assert dues.height >= 10 * coaches.len()
    assert not set(dues["sender_id"]) & set(lab["account_id"])
    per_payer = dues.group_by("sender_id", "receiver_id").len()
    assert (per_payer["len"] == 1).mean() > 0.8  # once each


def test_rejects_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least"):
        generate(out=tmp_path, accounts=MIN_ACCOUNTS - 1, days=7, seed=1, fmt="csv")
    with pytest.raises(ValueError, match="format"):
        generate(out=tmp_path, accounts=500, days=7, seed=1, fmt="xlsx")
