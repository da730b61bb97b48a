"""The synthetic-data generator: determinism, contract columns, planted schemes and labels."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
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
LOOKALIKE_KINDS = {"coach", "streamer", "roommates", "concert", "family-remitter", "shop-tutor"}
LOOKALIKE_KINDS |= {
    "charity",
    "nightshift",
    "teen-p2p",
    "organiser",
    "emergency-remit",
    "household",
}
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
    looks = lab.filter(pl.col("role") == "benign_lookalike")["case_id"].unique()
    kinds = looks.str.replace(r"^look-(.+)-\d+$", "$1").value_counts()
    assert set(kinds["case_id"]) == LOOKALIKE_KINDS
    assert (kinds["count"] >= 2).all()  # cases of each kind


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
    # everything collected goes to the ring's mules; other outflows are cover (shops, friends)
    p2p = out.filter(pl.col("channel") != "card")
    paid = p2p.group_by("sender_id", "receiver_id").agg(pl.col("amount").cast(pl.Float64).sum())
    to_mule = paid["receiver_id"].replace_strict(role, default="other") == "mule"
    assert set(paid.filter(to_mule)["sender_id"]) == set(out["sender_id"])
    assert not {role.get(r) for r in paid.filter(~to_mule)["receiver_id"]} & {"collector", "mule"}
    assert paid.filter(to_mule)["amount"].sum() > 5 * paid.filter(~to_mule)["amount"].sum()


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


def _cases(lab: pl.DataFrame, kind: str) -> dict[str, list[str]]:
    """Labelled accounts of each case of a look-alike kind."""
    out: dict[str, list[str]] = {}
    sub = lab.filter(pl.col("case_id").str.starts_with(f"look-{kind}-"))
    for a, case in sub.select("account_id", "case_id").iter_rows():
        out.setdefault(case, []).append(a)
    return out


def _utc(tx: pl.DataFrame) -> pl.DataFrame:
    """Transactions with `t` (UTC instant), `hour` (sender's local hour) and `amt` (a number)."""
    return tx.with_columns(
        t=pl.col("ts").str.to_datetime("%Y-%m-%dT%H:%M:%S%:z").dt.convert_time_zone("UTC"),
        hour=pl.col("ts").str.slice(11, 2).cast(pl.Int32),
        amt=pl.col("amount").cast(pl.Float64),
    )


def _ages(acc: pl.DataFrame) -> dict[str, float]:
    born = acc.filter(pl.col("birth_date").is_not_null())
    days = (
        born["birth_date"]
        .str.to_date("%Y-%m-%d")
        .map_elements(lambda b: (date(2026, 10, 1) - b).days / 365.25, pl.Float64)
    )
    return dict(zip(born["account_id"], days, strict=True))


def test_collectors_with_cover_activity_stay_collectors(frames: dict[str, pl.DataFrame]) -> None:
    lab, tx, acc = frames["labels"], frames["transactions"], frames["accounts"]
    kind = dict(zip(acc["account_id"], acc["kind"], strict=True))
    collectors = lab.filter(pl.col("role") == "collector")["account_id"].implode()
    shopping = tx.filter(pl.col("sender_id").is_in(collectors) & (pl.col("channel") == "card"))
    covered = set(shopping["sender_id"])
    assert 0.3 <= len(covered) / lab.filter(pl.col("role") == "collector").height <= 0.7
    wages = tx.filter(
        pl.col("receiver_id").is_in(collectors) & (pl.col("channel") == "bank_transfer")
    )
    assert wages.height > 0 and {kind[s] for s in wages["sender_id"]} == {"business"}
    assert set(wages["receiver_id"]) <= covered
    p2p = tx.filter(pl.col("channel") == "p2p").select("sender_id", "receiver_id").unique()
    pairs = set(p2p.iter_rows())
    friends = {c for c in covered for a, b in pairs if b == c and (c, a) in pairs}
    assert len(friends) >= len(covered) / 2  # P2P both ways with a friend


def test_nightshift_remitters_send_steady_sums_at_night(frames: dict[str, pl.DataFrame]) -> None:
    lab, tx = frames["labels"], _utc(frames["transactions"])
    cases = _cases(lab, "nightshift")
    assert len(cases) >= 2
    for (worker,) in cases.values():
        sent = tx.filter(
            (pl.col("sender_id") == worker)
            & pl.col("channel").is_in(["remittance", "wire"])
            & pl.col("receiver_country").is_in(["PH", "NG"])
        )
        night = sent.filter((pl.col("hour") >= 22) | (pl.col("hour") < 5))
        assert night.height >= 0.8 * sent.height > 0
        per_kin = night.group_by("receiver_id").agg(
            n=pl.len(),
            top=pl.col("amt").mode().first(),
            same=(pl.col("amt") == pl.col("amt").mode().first()).sum(),
        )
        assert 1 <= per_kin.height <= 2
        assert (per_kin["same"] >= per_kin["n"] - 1).all()  # steady: an odd extra at most


def test_teen_p2p_friends_pay_each_other_at_night(frames: dict[str, pl.DataFrame]) -> None:
    lab, acc, tx = frames["labels"], frames["accounts"], _utc(frames["transactions"])
    age, info = _ages(acc), {r[0]: r for r in acc.iter_rows()}
    memos: set[str] = set()
    groups = _cases(lab, "teen-p2p")
    assert len(groups) >= 2
    for members in groups.values():
        assert 3 <= len(members) <= 5
        assert all(13 <= age[m] < 18 for m in members)
        inner = tx.filter(
            pl.col("sender_id").is_in(members)
            & pl.col("receiver_id").is_in(members)
            & (pl.col("channel") == "p2p")
        )
        pairs = set(inner.select("sender_id", "receiver_id").iter_rows())
        assert any((b, a) in pairs for a, b in pairs)  # money goes both ways
        # late at night, apart from the odd daytime payment between friends
        assert ((inner["hour"] >= 21) | (inner["hour"] < 6)).mean() > 0.7
        memos |= set(inner["memo"].drop_nulls())
        hubs = [h for h in members if all((f, h) in pairs for f in members if f != h)]
        # the hub, paid by all the others, is an old, fully verified account
        old = [h for h in hubs if (START - datetime.fromisoformat(info[h][1])).days > 180]
        hub = next(h for h in old if info[h][6] == "full")
        out = tx.filter(pl.col("sender_id") == hub)
        assert not out["channel"].is_in(["remittance", "wire", "crypto"]).any()
        p2p_out = out.filter(pl.col("channel") == "p2p")
        assert (p2p_out["receiver_country"] != info[hub][4]).sum() <= 1  # nothing sent abroad
    assert {"pls pay me back", "delete this game"} & memos


def test_organisers_pay_a_local_supplier_within_hours(frames: dict[str, pl.DataFrame]) -> None:
    lab, acc, tx = frames["labels"], frames["accounts"], _utc(frames["transactions"])
    kind = dict(zip(acc["account_id"], acc["kind"], strict=True))
    country = dict(zip(acc["account_id"], acc["country"], strict=True))
    organisers = _cases(lab, "organiser")
    assert len(organisers) >= 2
    for (org,) in organisers.values():
        paid_in = tx.filter((pl.col("receiver_id") == org) & (pl.col("channel") == "p2p"))
        assert paid_in["sender_id"].n_unique() >= 15
        t_in = sorted(paid_in["t"])  # the sales: the busiest three days
        begin = max(t_in, key=lambda t: sum(t <= u < t + timedelta(days=3) for u in t_in))
        paid_in = paid_in.filter(pl.col("t").is_between(begin, begin + timedelta(days=3)))
        out = tx.filter((pl.col("sender_id") == org) & (pl.col("channel") != "card")).sort("t")
        fast = out.join_asof(
            paid_in.select(t_in="t").sort("t_in"), left_on="t", right_on="t_in"
        ).filter((pl.col("t") - pl.col("t_in")) <= timedelta(hours=3))
        supplier = fast.filter(
            pl.col("receiver_id").replace_strict(kind, default="").eq("business")
            & (pl.col("receiver_country") == country[org])  # a domestic supplier
        )
        assert supplier["amt"].sum() >= 0.5 * paid_in["amt"].sum()  # most of the takings
        cash_or_abroad = fast.filter(  # (rent and bills go by bank transfer, at times abroad)
            ~pl.col("channel").is_in(["p2p", "bank_transfer"])
            | (pl.col("channel").eq("p2p") & pl.col("receiver_country").ne(country[org]))
        )
        assert cash_or_abroad["amt"].sum() < 0.25 * supplier["amt"].sum()  # odd ATM visit at most


def test_emergency_remitters_send_once_abroad(frames: dict[str, pl.DataFrame]) -> None:
    lab, acc, tx = frames["labels"], frames["accounts"], _utc(frames["transactions"])
    country = dict(zip(acc["account_id"], acc["country"], strict=True))
    helped = _cases(lab, "emergency-remit")
    assert len(helped) >= 2
    for (person,) in helped.values():
        paid_in = tx.filter((pl.col("receiver_id") == person) & (pl.col("channel") == "p2p"))
        abroad = tx.filter(
            (pl.col("sender_id") == person)
            & pl.col("channel").is_in(["remittance", "wire"])
            & (pl.col("receiver_country") != country[person])
        )
        passed_on = []
        for t, amount in abroad.select("t", "amt").iter_rows():
            before = paid_in.filter(pl.col("t").is_between(t - timedelta(hours=14), t))
            if before["sender_id"].n_unique() >= 3 and amount >= 0.8 * before["amt"].sum():
                passed_on.append((t - before["t"].max()).total_seconds() / 3600)
        assert len(passed_on) == 1 and passed_on[0] <= 4  # once, within hours


def test_households_share_a_tablet_and_home_ip(frames: dict[str, pl.DataFrame]) -> None:
    lab, acc = frames["labels"], frames["accounts"]
    ids, tx = frames["account_identifiers"], frames["transactions"]
    age = _ages(acc)
    country = dict(zip(acc["account_id"], acc["country"], strict=True))
    homes = _cases(lab, "household")
    assert len(homes) >= 2
    for members in homes.values():
        assert 3 <= len(members) <= 4
        assert len({country[m] for m in members}) == 1
        opened = acc.filter(pl.col("account_id").is_in(members) & (pl.col("birth_date") < "2012"))
        opened = opened["opened_at"].str.to_datetime("%Y-%m-%dT%H:%M:%SZ", time_zone="UTC")
        assert (opened < START - timedelta(days=60)).all()  # no new accounts
        mine = ids.filter(pl.col("account_id").is_in(members))
        shared = mine.group_by("id_type", "value").agg(n=pl.col("account_id").n_unique())
        everyone = shared.filter(pl.col("n") == len(members))
        assert {"device_id", "ip"} <= set(everyone["id_type"])
        tablet = everyone.filter(pl.col("id_type") == "device_id")["value"].to_list()
        teens = [m for m in members if age[m] < 18]
        gifts = tx.filter(
            pl.col("sender_id").is_in(members)
            & pl.col("receiver_id").is_in(teens)
            & (pl.col("channel") == "p2p")
        )
        assert gifts.height >= 2 and gifts["device_id"].is_in(tablet).any()
        assert (gifts["amount"].cast(pl.Float64) <= 50).all()


def test_rejects_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least"):
        generate(out=tmp_path, accounts=MIN_ACCOUNTS - 1, days=7, seed=1, fmt="csv")
    with pytest.raises(ValueError, match="format"):
        generate(out=tmp_path, accounts=500, days=7, seed=1, fmt="xlsx")
