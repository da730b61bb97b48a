"""The `Party` elements of a FinCEN SAR: the five institution parties and each subject.

Reads the institution config and a case's `Evidence`; writes XML elements. Child order
follows the schema (the party's own indicators in alphabetical order, then names,
addresses, phones, identifications, organisation type, electronic addresses,
relationship and accounts). Payers never become parties.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from sever.cases.evidence_model import Evidence, Subject
from sever.sar.config import ORGANIZATION_TYPES, TIN_TYPES, Address, Institution, InstitutionConfig
from sever.sar.xmltools import Builder

# PartyType's own children, in schema order (after ActivityPartyTypeCode).
_INDICATORS = (
    "AllCriticalSubjectInformationUnavailableIndicator",
    "BirthDateUnknownIndicator",
    "BothPurchaserSenderPayeeReceiveIndicator",
    "IndividualBirthDateText",
    "NoBranchActivityInvolvedIndicator",
    "PartyAsEntityOrganizationIndicator",
    "PayeeReceiverIndicator",
    "PrimaryRegulatorTypeCode",
    "PurchaserSenderIndicator",
    "SellingPayingLocationIndicator",
    "UnknownGenderIndicator",
)
TIN_TYPE_TIN = "4"
TCC_TYPE = "28"
INTERNAL_CONTROL_TYPE = "29"
SUBJECT = "33"


def _party(b: Builder, parent: ET.Element, code: str, **own: str | None) -> ET.Element:
    party = b.node(parent, "Party")
    b.leaf(party, "ActivityPartyTypeCode", code)
    for name in _INDICATORS:
        if own.get(name):
            b.leaf(party, name, own[name])
    return party


def _name(b: Builder, party: ET.Element, full: str | None = None, **parts: str | None) -> None:
    el = b.node(party, "PartyName")
    if parts.get("unknown"):
        b.flag(el, "EntityLastNameUnknownIndicator")
        b.flag(el, "FirstNameUnknownIndicator")
    b.leaf(el, "PartyNameTypeCode", "L")
    b.leaf(el, "RawEntityIndividualLastName", parts.get("last"), 150)
    b.leaf(el, "RawIndividualFirstName", parts.get("first"), 35)
    b.leaf(el, "RawPartyFullName", full, 150)


def _address(b: Builder, party: ET.Element, a: Address) -> None:
    el = b.node(party, "Address")
    b.leaf(el, "RawCityText", a.city, 50)
    b.leaf(el, "RawCountryCodeText", a.country, 2)
    b.leaf(el, "RawStateCodeText", a.state, 3)
    b.leaf(el, "RawStreetAddress1Text", a.street, 100)
    b.leaf(el, "RawZIPCode", a.zip, 9)


def _phone(b: Builder, party: ET.Element, number: str, kind: str | None = None) -> None:
    el = b.node(party, "PhoneNumber")
    b.leaf(el, "PhoneNumberText", number, 16)
    b.leaf(el, "PhoneNumberTypeCode", kind)


def _ident(b: Builder, party: ET.Element, number: str, code: str) -> None:
    el = b.node(party, "PartyIdentification")
    b.leaf(el, "PartyIdentificationNumberText", number, 25)
    b.leaf(el, "PartyIdentificationTypeCode", code)


def _organisation(b: Builder, party: ET.Element, inst: Institution) -> None:
    el = b.node(party, "OrganizationClassificationTypeSubtype")
    b.leaf(el, "OrganizationTypeID", ORGANIZATION_TYPES[inst.organization_type])
    if inst.organization_type == "other":
        b.leaf(el, "OtherOrganizationTypeText", inst.organization_type_other or "Other", 50)


def institution_parties(
    b: Builder, activity: ET.Element, cfg: InstitutionConfig, case_id: str
) -> None:
    """Transmitter (35), transmitter contact (37), filer (30), contact office (8), and the
    institution where the activity occurred (34), in that order."""
    t, f, a = cfg.transmitter, cfg.filing_institution, cfg.activity
    party = _party(b, activity, "35")
    _name(b, party, t.name)
    _address(b, party, t.address)
    _phone(b, party, t.phone)
    _ident(b, party, t.tin, TIN_TYPE_TIN)
    _ident(b, party, t.tcc, TCC_TYPE)
    _name(b, _party(b, activity, "37"), t.contact_name)
    party = _party(b, activity, "30", PrimaryRegulatorTypeCode=f.primary_regulator)
    _name(b, party, f.name)
    _address(b, party, f.address)
    _ident(b, party, f.tin, TIN_TYPES[f.tin_type])
    _ident(b, party, case_id, INTERNAL_CONTROL_TYPE)
    _organisation(b, party, f)
    party = _party(b, activity, "8")
    _name(b, party, f.contact_office.name)
    _phone(b, party, f.contact_office.phone)
    party = _party(
        b,
        activity,
        "34",
        NoBranchActivityInvolvedIndicator="Y",
        PrimaryRegulatorTypeCode=a.primary_regulator,
        SellingPayingLocationIndicator="Y" if a.organization_type == "msb" else None,
    )
    _name(b, party, a.name)
    _address(b, party, a.address)
    _ident(b, party, a.tin, TIN_TYPES[a.tin_type])
    _organisation(b, party, a)


def _split(name: str) -> tuple[str | None, str]:
    parts = name.split()
    return (" ".join(parts[:-1]) or None, parts[-1]) if parts else (None, "")


def _known_subject(b: Builder, party: ET.Element, s: Subject) -> None:
    """Name (or its unknown flags) and the address the institution has: a country at most."""
    if s.kind == "business" and s.display_name:
        _name(b, party, last=s.display_name)
    elif s.display_name:
        first, last = _split(s.display_name)
        _name(b, party, first=first, last=last)
    else:
        _name(b, party, unknown="Y")
    el = b.node(party, "Address")
    b.flag(el, "CityUnknownIndicator")
    b.flag(el, "CountryCodeUnknownIndicator", not s.country)
    b.leaf(el, "RawCountryCodeText", s.country, 2)
    for flag in ("StateCodeUnknownIndicator", "StreetAddressUnknownIndicator",
                 "ZIPCodeUnknownIndicator"):  # fmt: skip
        b.flag(el, flag)


def _phones(s: Subject) -> list[str]:
    """Distinct phone numbers as digits (country code included), at most 16 each."""
    numbers = (
        "".join(c for c in i.norm if c.isdigit()) for i in s.identifiers if i.id_type == "phone"
    )
    return [n for n in dict.fromkeys(numbers) if 0 < len(n) <= 16][:99]


def subject_party(
    b: Builder, activity: ET.Element, s: Subject, ev: Evidence, cfg: InstitutionConfig
) -> None:
    """One subject (33): what the institution knows of it, and the account it holds there."""
    received = any(t.receiver_id == s.account_id for t in ev.completed)
    sent = any(t.sender_id == s.account_id for t in ev.completed)
    nothing = not (s.display_name or s.birth_date or s.country)
    person = s.kind != "business"
    party = _party(
        b,
        activity,
        SUBJECT,
        AllCriticalSubjectInformationUnavailableIndicator="Y" if nothing else None,
        BirthDateUnknownIndicator="Y" if person and not nothing and not s.birth_date else None,
        BothPurchaserSenderPayeeReceiveIndicator="Y" if received and sent else None,
        IndividualBirthDateText=s.birth_date.strftime("%Y%m%d")
        if person and s.birth_date
        else None,
        PartyAsEntityOrganizationIndicator=None if person else "Y",
        PayeeReceiverIndicator="Y" if received and not sent else None,
        PurchaserSenderIndicator="Y" if sent and not received else None,
        UnknownGenderIndicator="Y" if person and not nothing else None,
    )
    if not nothing:
        _known_subject(b, party, s)
    for number in _phones(s):
        _phone(b, party, number, "M")
    if not nothing:
        b.flag(b.node(party, "PartyIdentification"), "TINUnknownIndicator")
    addresses = [(i.value, "E") for i in s.identifiers if i.id_type == "email"]
    addresses += [(i.value, "U") for i in s.identifiers if i.id_type == "url"]
    for value, code in list(dict.fromkeys(addresses))[:198]:
        el = b.node(party, "ElectronicAddress")
        b.leaf(el, "ElectronicAddressText", value, 517)
        b.leaf(el, "ElectronicAddressTypeCode", code)
    f = cfg.filing_institution
    rel = b.node(party, "PartyAssociation")
    if s.kind in (None, "external"):
        b.flag(rel, "NoRelationshipToInstitutionIndicator")
        return
    if s.closed_at:
        b.leaf(rel, "ActionTakenDateText", s.closed_at.strftime("%Y%m%d"))
    b.flag(rel, "CustomerIndicator")
    b.leaf(rel, "SubjectRelationshipFinancialInstitutionTINText", f.tin, 25)
    b.flag(rel, "TerminatedIndicator", bool(s.closed_at))
    held = b.node(party, "PartyAccountAssociation")
    b.leaf(held, "PartyAccountAssociationTypeCode", "7")
    bank = _party(b, held, "41")
    _ident(b, bank, f.tin, TIN_TYPES[f.tin_type])
    account = b.node(bank, "Account")
    b.leaf(account, "AccountNumberText", s.account_id, 40)
    inner = b.node(account, "PartyAccountAssociation")
    b.flag(inner, "AccountClosedIndicator", bool(s.closed_at))
    b.leaf(inner, "PartyAccountAssociationTypeCode", "5")
