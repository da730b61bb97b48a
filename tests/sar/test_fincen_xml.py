"""FinCEN SAR XML from the scanned sample: validates against the XSD, counts and SeqNums
are right, every mandatory party is there, field limits hold, payers never appear."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

import pytest

from sever.cases import open_case
from sever.sar import SchemaValidationError, draft, facts, xsd

NS = "www.fincen.gov/base"
Q = {"fc2": NS}


def _draft(wh, ids, detection, institution, **kw) -> dict:
    case_id = open_case(wh, ids, "ana")["case_id"]
    return draft(wh, case_id, "ana", detection, institution, **kw)


@pytest.fixture
def sample_sar(wh, ring, detection, institution) -> dict:
    return _draft(wh, [ring["collector"], ring["mule"], ring["victim"]], detection, institution)


def _schema_enum(name: str) -> set[str]:
    text = xsd.schema_path().read_text(encoding="utf-8")
    block = text[text.index(f'simpleType name="{name}"') :]
    block = block[: block.index("</xsd:simpleType>")]
    return set(re.findall(r'enumeration value="([^"]*)"', block))


def test_sample_sar_validates_and_counts_are_right(sample_sar) -> None:
    sar = sample_sar["sar"]
    assert xsd.errors(sar.xml) == []
    root = ET.fromstring(sar.xml)
    activities = root.findall("fc2:Activity", Q)
    assert root.attrib["ActivityCount"] == str(len(activities)) == "1"
    subjects = [
        p
        for p in activities[0].findall("fc2:Party", Q)
        if p.findtext("fc2:ActivityPartyTypeCode", namespaces=Q) == "33"
    ]
    assert root.attrib["PartyCount"] == str(len(subjects)) == "2"
    amounts = [int(e.text) for e in root.iter(f"{{{NS}}}TotalSuspiciousAmountText")]
    assert root.attrib["TotalAmount"] == str(sum(amounts))
    assert amounts == [math.ceil(sample_sar["evidence"].total_usd)]
    docs = root.findall(".//fc2:ActivitySupportDocument", Q)
    assert root.attrib["AttachmentCount"] == root.attrib["ActivityAttachmentCount"] == "1"
    assert docs[0].findtext("fc2:OriginalAttachmentFileName", namespaces=Q) == (
        sample_sar["attachment"].name
    )


def test_seqnums_are_unique_and_on_every_complex_element(sample_sar) -> None:
    root = ET.fromstring(sample_sar["sar"].xml)
    seqs = [e.attrib["SeqNum"] for e in root.iter() if "SeqNum" in e.attrib]
    assert len(seqs) == len(set(seqs)) and len(seqs) > 40
    leaves_with_children = [e.tag for e in root.iter() if len(e) and "SeqNum" not in e.attrib]
    assert leaves_with_children == [f"{{{NS}}}EFilingBatchXML"]


def test_mandatory_parties_key_term_and_classification(sample_sar) -> None:
    activity = ET.fromstring(sample_sar["sar"].xml).find("fc2:Activity", Q)
    codes = [
        p.findtext("fc2:ActivityPartyTypeCode", namespaces=Q)
        for p in activity.findall("fc2:Party", Q)
    ]
    assert codes[:5] == ["35", "37", "30", "8", "34"] and set(codes[5:]) == {"33"}
    note = activity.findtext("fc2:FilingInstitutionNotetoFinCEN", namespaces=Q)
    assert note == "FIN-2025-SEXTORTION"
    classes = [
        (c.findtext("fc2:SuspiciousActivityTypeID", namespaces=Q),
         c.findtext("fc2:SuspiciousActivitySubtypeID", namespaces=Q),
         c.findtext("fc2:OtherSuspiciousActivityTypeText", namespaces=Q))
        for c in activity.iter(f"{{{NS}}}SuspiciousActivityClassification")
    ]  # fmt: skip
    assert classes[0] == ("9", "9999", "SEXTORTION")
    assert {s for _, s, _ in classes} <= _schema_enum("ValidateSuspiciousActivitySubtypeID")
    assert {"911", "925", "824"} <= {s for _, s, _ in classes}  # two subjects, no purpose, mule
    for type_id, subtype, _ in classes:
        assert subtype.startswith(type_id), "a subtype belongs to its type's range"


def test_ips_and_electronic_addresses_come_from_the_subjects(sample_sar) -> None:
    ev = sample_sar["evidence"]
    root = ET.fromstring(sample_sar["sar"].xml)
    ips = {e.text for e in root.iter(f"{{{NS}}}IPAddressText")}
    subject_ids = {s.account_id for s in ev.subjects}
    subject_ips = {t.ip for t in ev.txns if t.sender_id in subject_ids and t.ip}
    assert ips and ips <= subject_ips
    emails = {e.text for e in root.iter(f"{{{NS}}}ElectronicAddressText")}
    assert emails == {i.value for s in ev.subjects for i in s.identifiers if i.id_type == "email"}
    accounts = {e.text for e in root.iter(f"{{{NS}}}AccountNumberText")}
    assert accounts == subject_ids


def test_payers_never_appear_in_the_filing(sample_sar) -> None:
    ev = sample_sar["evidence"]
    assert ev.payers
    text = sample_sar["sar"].xml + sample_sar["attachment"].text
    for p in ev.payers:
        assert p.account_id not in text
    payer_ips = {t.ip for t in ev.txns if t.sender_role == "payer"}
    assert payer_ips == {None}, "payers' sessions are never evidence against them"


def test_field_length_limits_hold(sample_sar) -> None:
    root = ET.fromstring(sample_sar["sar"].xml)
    limits = {"OtherSuspiciousActivityTypeText": 50, "RawEntityIndividualLastName": 150,
              "RawIndividualFirstName": 35, "RawPartyFullName": 150, "ElectronicAddressText": 517,
              "IPAddressText": 39, "AccountNumberText": 40, "ActivityNarrativeText": 4000,
              "FilingInstitutionNotetoFinCEN": 50, "PhoneNumberText": 16}  # fmt: skip
    for name, limit in limits.items():
        for e in root.iter(f"{{{NS}}}{name}"):
            assert 0 < len(e.text) <= limit, name
    blocks = [e.text for e in root.iter(f"{{{NS}}}ActivityNarrativeText")]
    assert 1 <= len(blocks) <= 5 and sum(map(len, blocks)) <= 17000


def test_long_names_are_cut_to_the_schema_limits(wh, ring, detection, institution) -> None:
    wh.run(
        "t:long_name",
        "UPDATE accounts SET display_name = ? WHERE account_id = ?",
        ["Maximilian-Alexander-Bartholomew-Fitzgerald-Worthington " + "X" * 200, ring["subject"]],
    )
    result = _draft(wh, [ring["collector"]], detection, institution)
    root = ET.fromstring(result["sar"].xml)
    assert len(root.find(".//fc2:RawIndividualFirstName", Q).text) == 35
    assert len(root.find(".//fc2:RawEntityIndividualLastName", Q).text) == 150


def test_csam_case_uses_the_ocse_key_term(wh, detection, institution) -> None:
    alert = wh.scalar(
        "t",
        "SELECT min(alert_id) FROM alerts WHERE typology = 'csam_purchase' AND role = 'consumer'",
    )
    result = _draft(wh, [alert], detection, institution)
    root = ET.fromstring(result["sar"].xml)
    assert root.find(".//fc2:FilingInstitutionNotetoFinCEN", Q).text == "OCSE-FIN-2021-NTC3"
    assert root.find(".//fc2:OtherSuspiciousActivityTypeText", Q).text == "OCSE"
    assert "OCSE-FIN-2021-NTC3" in result["narrative"].flat


def test_invalid_output_is_an_error_and_nothing_is_stored(
    wh, ring, detection, institution, monkeypatch
) -> None:
    monkeypatch.setattr(facts, "classifications", lambda ev: [(9, 12345, None), (8, 54321, None)])
    case_id = open_case(wh, [ring["collector"]], "ana")["case_id"]
    with pytest.raises(SchemaValidationError) as err:
        draft(wh, case_id, "ana", detection, institution)
    message = str(err.value)
    assert "nothing was written" in message and "SuspiciousActivitySubtypeID" in message
    assert len(err.value.errors) >= 2  # every violation is listed, not just the first
    assert wh.scalar("t", "SELECT count(*) FROM sar_documents") == 0
    assert wh.scalar("t", "SELECT state FROM cases WHERE case_id = ?", [case_id]) == "draft"


def test_a_tampered_file_fails_validation(sample_sar) -> None:
    xml = sample_sar["sar"].xml.replace('SeqNum="2"', 'SeqNum="1"', 1)
    xml = xml.replace("<fc2:FilingDateText>", "<fc2:FilingDateText>99", 1)
    found = xsd.errors(xml)
    assert any("SeqNum" in e or "Unique" in e or "duplicate" in e.lower() for e in found)
    assert any("FilingDateText" in e for e in found)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ("UPDATE accounts SET kind = 'business' WHERE account_id = 'c9'",
         "<fc2:PartyAsEntityOrganizationIndicator>Y<"),
        ("DELETE FROM accounts WHERE account_id = 'c9'",
         "<fc2:NoRelationshipToInstitutionIndicator>Y<"),
    ],
)  # fmt: skip
def test_business_and_unknown_subjects_validate(change, expected, detection, institution) -> None:
    from sar_synthetic import build_small_case

    from sever.warehouse import open_warehouse

    wh = open_warehouse(None, memory_limit=None)
    try:
        ids = build_small_case(wh, ["USD"])
        wh.run("t:change", change)
        xml = _draft(wh, ids, detection, institution)["sar"].xml
    finally:
        wh.close()
    assert xsd.errors(xml) == [] and expected in xml
