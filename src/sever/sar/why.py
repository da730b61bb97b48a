"""The narrative's sentences: subjects, payers, flows, alerts and red flags.

Pure functions over a case's `Evidence` (no engine), used by `sever.sar.narrative`.
Payers appear only by pseudonym: any account id of a payer or of a victim alert's
subject inside a detector reason is replaced before it reaches a report.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable
from decimal import Decimal

from sever.cases.evidence_model import Evidence
from sever.cases.model import term_for
from sever.sar import facts

ROLE_TEXT = {
    "collector": "collector, receives the payments",
    "mule": "money mule, passes funds on",
    "consumer": "purchaser",
    "other": "associated account",
}
HANDLE_TYPES = ("username", "payment_handle", "crypto_address", "url")
PROTECTED = "a protected payer"
NEW_ACCOUNT_DAYS = 90  # a collector this new is a red flag (FIN-2025-NTC2)


def redactor(ev: Evidence) -> Callable[[str], str]:
    """Replace payers' and victims' account ids in free text with their pseudonyms."""
    names = {p.account_id: p.label for p in ev.payers}
    for a in ev.alerts:
        if a.role == "victim":
            names.setdefault(a.subject_account_id, PROTECTED)
    if not names:
        return lambda text: text
    pattern = re.compile("|".join(re.escape(k) for k in sorted(names, key=len, reverse=True)))
    return lambda text: pattern.sub(lambda m: names[m.group(0)], text)


def subject_lines(ev: Evidence) -> list[dict[str, object]]:
    out = []
    for s in ev.subjects:
        totals = facts.subject_totals(ev, s.account_id)
        handles = [
            f"{i.id_type.replace('_', ' ')} {i.value}" + (f" ({i.platform})" if i.platform else "")
            for i in s.identifiers
            if i.id_type in HANDLE_TYPES
        ]
        out.append(
            dict(
                id=s.account_id,
                role=ROLE_TEXT.get(s.role, s.role),
                name=s.display_name or "name unknown",
                kind=s.kind or "unknown-type",
                opened=facts.day(s.opened_at) or "on an unknown date",
                kyc=s.kyc_level or "unknown",
                country=s.country or "unknown",
                closed=facts.day(s.closed_at),
                usd_in=facts.money(totals["usd_in"]),
                n_in=totals["n_in"],
                usd_out=facts.money(totals["usd_out"]),
                n_out=totals["n_out"],
                dwell=facts.duration(facts.median_dwell_hours(ev, s.account_id)),
                handles="; ".join(handles[:6]) + ("; and more" if len(handles) > 6 else ""),
            )
        )
    return out


def payer_rows(ev: Evidence, cap: int, ids: int) -> list[dict[str, object]]:
    flows = facts.payer_flows(ev)
    rows = []
    for p in ev.payers[:cap]:
        mine = [f for f in flows if f.sender == p.label]
        txn_ids = [i for f in mine for i in f.ids]
        rows.append(
            dict(
                label=p.label,
                band=p.age_band,
                country=p.country or "country unknown",
                receivers=" and ".join(dict.fromkeys(f.receiver for f in mine)),
                n=p.n_payments,
                first=facts.when(p.first_ts),
                last=facts.when(p.last_ts),
                usd=facts.money(p.usd),
                ids=facts.id_list(sorted(txn_ids), ids),
            )
        )
    return rows


def more_flows(flows: list[facts.Flow], cap: int) -> dict[str, object]:
    """What a capped list of flows leaves out: how many, in how many payments, how much."""
    rest = [t for f in flows[cap:] for t in f.txns]
    return {"n": len(flows[cap:]), "payments": len(rest), "usd": facts.money(facts.usd_sum(rest))}


def more_payers(ev: Evidence, cap: int) -> dict[str, object]:
    rest = ev.payers[cap:]
    usd = sum((p.usd or Decimal(0) for p in rest), Decimal(0))
    return {"n": len(rest), "payments": sum(p.n_payments for p in rest), "usd": facts.money(usd)}


def flow_rows(ev: Evidence, flows: list[facts.Flow], cap: int, ids: int) -> list[dict]:
    rows = []
    for f in flows[:cap]:
        subject = ev.subject(f.receiver)
        role = f"subject, {subject.role}" if subject else None
        cp = next((c for c in ev.counterparties if c.account_id == f.receiver), None)
        if cp and cp.kind == "external":
            role = "external account"
        rows.append(
            dict(
                sender=f.sender,
                receiver=f.receiver,
                role=role,
                country=f.country,
                usd=facts.money(f.usd),
                n=len(f.txns),
                channels=", ".join(f.channels),
                first=facts.when(f.first),
                last=facts.when(f.last),
                ids=facts.id_list(f.ids, ids),
            )
        )
    return rows


def alert_lines(ev: Evidence, reasons_cap: int) -> list[dict[str, object]]:
    """Suspect alerts with their (redacted) reasons; victim alerts are only counted."""
    clean = redactor(ev)
    out = []
    for a in ev.alerts:
        if a.role == "victim":
            continue
        reasons = [clean(r).rstrip(". ") for r in a.reasons[:reasons_cap]]
        if len(a.reasons) > reasons_cap:
            reasons.append(f"{len(a.reasons) - reasons_cap} further reason(s) on file")
        out.append(
            dict(
                alert_id=a.alert_id,
                subject=a.subject_account_id,
                role=a.role,
                typology=a.typology,
                score=f"{a.score:.2f}",
                reasons="; ".join(reasons) or "reasons withheld",
            )
        )
    return out


def _night(ev: Evidence, hour: int) -> bool:
    start, end = ev.night_hours
    return hour >= start or hour < end


def _common_flags(ev: Evidence) -> list[str]:
    flags = []
    concern = facts.flows_to_concern(ev)
    if concern:
        usd = sum((f.usd for f in concern), Decimal(0))
        where = ", ".join(sorted({f.country or "" for f in concern}))
        flags.append(f"{facts.money(usd)} was sent on to jurisdictions of concern ({where})")
    dwell = [facts.median_dwell_hours(ev, s.account_id) for s in ev.subjects]
    known = [d for d in dwell if d is not None]
    if known:
        flags.append(f"funds were passed on after a median of {facts.duration(min(known))}")
    if ev.shared:
        flags.append(f"the subjects share {len(ev.shared)} identifier(s), suggesting one operator")
    if ev.signals:
        owners = len({g.owner for g in ev.signals})
        flags.append(f"{len(ev.signals)} shared signal(s) from {owners} platform(s) matched them")
    return flags


def why_text(ev: Evidence) -> str:
    flags: list[str] = []
    summary = facts.payer_summary(ev)
    if "financial_sextortion" in ev.typologies and summary["n"]:
        flags.append(f"{summary['n_minor']:,} of {summary['n']:,} payers were minors")
        flags.append(f"{summary['n_night']:,} of {summary['n_payments']:,} payments came at night")
        flags.append(f"{summary['n_escalating']} payer(s) paid again with rising amounts")
        flags.append(f"{summary['n_pleading']} payment(s) carried pleading memos")
        paid = [t for t in ev.completed if t.sender_role == "payer"]
        odd = sum(t.channel in ("gift_card", "prepaid", "crypto") for t in paid)
        if odd:
            flags.append(f"{odd} of their payments used gift cards, prepaid cards or crypto")
        for s in ev.subjects:
            first = min((t.ts for t in paid if t.receiver_id == s.account_id), default=None)
            if s.role == "collector" and s.opened_at and first:
                age = (first - s.opened_at).days
                if age < NEW_ACCOUNT_DAYS:
                    flags.append(
                        f"collector {s.account_id} was opened {age} days before its first payment"
                    )
    sent = [t for t in ev.completed if t.sender_role not in ("payer", "counterparty")]
    if "csam_purchase" in ev.typologies and sent:
        receivers = {t.receiver_id for t in sent}
        amount = statistics.median([t.amount_usd or Decimal(0) for t in sent])
        night = sum(_night(ev, t.local_hour) for t in sent)
        flags.append(
            f"the subjects made {len(sent)} payments (median {facts.money(amount)}) to "
            f"{len(receivers)} recipient(s), {night} of them at night"
        )
        memos = list(dict.fromkeys(t.memo for t in sent if t.memo))[:3]
        if memos:
            flags.append('memos such as "' + '", "'.join(m[:30] for m in memos) + '"')
    flags += _common_flags(ev)
    term = term_for(ev.typology)
    head = f"The activity matches red flags of {term.label}"
    head += f" in {term.notice}" if term.notice else ""
    if not flags:
        return f"{head}; see the detection reasons above."
    return f"{head}: " + "; ".join(flags) + "."
