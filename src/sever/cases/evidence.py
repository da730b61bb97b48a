"""Gather a case's evidence from the warehouse into an `Evidence` model.

Reads the case tables, alerts, accounts, account_identifiers, transactions, fx_rates and
the signal tables (statements in `evidence_sql`); writes nothing. Who is who (subjects,
payers, counterparties) is decided in `sever.cases.parties`. Restricted material
(minor_perpetrator signals, and signal reasons of restricted alerts) is left out unless
`include_restricted`; what was left out is counted in `withheld`.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from sever.cases import evidence_sql as sql
from sever.cases import model
from sever.cases.evidence_model import (
    AlertInfo,
    Evidence,
    Identifier,
    SharedIdentifier,
    SignalMatch,
    Subject,
)
from sever.cases.parties import classify
from sever.config import DetectionConfig
from sever.errors import UserError
from sever.warehouse import Warehouse


def gather(
    wh: Warehouse, case_id: str, cfg: DetectionConfig, *, include_restricted: bool = False
) -> Evidence:
    """The case's evidence as of now. Raises `UserError` for an unknown case."""
    found = wh.records("case:evidence:case", sql.CASE, {"case_id": case_id})
    if not found:
        raise UserError(f"no case {case_id!r} in the warehouse")
    case = found[0]
    after = case["prior_activity_to"] if case["prior_case_id"] else None
    p = {"case_id": case_id}
    alerts = [AlertInfo(**r) for r in wh.records("case:evidence:alerts", sql.ALERTS, p)]
    subjects = [Subject(**r) for r in wh.records("case:evidence:subjects", sql.SUBJECTS, p)]
    subjects.sort(key=lambda s: (model.SUBJECT_ROLES.index(s.role), s.account_id))
    roles = {s.account_id: s.role for s in subjects}
    for s in subjects:
        s.alert_ids = [a.alert_id for a in alerts if a.subject_account_id == s.account_id]
    ids = list(roles)
    for r in wh.records("case:evidence:identifiers", sql.IDENTIFIERS, {"accounts": ids}):
        subjects[ids.index(r.pop("account_id"))].identifiers.append(Identifier(**r))
    rows = wh.records("case:evidence:txns", sql.TXNS, {**p, "after": after})
    others = sorted({a for r in rows for a in (r["sender_id"], r["receiver_id"])} - set(roles))
    known = {"accounts": others}
    parties = {r["account_id"]: r for r in wh.records("case:evidence:parties", sql.PARTIES, known)}
    victims = {v for (v,) in wh.rows("case:evidence:victims", sql.KNOWN_VICTIMS, known)}
    withheld: Counter[str] = Counter()
    if not include_restricted:
        for a in alerts:
            if a.restricted:
                kept = [r for r in a.reasons if "signal" not in r.lower()]
                withheld["alert_reasons"] += len(a.reasons) - len(kept)
                a.reasons = kept
    signals = []
    for r in wh.records("case:evidence:signals", sql.SIGNALS, {"accounts": ids}):
        r["tags"], r["report_ids"] = list(r["tags"] or []), list(r["report_ids"] or [])
        if r["restricted"] and not include_restricted:
            withheld["signals"] += 1
            continue
        signals.append(SignalMatch(**r))
    evidence = Evidence(
        case_id=case_id,
        typology=case["typology"],
        typologies=list(case["typologies"]),
        key_terms=model.key_terms(list(case["typologies"])),
        include_restricted=include_restricted,
        continuing=bool(case["prior_case_id"]),
        prior_document_number=case["prior_document_number"],
        activity_after=after,
        alerts=alerts,
        subjects=subjects,
        signals=signals,
        shared=_shared(subjects),
        withheld=dict(withheld),
        jurisdictions_of_concern=list(cfg.jurisdictions_of_concern.get(case["typology"], [])),
        night_hours=(cfg.night_start_hour, cfg.night_end_hour),
    )
    classify(evidence, rows, roles, parties, victims, cfg)
    return evidence


def _shared(subjects: list[Subject]) -> list[SharedIdentifier]:
    owners: dict[tuple[str, str], set[str]] = defaultdict(set)
    for s in subjects:
        for i in s.identifiers:
            owners[(i.id_type, i.norm)].add(s.account_id)
    return [
        SharedIdentifier(id_type=t, value=v, account_ids=sorted(a))
        for (t, v), a in sorted(owners.items())
        if len(a) > 1
    ]


def require_usd(ev: Evidence) -> None:
    """Raise `UserError` naming every currency whose amounts cannot be put in USD."""
    if ev.missing_rates:
        listed = ", ".join(f"{c} ({n} transaction(s))" for c, n in ev.missing_rates.items())
        raise UserError(
            f"case {ev.case_id}: amounts in mixed currencies without fx rates: {listed}. "
            "Load fx_rates (currency, date, usd_rate) covering these currencies and dates, "
            "then draft again."
        )
