"""Write a case as a goAML suspicious transaction report (schema 5.x shape).

Reads a case's `Evidence`, its narrative and the institution config's `goaml` section
(the FIU's codes: reporting entity id, report code, transmode, funds and indicator
codes); returns the XML text. Shape: `report` with the reporting person and location,
`reason` (the narrative), `action`, one `transaction` per completed evidence payment
with its from and to sides (`t_from_my_client` / `t_from`, `t_to_my_client` / `t_to`),
subjects as account signatories (`t_person`), and `report_indicators`.

Payers stay pseudonymous: their side of a payment is an account labelled with the
pseudonym, with no person attached. No goAML XSD ships with sever (each FIU publishes
its own); `check` verifies the structure every goAML 5 schema requires.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal

from sever.cases.evidence_model import Evidence, Subject, Txn
from sever.errors import UserError
from sever.sar.config import GoAML, InstitutionConfig
from sever.sar.xmltools import serialise, text

REQUIRED = (
    "rentity_id",
    "submission_code",
    "report_code",
    "submission_date",
    "currency_code_local",
    "reporting_person",
    "transaction",
    "report_indicators",
)


def _leaf(parent: ET.Element, name: str, value: object, limit: int = 4000) -> None:
    clean = text(value, limit)
    if clean is not None:
        ET.SubElement(parent, name).text = clean


def _person(parent: ET.Element, tag: str, first: str, last: str, **more: object) -> ET.Element:
    person = ET.SubElement(parent, tag)
    _leaf(person, "first_name", first, 100)
    _leaf(person, "last_name", last, 100)
    _leaf(person, "birthdate", more.get("birthdate"))
    _leaf(person, "nationality1", more.get("country"), 2)
    _leaf(person, "residence", more.get("country"), 2)
    for email in more.get("emails") or []:
        _leaf(person, "email", email, 255)
    _leaf(person, "occupation", more.get("occupation"), 255)
    return person


def _account(
    side: ET.Element,
    tag: str,
    ev: Evidence,
    cfg: InstitutionConfig,
    account: str,
    label: str,
    currency: str,
) -> None:
    acct = ET.SubElement(side, tag)
    subject = ev.subject(account)
    cp = next((c for c in ev.counterparties if c.account_id == account), None)
    external = (subject.kind if subject else cp.kind if cp else None) == "external"
    _leaf(
        acct,
        "institution_name",
        "unknown (external)" if external else cfg.filing_institution.name,
        255,
    )
    _leaf(acct, "non_bank_institution", "false" if not external else "true")
    _leaf(acct, "account", label, 50)
    _leaf(acct, "currency_code", currency, 3)
    if subject:
        _leaf(acct, "account_name", subject.display_name or subject.account_id, 255)
        _signatory(acct, subject)
        _leaf(
            acct,
            "opened",
            subject.opened_at.isoformat(timespec="seconds") if subject.opened_at else None,
        )
        _leaf(
            acct,
            "closed",
            subject.closed_at.isoformat(timespec="seconds") if subject.closed_at else None,
        )
        _leaf(acct, "comments", f"Subject of this report ({subject.role}).")
    elif label != account:
        _leaf(
            acct,
            "comments",
            "Payer, likely a victim: details withheld, held by the reporting institution.",
        )


def _signatory(acct: ET.Element, s: Subject) -> None:
    if s.kind == "business" or not s.display_name:
        return
    sig = ET.SubElement(acct, "signatory")
    _leaf(sig, "is_primary", "true")
    first, _, last = s.display_name.rpartition(" ")
    _person(
        sig,
        "t_person",
        first or s.display_name,
        last,
        birthdate=f"{s.birth_date.isoformat()}T00:00:00" if s.birth_date else None,
        country=s.country,
        emails=[i.value for i in s.identifiers if i.id_type == "email"],
    )


def _side(
    t: ET.Element,
    direction: str,
    txn: Txn,
    ev: Evidence,
    cfg: InstitutionConfig,
    g: GoAML,
    local: Decimal,
) -> None:
    account = txn.sender_id if direction == "from" else txn.receiver_id
    label = txn.sender_label if direction == "from" else txn.receiver_label
    subject = ev.subject(account)
    cp = next((c for c in ev.counterparties if c.account_id == account), None)
    kind = subject.kind if subject else cp.kind if cp else "individual"  # payers are clients
    tag = f"t_{direction}_my_client" if kind in ("individual", "business") else f"t_{direction}"
    side = ET.SubElement(t, tag)
    _leaf(side, f"{direction}_funds_code", g.funds_code)
    if txn.currency != g.currency_code_local:
        fx = ET.SubElement(side, f"{direction}_foreign_currency")
        _leaf(fx, "foreign_currency_code", txn.currency)
        _leaf(fx, "foreign_amount", f"{txn.amount:.2f}")
        _leaf(fx, "foreign_exchange_rate", f"{local / txn.amount:.6f}")
    _account(side, f"{direction}_account", ev, cfg, account, label, txn.currency)
    country = txn.sender_country if direction == "from" else txn.receiver_country
    _leaf(
        side, f"{direction}_country", country or (subject.country if subject else None) or "XX", 2
    )


def _local(txn: Txn, g: GoAML) -> Decimal:
    if txn.currency == g.currency_code_local:
        return txn.amount
    if g.currency_code_local == "USD" and txn.amount_usd is not None:
        return txn.amount_usd
    raise UserError(
        f"goAML: cannot state {txn.txn_id} ({txn.currency}) in {g.currency_code_local}: "
        "only USD or the transaction's own currency can be the local currency"
    )


def build(ev: Evidence, cfg: InstitutionConfig, narrative: str, *, submission_date: date) -> str:
    """The goAML report for one case; `UserError` when the config lacks a needed code."""
    g = cfg.goaml
    if g is None:
        raise UserError("the institution config has no goaml section")
    codes = list(dict.fromkeys(c for t in ev.typologies for c in g.indicators.get(t, [])))
    if not codes:
        raise UserError(f"goaml.indicators has no code for typology {', '.join(ev.typologies)}")
    report = ET.Element("report")
    _leaf(report, "rentity_id", g.rentity_id)
    _leaf(report, "rentity_branch", g.rentity_branch)
    _leaf(report, "submission_code", g.submission_code)
    _leaf(report, "report_code", g.report_code)
    _leaf(report, "entity_reference", ev.case_id)
    _leaf(report, "fiu_ref_number", ev.prior_document_number if ev.continuing else None)
    _leaf(report, "submission_date", f"{submission_date.isoformat()}T00:00:00")
    _leaf(report, "currency_code_local", g.currency_code_local)
    p = g.reporting_person
    emails = [p.email] if p.email else []
    _person(
        report,
        "reporting_person",
        p.first_name,
        p.last_name,
        emails=emails,
        occupation=p.occupation,
    )
    loc = ET.SubElement(report, "location")
    for name in ("address_type", "address", "city", "zip", "country_code", "state"):
        _leaf(loc, name, getattr(g.location, name, None))
    ET.SubElement(report, "reason").text = narrative
    _leaf(report, "action", g.action)
    for txn in ev.completed:
        local = _local(txn, g)
        t = ET.SubElement(report, "transaction")
        _leaf(t, "transactionnumber", txn.txn_id, 50)
        _leaf(t, "internal_ref_number", ev.case_id, 50)
        _leaf(t, "transaction_location", "online", 255)
        _leaf(
            t,
            "transaction_description",
            f"{txn.channel} payment" + (f": {txn.memo}" if txn.memo else ""),
        )
        _leaf(t, "date_transaction", txn.ts.isoformat(timespec="seconds"))
        _leaf(t, "transmode_code", g.transmode_codes.get(txn.channel, g.default_transmode_code))
        _leaf(t, "amount_local", f"{local:.2f}")
        _side(t, "from", txn, ev, cfg, g, local)
        _side(t, "to", txn, ev, cfg, g, local)
    indicators = ET.SubElement(report, "report_indicators")
    for code in codes:
        _leaf(indicators, "indicator", code)
    out = serialise(report)
    check(out)
    return out


def check(xml_text: str) -> None:
    """Structural check: the elements every goAML 5 report must have, each side present."""
    root = ET.fromstring(xml_text)
    problems = [f"missing <{name}>" for name in REQUIRED if root.find(name) is None]
    for t in root.iter("transaction"):
        sides = {c.tag for c in t}
        if not sides & {"t_from", "t_from_my_client"} or not sides & {"t_to", "t_to_my_client"}:
            problems.append(
                f"transaction {t.findtext('transactionnumber')} lacks a from or to side"
            )
    if problems:
        raise UserError("goAML report is malformed: " + "; ".join(problems))
