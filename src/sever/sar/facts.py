"""Figures a report states, derived from a case's `Evidence`: flows, payers, red flags, codes.

Pure functions over the evidence model (no engine); read by the narrative, the FinCEN and
goAML writers and the case report, so every document states the same numbers.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sever.cases.evidence_model import Evidence, Txn
from sever.cases.model import ordered, term_for

MINOR_BANDS = ("under 13", "13-15", "16-17")


def money(value: Decimal | None) -> str:
    return "an amount not convertible to USD" if value is None else f"USD {value:,.2f}"


def when(ts: datetime | None) -> str:
    return "" if ts is None else ts.strftime("%Y-%m-%d %H:%M UTC")


def duration(hours: float | None) -> str:
    """Hours as people say them: '25 min', '3.5 h'; empty when unknown."""
    if hours is None:
        return ""
    return f"{round(hours * 60)} min" if hours < 1 else f"{hours:.1f} h"


def id_list(ids: list[str], cap: int) -> str:
    """At most `cap` ids, then how many more; empty when `cap` is 0."""
    if cap <= 0 or not ids:
        return ""
    more = f" and {len(ids) - cap} more" if len(ids) > cap else ""
    return ", ".join(ids[:cap]) + more


def day(ts: datetime | None) -> str:
    return "" if ts is None else ts.strftime("%Y-%m-%d")


@dataclass
class Flow:
    """Completed payments from one party to another, oldest first."""

    sender: str
    receiver: str
    receiver_role: str
    txns: list[Txn] = field(default_factory=list)

    @property
    def usd(self) -> Decimal:
        return usd_sum(self.txns)

    @property
    def first(self) -> datetime:
        return self.txns[0].ts

    @property
    def last(self) -> datetime:
        return self.txns[-1].ts

    @property
    def ids(self) -> list[str]:
        return [t.txn_id for t in self.txns]

    @property
    def channels(self) -> list[str]:
        return sorted({t.channel for t in self.txns})

    @property
    def country(self) -> str | None:
        return next((t.receiver_country for t in self.txns if t.receiver_country), None)


def _flows(txns: list[Txn]) -> list[Flow]:
    found: dict[tuple[str, str], Flow] = {}
    for t in txns:
        key = (t.sender_label, t.receiver_label)
        found.setdefault(key, Flow(t.sender_label, t.receiver_label, t.receiver_role)).txns.append(
            t
        )
    return sorted(found.values(), key=lambda f: (f.first, f.sender, f.receiver))


def payer_flows(ev: Evidence) -> list[Flow]:
    return _flows([t for t in ev.completed if t.sender_role == "payer"])


def onward_flows(ev: Evidence) -> list[Flow]:
    """Payments subjects made to anyone but a payer (onward flows and cash-out)."""
    subjects = {s.account_id for s in ev.subjects}
    return _flows(
        [t for t in ev.completed if t.sender_id in subjects and t.receiver_role != "payer"]
    )


def other_inflows(ev: Evidence) -> list[Flow]:
    """Payments into subjects from counterparties (neither payers nor subjects)."""
    return _flows([t for t in ev.completed if t.sender_role == "counterparty"])


def usd_sum(txns: list[Txn]) -> Decimal:
    return sum((t.amount_usd or Decimal(0) for t in txns), Decimal(0))


def subject_totals(ev: Evidence, account: str) -> dict[str, object]:
    got = [t for t in ev.completed if t.receiver_id == account]
    sent = [t for t in ev.completed if t.sender_id == account]
    return {"n_in": len(got), "usd_in": usd_sum(got), "n_out": len(sent), "usd_out": usd_sum(sent)}


def median_dwell_hours(ev: Evidence, account: str) -> float | None:
    """Median hours between a payment into `account` and the next payment out of it."""
    events = sorted(
        (t.ts, t.receiver_id == account)
        for t in ev.completed
        if account in (t.sender_id, t.receiver_id)
    )
    last_in, waits = None, []
    for ts, incoming in events:
        if incoming:
            last_in = ts
        elif last_in is not None:
            waits.append((ts - last_in).total_seconds() / 3600)
            last_in = None
    return statistics.median(waits) if waits else None


def payer_summary(ev: Evidence) -> dict[str, object]:
    payers = ev.payers
    bands = Counter(p.age_band for p in payers)
    paid = [t for t in ev.txns if t.sender_role == "payer"]
    return {
        "n": len(payers),
        "n_payments": sum(p.n_payments for p in payers),
        "usd": sum((p.usd or Decimal(0) for p in payers), Decimal(0)),
        "bands": sorted(bands.items(), key=lambda kv: kv[0]),
        "n_minor": sum(n for b, n in bands.items() if b in MINOR_BANDS),
        "n_escalating": sum(p.escalating for p in payers),
        "n_pleading": sum(p.n_pleading for p in payers),
        "n_night": sum(p.n_night for p in payers),
        "countries": Counter(p.country or "unknown" for p in payers).most_common(),
        "n_not_completed": sum(not t.completed for t in paid),
        "memos": list(dict.fromkeys(t.memo[:40] for t in paid if t.pleading and t.memo))[:3],
    }


def flows_to_concern(ev: Evidence) -> list[Flow]:
    concern = set(ev.jurisdictions_of_concern)
    return [f for f in onward_flows(ev) if f.country in concern]


def foreign_flows(ev: Evidence) -> list[Flow]:
    home = {s.account_id: s.country for s in ev.subjects}
    return [
        f
        for f in onward_flows(ev)
        if f.country and home.get(f.txns[0].sender_id) and f.country != home[f.txns[0].sender_id]
    ]


def channels(ev: Evidence) -> list[tuple[str, int]]:
    return Counter(t.channel for t in ev.completed).most_common()


def currencies(ev: Evidence) -> list[str]:
    return sorted({t.currency for t in ev.completed} - {"USD"})


def subject_ips(ev: Evidence) -> list[tuple[str, datetime, int]]:
    """IP addresses of sessions in which a subject initiated a payment: (ip, first use, uses)."""
    firsts: dict[str, datetime] = {}
    uses: Counter[str] = Counter()
    for t in ev.txns:
        if t.ip:
            firsts.setdefault(t.ip, t.ts)
            uses[t.ip] += 1
    return sorted(
        ((ip, firsts[ip], n) for ip, n in uses.items()), key=lambda x: (-x[2], x[1], x[0])
    )


def classifications(ev: Evidence) -> list[tuple[int, int, str | None]]:
    """FinCEN (type, subtype, other text): 9/9999 "Other" with the typology's text first,
    then the subtypes the evidence supports (each code exists in the schema's enumeration)."""
    texts = list(dict.fromkeys(term_for(t).other_text for t in ordered(ev.typologies)))
    out: list[tuple[int, int, str | None]] = [(9, 9999, " ".join(texts)[:50].strip())]
    exploitation = {"financial_sextortion", "csam_purchase"} & set(ev.typologies)
    if len(ev.subjects) > 1:
        out.append((9, 911, None))  # two or more individuals working together
    if exploitation:
        out.append((9, 925, None))  # no apparent economic, business or lawful purpose
    if flows_to_concern(ev):
        out.append((9, 928, None))  # foreign high-risk jurisdiction
    if {t.channel for t in ev.completed if t.sender_role not in ("payer", "counterparty")} & {
        "wire",
        "remittance",
    }:
        out.append((8, 805, None))  # suspicious EFT/wire transfers
    if ev.shared:
        out.append((8, 807, None))  # multiple accounts
    if any(s.role == "mule" for s in ev.subjects):
        out.append((8, 824, None))  # funnel account
    return out
