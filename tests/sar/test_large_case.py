"""A huge case (200 victims, 5,000 transactions): the narrative shrinks gracefully within
FinCEN's limits, the CSV attachment carries every transaction within 1 MB, the XML
validates, and an attachment that must be cut keeps the most relevant rows."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest
from sar_synthetic import ABROAD, BIG_ALERTS, N_VICTIMS, RESTRICTED_SIGNAL, TO_MULE, build_big_case

from sever.cases import open_case
from sever.sar import attachment, draft, xsd
from sever.sar.narrative import MAX_BLOCKS, TOTAL_CHARS, Attachment, generate
from sever.warehouse import open_warehouse

Q = {"fc2": "www.fincen.gov/base"}


@pytest.fixture(scope="module")
def big_draft(detection, institution) -> Iterator[dict]:
    wh = open_warehouse(None, memory_limit=None)
    build_big_case(wh)
    case_id = open_case(wh, list(BIG_ALERTS), "ana")["case_id"]
    yield draft(wh, case_id, "ana", detection, institution)
    wh.close()


def test_the_case_is_as_big_as_promised(big_draft) -> None:
    ev = big_draft["evidence"]
    assert len(ev.txns) == 5000 and len(ev.payers) == N_VICTIMS
    assert {s.account_id for s in ev.subjects} == {"col_1", "mule_1"}


def test_narrative_stays_within_limits_and_summarises_the_rest(big_draft) -> None:
    story = big_draft["narrative"]
    flat = story.flat
    assert len(flat) <= TOTAL_CHARS and len(story.blocks) <= MAX_BLOCKS
    assert story.level > 0 and not story.shortened, "fewer details, not a cut"
    listed = {p.label for p in big_draft["evidence"].payers if f"{p.label} (age" in flat}
    assert 0 < len(listed) < N_VICTIMS
    assert f"{N_VICTIMS - len(listed)} further payer(s)" in flat
    assert big_draft["attachment"].name in flat and "each is in the attachment" in flat
    assert f"{TO_MULE} payment(s)" in flat and f"{ABROAD} payment(s)" in flat
    assert "200 of 200 payers were minors" in flat
    assert "FIN-2025-SEXTORTION" in flat and "12345678" in flat
    assert RESTRICTED_SIGNAL not in flat


def test_the_csv_attachment_carries_every_transaction(big_draft) -> None:
    csv_file = big_draft["attachment"]
    assert len(csv_file.text.encode()) <= attachment.MAX_BYTES
    rows = list(csv.DictReader(io.StringIO(csv_file.text)))
    assert len(rows) == csv_file.rows == csv_file.total == 5000
    assert {r["txn_id"] for r in rows} == {t.txn_id for t in big_draft["evidence"].txns}
    assert not any(r["sender"].startswith("vic_") for r in rows), "payers by pseudonym"
    assert all(r["ip"] == "" for r in rows if r["sender_role"] == "payer")


def test_the_xml_validates_with_counts(big_draft) -> None:
    sar = big_draft["sar"]
    assert xsd.errors(sar.xml) == []
    root = ET.fromstring(sar.xml)
    assert root.attrib["PartyCount"] == "2" and root.attrib["TotalAmount"] == "400000"
    assert root.findtext(".//fc2:TotalSuspiciousAmountText", namespaces=Q) == "400000"
    ips = [e.text for e in root.iter("{www.fincen.gov/base}IPAddressText")]
    assert sorted(ips) == ["203.0.113.7", "203.0.113.8"]
    subtypes = {e.text for e in root.iter("{www.fincen.gov/base}SuspiciousActivitySubtypeID")}
    assert {"9999", "911", "925", "928", "805", "807", "824"} <= subtypes


def test_a_cut_attachment_keeps_the_most_relevant_rows(big_draft) -> None:
    ev = big_draft["evidence"]
    cut = attachment.build(ev, max_bytes=60_000)
    assert cut.truncated and 0 < cut.rows < cut.total == 5000
    assert len(cut.text.encode()) <= 60_000
    rows = list(csv.DictReader(io.StringIO(cut.text)))
    assert [r["timestamp_utc"] for r in rows] == sorted(r["timestamp_utc"] for r in rows)
    kept = {r["txn_id"] for r in rows}
    assert {f"x{i:04d}" for i in range(ABROAD)} <= kept, "money sent abroad comes first"
    story = generate(ev, "Example Payments Inc.", _Contact(), Attachment(cut.name, cut.rows, 5000))
    assert f"the {cut.rows:,} most relevant of 5,000 transactions" in story.flat


def test_graceful_truncation_has_a_last_resort(big_draft, monkeypatch) -> None:
    from sever.sar import narrative

    monkeypatch.setattr(narrative, "TOTAL_CHARS", 3000)
    ev = big_draft["evidence"]
    story = narrative.generate(
        ev, "Example Payments Inc.", _Contact(), Attachment("a.csv", 5000, 5000)
    )
    assert story.shortened and len(story.flat) <= 3000
    assert story.flat.endswith("carries every transaction.]") and "a.csv" in story.flat


class _Contact:
    name = "BSA Office"
    phone = "2025550101"
