"""Write a case as a FinCEN SAR: a BSA E-Filing batch (`EFilingBatchXML`, form `SARX`).

Reads a case's `Evidence`, its narrative and the institution config; returns the XML
text after validating it against FinCEN's XSD (`sever.sar.xsd`): an invalid report is a
`SchemaValidationError`, never returned. Amounts are whole US dollars, rounded up, as
FinCEN asks.

Batch counts: ActivityCount is the number of `Activity` elements; PartyCount the number
of subject parties (type 33); TotalAmount the sum of every TotalSuspiciousAmountText;
ActivityAttachmentCount the activities with an attachment and AttachmentCount the
`ActivitySupportDocument` elements (one CSV per activity at most).
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sever.cases.evidence_model import Evidence
from sever.sar import facts, xsd
from sever.sar.config import InstitutionConfig
from sever.sar.fincen_parties import SUBJECT, institution_parties, subject_party
from sever.sar.xmltools import NS, SCHEMA_LOCATION, XSI, Builder, serialise

MAX_IPS = 99


@dataclass(frozen=True)
class Sar:
    xml: str
    total_amount: int
    party_count: int
    attachments: int


def dollars(value: Decimal) -> int:
    return math.ceil(value)


def build(
    ev: Evidence,
    cfg: InstitutionConfig,
    blocks: list[str],
    *,
    filing_date: date,
    attachment_name: str | None,
    cumulative_usd: Decimal | None = None,
) -> Sar:
    """The validated SAR batch for one case (one `Activity`)."""
    b = Builder()
    root = ET.Element(b.tag("EFilingBatchXML"), {f"{{{XSI}}}schemaLocation": SCHEMA_LOCATION})
    ET.SubElement(root, b.tag("FormTypeCode")).text = "SARX"
    activity = b.node(root, "Activity")
    if ev.continuing:
        b.leaf(activity, "EFilingPriorDocumentNumber", ev.prior_document_number, 14)
    b.leaf(activity, "FilingDateText", filing_date.strftime("%Y%m%d"))
    b.leaf(activity, "FilingInstitutionNotetoFinCEN", " ".join(ev.key_terms), 50)
    assoc = b.node(activity, "ActivityAssociation")
    b.flag(assoc, "ContinuingActivityReportIndicator", ev.continuing)
    b.flag(assoc, "InitialReportIndicator", not ev.continuing)
    if attachment_name:
        b.leaf(
            b.node(activity, "ActivitySupportDocument"),
            "OriginalAttachmentFileName",
            attachment_name,
            150,
        )
    institution_parties(b, activity, cfg, ev.case_id)
    for subject in ev.subjects:
        subject_party(b, activity, subject, ev, cfg)
    total = dollars(ev.total_usd)
    _suspicious_activity(b, activity, ev, total, cumulative_usd)
    for ip, first, _ in facts.subject_ips(ev)[:MAX_IPS]:
        el = b.node(activity, "ActivityIPAddress")
        b.leaf(el, "ActivityIPAddressDateText", first.strftime("%Y%m%d"))
        b.leaf(el, "ActivityIPAddressTimeStampText", first.strftime("%H:%M:%S"))
        b.leaf(el, "IPAddressText", ip, 39)
    for number, block in enumerate(blocks, 1):
        el = b.node(activity, "ActivityNarrativeInformation")
        b.leaf(el, "ActivityNarrativeSequenceNumber", number)
        ET.SubElement(el, b.tag("ActivityNarrativeText")).text = block
    parties = sum(
        1
        for p in activity.findall(f"{{{NS}}}Party")
        if p.findtext(f"{{{NS}}}ActivityPartyTypeCode") == SUBJECT
    )
    attachments = int(attachment_name is not None)
    root.attrib.update(
        TotalAmount=str(total),
        PartyCount=str(parties),
        ActivityCount="1",
        ActivityAttachmentCount=str(attachments),
        AttachmentCount=str(attachments),
    )
    text = serialise(root)
    xsd.validate(text, f"FinCEN SAR for case {ev.case_id}")
    return Sar(text, total, parties, attachments)


def _suspicious_activity(
    b: Builder, activity: ET.Element, ev: Evidence, total: int, cumulative: Decimal | None
) -> None:
    el = b.node(activity, "SuspiciousActivity")
    if cumulative is not None:
        b.leaf(el, "CumulativeTotalViolationAmountText", dollars(cumulative), 15)
    b.flag(el, "NoAmountInvolvedIndicator", total == 0)
    b.leaf(el, "SuspiciousActivityFromDateText", _yyyymmdd(ev.from_ts))
    b.leaf(el, "SuspiciousActivityToDateText", _yyyymmdd(ev.to_ts))
    if total:
        b.leaf(el, "TotalSuspiciousAmountText", total, 15)
    for type_id, subtype_id, other in facts.classifications(ev):
        c = b.node(el, "SuspiciousActivityClassification")
        b.leaf(c, "OtherSuspiciousActivityTypeText", other, 50)
        b.leaf(c, "SuspiciousActivitySubtypeID", subtype_id)
        b.leaf(c, "SuspiciousActivityTypeID", type_id)


def _yyyymmdd(ts: datetime | None) -> str | None:
    return ts.strftime("%Y%m%d") if ts else None
