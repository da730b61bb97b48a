"""Who is who in a case's payments: subjects, payers (likely victims) and counterparties.

Pure functions over rows the evidence gatherer read (no engine); fills an `Evidence`'s
transactions, payers and counterparties. Subjects are the case's suspects. A payer is
anyone else who pays a subject and is a known victim, a minor at the time, or pays a
collector (businesses never are); payers get a pseudonym (`PAYER-001`, in order of
first payment) and an age band, nothing more. Everyone else is a counterparty. A
payer's memo is kept only when it pleads, and a payer's device and IP never are.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sever.cases.evidence_model import Counterparty, Evidence, Payer, Txn
from sever.config import DetectionConfig

AGE_BANDS = ((13, "under 13"), (16, "13-15"), (18, "16-17"), (21, "18-20"))


def age_band(birth: date | None, on: datetime) -> str:
    if birth is None:
        return "unknown"
    day = on.date()
    age = day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
    return next((band for limit, band in AGE_BANDS if age < limit), "21 or older")


def _age(birth: date | None, on: datetime) -> int | None:
    if birth is None:
        return None
    day = on.date()
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _keywords(words: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(w.lower()) for w in words) or "(?!)")


def _usd(values: list[Decimal | None]) -> Decimal | None:
    return None if any(v is None for v in values) else sum(values, Decimal(0))  # type: ignore[arg-type]


def _is_payer(
    sender: str,
    receiver_role: str,
    ts: datetime,
    party: dict[str, Any],
    victims: set[str],
    cfg: DetectionConfig,
) -> bool:
    if party.get("kind") == "business":
        return False
    age = _age(party.get("birth_date"), ts)
    minor = age is not None and age < cfg.minor_age
    return sender in victims or minor or receiver_role == "collector"


def classify(
    ev: Evidence,
    rows: list[dict[str, Any]],
    roles: dict[str, str],
    parties: dict[str, dict[str, Any]],
    victims: set[str],
    cfg: DetectionConfig,
) -> None:
    """Label every party of every transaction and build the payer and counterparty lists."""
    plea = _keywords(cfg.plea_keywords)
    payer_ids: set[str] = set()
    for r in rows:
        s, rc = r["sender_id"], r["receiver_id"]
        party = parties.get(s, {})
        if s not in roles and rc in roles and _is_payer(s, roles[rc], r["ts"], party, victims, cfg):
            payer_ids.add(s)
    firsts = {}
    for r in rows:
        if r["sender_id"] in payer_ids:
            firsts.setdefault(r["sender_id"], r["ts"])
    width = max(3, len(str(len(firsts))))
    ordered = sorted(firsts, key=lambda a: (firsts[a], a))
    labels = {a: f"PAYER-{i:0{width}d}" for i, a in enumerate(ordered, 1)}

    def role_of(account: str) -> str:
        return roles.get(account) or ("payer" if account in labels else "counterparty")

    missing: Counter[str] = Counter()
    for r in rows:
        s, rc = r["sender_id"], r["receiver_id"]
        by_subject = s in roles
        memo = r["memo"]
        pleading = bool(memo and plea.search(memo.lower()))
        txn = Txn(
            **{k: r[k] for k in ("txn_id", "ts", "local_hour", "sender_id", "receiver_id")},
            sender_label=labels.get(s, s),
            receiver_label=labels.get(rc, rc),
            sender_role=role_of(s),
            receiver_role=role_of(rc),
            amount=r["amount"],
            currency=r["currency"],
            amount_usd=r["amount_usd"],
            channel=r["channel"],
            status=r["status"],
            memo=memo if pleading or s not in labels else None,
            pleading=pleading,
            sender_country=r["sender_country"],
            receiver_country=r["receiver_country"],
            device_id=r["device_id"] if by_subject else None,
            ip=r["ip"] if by_subject else None,
        )
        if txn.completed and txn.amount_usd is None:
            missing[txn.currency] += 1
        ev.txns.append(txn)
    ev.missing_rates = dict(sorted(missing.items()))
    ev.payers = _payers(ev.txns, labels, parties, cfg)
    ev.counterparties = _counterparties(ev.txns, roles, labels, parties)


def _night(hour: int, cfg: DetectionConfig) -> bool:
    return hour >= cfg.night_start_hour or hour < cfg.night_end_hour


def _payers(
    txns: list[Txn],
    labels: dict[str, str],
    parties: dict[str, dict[str, Any]],
    cfg: DetectionConfig,
) -> list[Payer]:
    by_payer: dict[str, list[Txn]] = defaultdict(list)
    for t in txns:
        if t.sender_id in labels and t.completed:
            by_payer[t.sender_id].append(t)
    out = []
    for account, paid in by_payer.items():
        party = parties.get(account, {})
        out.append(
            Payer(
                label=labels[account],
                account_id=account,
                age_band=age_band(party.get("birth_date"), paid[0].ts),
                country=party.get("country") or paid[0].sender_country,
                n_payments=len(paid),
                usd=_usd([t.amount_usd for t in paid]),
                first_ts=paid[0].ts,
                last_ts=paid[-1].ts,
                n_pleading=sum(t.pleading for t in paid),
                n_night=sum(_night(t.local_hour, cfg) for t in paid),
                escalating=len(paid) > 1 and paid[-1].amount > paid[0].amount,
            )
        )
    return sorted(out, key=lambda p: p.label)


def _counterparties(
    txns: list[Txn],
    roles: dict[str, str],
    labels: dict[str, str],
    parties: dict[str, dict[str, Any]],
) -> list[Counterparty]:
    found: dict[str, Counterparty] = {}
    sums: dict[str, dict[str, list[Decimal | None]]] = defaultdict(lambda: defaultdict(list))
    for t in txns:
        if not t.completed:
            continue
        for account, side in ((t.receiver_id, "in"), (t.sender_id, "out")):
            if account in roles or account in labels:
                continue
            party = parties.get(account, {})
            country = party.get("country") or (
                t.receiver_country if side == "in" else t.sender_country
            )
            cp = found.setdefault(
                account, Counterparty(account_id=account, kind=party.get("kind"), country=country)
            )
            setattr(cp, f"n_{side}", getattr(cp, f"n_{side}") + 1)
            sums[account][side].append(t.amount_usd)
    for account, cp in found.items():
        cp.usd_in = _usd(sums[account]["in"]) if sums[account]["in"] else None
        cp.usd_out = _usd(sums[account]["out"]) if sums[account]["out"] else None
    return sorted(found.values(), key=lambda c: c.account_id)
