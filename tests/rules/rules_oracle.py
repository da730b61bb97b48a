"""A random small ledger and a plain-Python oracle for the rule feature tables.

The oracle recomputes every column of f_rule_account_day and f_rule_pair_day straight
from the definitions in `sever.rules.vocabulary`, transaction by transaction, with no
window tricks, so the SQL's interval-run distinct counts, rolling frames and medians
are checked against the obvious computation.
"""

from __future__ import annotations

import csv
import random
import re
import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sever.config import DetectionConfig

GC_CRYPTO = ("gift_card", "prepaid", "crypto")
CASHOUT = ("remittance", "wire", "crypto", "cash_withdrawal", "gift_card", "prepaid")
CHANNELS = ("p2p", "p2p", "p2p", "card", "bank_transfer", "wire", "remittance", "crypto")
CHANNELS += ("gift_card", "gift_card", "prepaid", "cash_withdrawal")
MEMOS = ("", "", "please stop", "school fees", "dinner", "delete it", "medical", "rent pls")
START = datetime(2026, 9, 1)


@dataclass
class Txn:
    txn_id: str
    ts: datetime  # UTC
    offset: int | None
    sender: str
    receiver: str
    amount: str
    currency: str
    channel: str
    status: str
    memo: str
    sender_country: str | None
    receiver_country: str | None


def make_ledger(seed: int, folder: Path) -> tuple[dict[str, dict[str, Any]], list[Txn], dict]:
    rng = random.Random(seed)
    accounts: dict[str, dict[str, Any]] = {}
    births = [date(2011, 3, 1), date(2010, 7, 9), date(2008, 10, 10), date(1990, 1, 1), None]
    for i in range(10):
        kind = "business" if i == 9 else "individual"
        birth = None if kind == "business" else births[i % len(births)]
        accounts[f"a{i}"] = {
            "opened_at": START - timedelta(days=rng.randint(0, 400)),
            "kind": kind,
            "birth_date": birth,
            "country": rng.choice(["US", "US", "GB", None]),
            "kyc_level": rng.choice(["none", "basic", "full", None]),
        }
    for i in range(2):
        accounts[f"x{i}"] = {
            "opened_at": START,
            "kind": "external",
            "birth_date": None,
            "country": rng.choice(["NG", "PH"]),
            "kyc_level": None,
        }
    ids = [*accounts, "u0", "u1"]  # u*: counterparties the institution does not know
    txns, used = [], set()
    for i in range(260):
        sender, receiver = rng.sample(ids, 2)
        if rng.random() < 0.4:  # repeat pairs, so windows see the same pair on several days
            sender, receiver = rng.choice([("a1", "a0"), ("a2", "a0"), ("a0", "x0"), ("a3", "a4")])
        ts = START + timedelta(days=rng.randint(0, 49), seconds=rng.randint(0, 86399))
        while ts in used:
            ts += timedelta(seconds=1)
        used.add(ts)
        txns.append(
            Txn(
                f"t{i:04d}",
                ts,
                rng.choice([None, -300, -240, 0, 60, 480]),
                sender,
                receiver,
                rng.choice(
                    ["5.00", "12.50", "20.00", "25.00", "50.00", "99.99", "150.00", "151.00"]
                ),
                "EUR" if rng.random() < 0.2 else "USD",
                rng.choice(CHANNELS),
                "completed" if rng.random() < 0.9 else rng.choice(["pending", "declined"]),
                rng.choice(MEMOS),
                rng.choice([None, "US"]),
                rng.choice([None, "US", "NG", "PH", "GB"]),
            )
        )
    rates = {START.date() + timedelta(days=d): round(1.05 + d / 1000, 4) for d in range(60)}
    _write(folder, accounts, txns, rates)
    return accounts, txns, rates


def _write(folder: Path, accounts, txns: list[Txn], rates) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "accounts.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["account_id", "opened_at", "kind", "birth_date", "country", "kyc_level"])
        for a, r in accounts.items():
            w.writerow(
                [
                    a,
                    r["opened_at"].isoformat() + "Z",
                    r["kind"],
                    r["birth_date"] or "",
                    r["country"] or "",
                    r["kyc_level"] or "",
                ]
            )
    with (folder / "transactions.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(
            [
                "txn_id",
                "ts",
                "sender_id",
                "receiver_id",
                "amount",
                "currency",
                "channel",
                "status",
                "memo",
                "sender_country",
                "receiver_country",
            ]
        )
        for t in txns:
            if t.offset is None:
                ts = t.ts.isoformat() + "Z"
            else:
                local = t.ts + timedelta(minutes=t.offset)
                sign, m = ("+" if t.offset >= 0 else "-"), abs(t.offset)
                ts = f"{local.isoformat()}{sign}{m // 60:02d}:{m % 60:02d}"
            w.writerow(
                [
                    t.txn_id,
                    ts,
                    t.sender,
                    t.receiver,
                    t.amount,
                    t.currency,
                    t.channel,
                    t.status,
                    t.memo,
                    t.sender_country or "",
                    t.receiver_country or "",
                ]
            )
    with (folder / "fx_rates.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["currency", "date", "usd_rate"])
        for d, r in rates.items():
            w.writerow(["EUR", d.isoformat(), r])
            w.writerow(["USD", d.isoformat(), 1.0])


def age(birth: date | None, day: date) -> int | None:
    if birth is None:
        return None
    return day.year - birth.year - (1 if (birth.month, birth.day) > (day.month, day.day) else 0)


def oracle(accounts, txns: list[Txn], rates, cfg: DetectionConfig):
    """(account_day, pair_day): {(account, day): {column: value}}, {(payer, payee, day): ...}."""
    f = cfg.detectors
    plea = re.compile("|".join(re.escape(k.lower()) for k in cfg.plea_keywords))
    innocuous = re.compile("|".join(re.escape(k.lower()) for k in cfg.innocuous_memo_keywords))
    small = (float(f["csam_consumer"]["small_min_usd"]), float(f["csam_consumer"]["small_max_usd"]))
    ratio = float(f["victim"]["escalation_ratio"])
    rows = []
    for t in (t for t in txns if t.status == "completed"):
        day = t.ts.date()
        usd = float(t.amount) * (1.0 if t.currency == "USD" else rates[day])
        hour = (t.ts + timedelta(minutes=t.offset or 0)).hour
        s_acct = accounts.get(t.sender, {})
        s_age = age(s_acct.get("birth_date"), day)
        home = s_acct.get("country") or t.sender_country or ""
        rc = t.receiver_country
        rows.append(
            {
                "t": t,
                "day": day,
                "usd": usd,
                "s": t.sender,
                "r": t.receiver,
                "ch": t.channel,
                "night": hour >= cfg.night_start_hour or hour < cfg.night_end_hour,
                "plea": bool(plea.search(t.memo.lower())),
                "innocuous": bool(innocuous.search(t.memo.lower())),
                "minor": s_age is not None and s_age < cfg.minor_age,
                "abroad": rc is not None and rc != home,
                "concern": rc in cfg.jurisdictions_of_concern["financial_sextortion"],
                "small": rc in cfg.jurisdictions_of_concern["csam_purchase"]
                and small[0] <= usd <= small[1],
            }
        )
    first: dict[tuple[str, str], date] = {}
    pair_days: dict[tuple[str, str, date], list[dict]] = defaultdict(list)
    for r in sorted(rows, key=lambda r: r["t"].ts):
        first.setdefault((r["s"], r["r"]), r["day"])
        pair_days[(r["s"], r["r"], r["day"])].append(r)

    def escalating(group: list[dict]) -> bool:
        usd = [g["usd"] for g in group]
        return len(usd) >= 2 and usd[-1] >= usd[0] * ratio and usd[-1] >= max(usd)

    held = {a for a, v in accounts.items() if v["kind"] != "external"}
    active = {(r["r"], r["day"]) for r in rows} | {(r["s"], r["day"]) for r in rows}
    out = {}
    for a, d in ((a, d) for a, d in active if a in held):
        out[(a, d)] = _account_day(a, d, rows, first, pair_days, accounts[a], escalating, cfg)
    pairs = {}
    for (s, r, d), group in pair_days.items():
        if s not in held and r not in held:
            continue
        w3 = [g for k in range(3) for g in pair_days.get((s, r, d - timedelta(k)), [])]
        n_w3 = len(w3)
        back = first.get((r, s))
        pairs[(s, r, d)] = {
            "pair_count_24h": len(group),
            "pair_count_72h": n_w3,
            "pair_usd_24h": sum(g["usd"] for g in group),
            "pair_usd_72h": sum(g["usd"] for g in w3),
            "pair_plea_memo_count_24h": sum(g["plea"] for g in group),
            "pair_plea_memo_count_72h": sum(g["plea"] for g in w3),
            "pair_night_share_24h": sum(g["night"] for g in group) / len(group),
            "pair_night_share_72h": sum(g["night"] for g in w3) / n_w3,
            "pair_gift_card_count_24h": sum(g["ch"] == "gift_card" for g in group),
            "pair_max_amount_usd_24h": max(g["usd"] for g in group),
            "pair_escalation_ratio_24h": group[-1]["usd"] / group[0]["usd"]
            if len(group) >= 2
            else None,
            "pair_age_days": (d - first[(s, r)]).days,
            "pair_reciprocal": back is not None and back <= d,
        }
    return out, pairs


def _share(a: float, b: float) -> float | None:
    return a / b if b else None


def _account_day(a, d, rows, first, pair_days, acct, escalating, cfg) -> dict[str, Any]:
    out: dict[str, Any] = {
        "kind": acct["kind"],
        "kyc_level": acct["kyc_level"],
        "country": acct["country"],
    }
    out["age"] = age(acct["birth_date"], d)
    out["is_minor"] = None if out["age"] is None else out["age"] < cfg.minor_age
    out["account_age_days"] = (d - acct["opened_at"].date()).days
    for w, k in (("24h", 1), ("72h", 3), ("30d", 30)):
        lo = d - timedelta(days=k - 1)
        inn = [r for r in rows if r["r"] == a and lo <= r["day"] <= d]
        out_ = [r for r in rows if r["s"] == a and lo <= r["day"] <= d]
        payers = {r["s"] for r in inn}
        minors = {r["s"] for r in inn if r["minor"]}
        ft = {s for s in payers if lo <= first[(s, a)] <= d}
        in_usd, fwd = (
            sum(r["usd"] for r in inn),
            sum(r["usd"] for r in out_ if r["ch"] not in ("card", "bank_transfer")),
        )
        gc_minor = {
            r["s"]
            for r in inn
            if any(g["ch"] == "gift_card" for g in pair_days[(r["s"], a, r["day"])]) and r["minor"]
        }
        sm = [r for r in out_ if r["small"]]
        out |= {
            f"in_count_{w}": len(inn),
            f"in_usd_{w}": in_usd,
            f"distinct_payers_{w}": len(payers),
            f"distinct_first_time_payers_{w}": len(ft),
            f"distinct_minor_payers_{w}": len(minors),
            f"distinct_minor_payers_gift_card_{w}": len(gc_minor),
            f"minor_payer_share_{w}": _share(len(minors), len(payers)),
            f"first_time_payer_share_{w}": _share(len(ft), len(payers)),
            f"median_amount_usd_{w}": statistics.median([r["usd"] for r in inn]) if inn else None,
            f"night_share_{w}": _share(sum(r["night"] for r in inn), len(inn)),
            f"plea_memo_count_{w}": sum(r["plea"] for r in inn),
            f"gift_card_crypto_share_{w}": _share(sum(r["ch"] in GC_CRYPTO for r in inn), len(inn)),
            f"forwarded_share_{w}": _share(min(fwd, in_usd), in_usd),
            f"out_count_{w}": len(out_),
            f"out_usd_{w}": sum(r["usd"] for r in out_),
            f"distinct_payees_{w}": len({r["r"] for r in out_}),
            f"distinct_first_time_payees_{w}": len(
                {r["r"] for r in out_ if lo <= first[(a, r["r"])] <= d}
            ),
            f"out_night_share_{w}": _share(sum(r["night"] for r in out_), len(out_)),
            f"out_plea_memo_count_{w}": sum(r["plea"] for r in out_),
            f"out_gift_card_crypto_usd_{w}": sum(r["usd"] for r in out_ if r["ch"] in GC_CRYPTO),
            f"cashout_out_usd_{w}": sum(r["usd"] for r in out_ if r["ch"] in CASHOUT),
            f"abroad_out_usd_{w}": sum(r["usd"] for r in out_ if r["abroad"]),
            f"concern_out_usd_{w}": sum(r["usd"] for r in out_ if r["concern"]),
            f"small_concern_remittances_{w}": len(sm),
            f"small_concern_receivers_{w}": len({r["r"] for r in sm}),
            f"small_concern_days_{w}": len({r["day"] for r in sm}),
            f"small_concern_night_share_{w}": _share(sum(r["night"] for r in sm), len(sm)),
            f"small_concern_innocuous_memos_{w}": sum(r["innocuous"] for r in sm),
        }
    today_in = {k: g for k, g in pair_days.items() if k[1] == a and k[2] == d}
    today_out = {k: g for k, g in pair_days.items() if k[0] == a and k[2] == d}
    out["repeat_payers_24h"] = sum(len(g) >= 2 for g in today_in.values())
    out["escalating_payers_24h"] = sum(escalating(g) for g in today_in.values())
    out["first_time_payee_payments_24h"] = sum(
        len(g) for k, g in today_out.items() if first[(a, k[1])] == d
    )
    out["max_payments_to_one_payee_24h"] = max((len(g) for g in today_out.values()), default=0)
    out["escalating_payees_24h"] = sum(escalating(g) for g in today_out.values())
    return out
