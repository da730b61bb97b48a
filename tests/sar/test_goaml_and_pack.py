"""goAML STR shape and the evidence pack written by export."""

from __future__ import annotations

import hashlib
import json
import xml.etree.ElementTree as ET

import pytest

from sever.cases import approve, open_case
from sever.errors import UserError
from sever.sar import draft, export, goaml, load

HEAD = ["rentity_id", "submission_code", "report_code", "entity_reference", "submission_date",
        "currency_code_local", "reporting_person", "location", "reason", "action"]  # fmt: skip


@pytest.fixture
def approved(wh, ring, detection, institution) -> tuple:
    case_id = open_case(wh, [ring["collector"], ring["mule"], ring["victim"]], "ana")["case_id"]
    result = draft(wh, case_id, "ana", detection, institution)
    approve(wh, case_id, "bob")
    return wh, case_id, result


def test_goaml_report_has_the_5x_shape(approved, institution) -> None:
    wh, case_id, result = approved
    doc = load(wh, case_id, approved_only=True)
    report = ET.fromstring(doc["goaml_xml"])
    assert report.tag == "report" and [c.tag for c in report][: len(HEAD)] == HEAD
    assert report.findtext("rentity_id") == institution.goaml.rentity_id
    assert report.findtext("entity_reference") == case_id
    assert "FIN-2025-SEXTORTION" in report.findtext("reason")
    ev = result["evidence"]
    txns = report.findall("transaction")
    assert [t.findtext("transactionnumber") for t in txns] == [t.txn_id for t in ev.completed]
    for t in txns:
        tags = [c.tag for c in t]
        assert tags[-2].startswith("t_from") and tags[-1].startswith("t_to")
    gbp = next(t for t in txns if t.find(".//from_foreign_currency") is not None)
    assert gbp.findtext(".//foreign_currency_code") == "GBP"
    assert [i.text for i in report.iter("indicator")] == ["SEXT", "MINOR"]
    for p in ev.payers:
        assert p.account_id not in doc["goaml_xml"]
        assert f"<account>{p.label}</account>" in doc["goaml_xml"]
    names = {e.findtext("last_name") for e in report.iter("t_person")}
    assert names == {s.display_name.split()[-1] for s in ev.subjects if s.display_name}


def test_goaml_is_skipped_without_its_section_and_checked_when_built(
    wh, ring, detection, institution
) -> None:
    case_id = open_case(wh, [ring["collector"]], "ana")["case_id"]
    bare = institution.model_copy(update={"goaml": None})
    assert draft(wh, case_id, "ana", detection, bare)["goaml"] is False
    assert load(wh, case_id, approved_only=False)["goaml_xml"] is None
    with pytest.raises(UserError, match="lacks a from or to side"):
        goaml.check("<report><rentity_id>1</rentity_id><transaction><transactionnumber>t"
                    "</transactionnumber></transaction></report>")  # fmt: skip


def test_export_writes_the_evidence_pack(approved, tmp_path) -> None:
    wh, case_id, result = approved
    manifest = export(wh, case_id, tmp_path)
    folder = tmp_path / case_id
    assert manifest["approved_by"] == "bob"
    expected = {f"{case_id}_fincen_sar.xml", f"{case_id}_goaml_str.xml",
                f"{case_id}_transactions.csv", "narrative.txt", "signal_matches.csv",
                "detector_reasons.csv", "network.png", "case_report.html"}  # fmt: skip
    assert expected <= set(manifest["files"])
    for name, info in manifest["files"].items():
        data = (folder / name).read_bytes()
        assert info["sha256"] == hashlib.sha256(data).hexdigest() and info["bytes"] == len(data)
    assert json.loads((folder / "manifest.json").read_text())["doc_id"] == f"{case_id}-v1"
    assert (folder / "network.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (folder / f"{case_id}_fincen_sar.xml").read_text() == result["sar"].xml
    html = (folder / "case_report.html").read_text()
    assert "CONFIDENTIAL" in html and case_id in html and "APPROVED" in html
    signals = (folder / "signal_matches.csv").read_text()
    for g in result["evidence"].signals:
        assert g.signal_id in signals and all(r in signals for r in g.report_ids)
    filing = "".join(
        (folder / n).read_text() for n in manifest["files"] if n.endswith((".xml", ".csv", ".txt"))
    )
    for p in result["evidence"].payers:
        assert p.account_id not in filing, "payers stay pseudonymous outside the internal report"
    assert manifest["pdf"].startswith(("skipped", "weasyprint"))


def test_export_needs_an_approved_draft(wh, ring, detection, institution, tmp_path) -> None:
    case_id = open_case(wh, [ring["collector"]], "ana")["case_id"]
    with pytest.raises(UserError, match="no SAR document yet"):
        export(wh, case_id, tmp_path)
    draft(wh, case_id, "ana", detection, institution)
    with pytest.raises(UserError, match="not approved"):
        export(wh, case_id, tmp_path)
    assert not (tmp_path / case_id).exists()
    manifest = export(wh, case_id, tmp_path, allow_draft=True)
    assert manifest["approved_by"] is None
    assert "DRAFT" in (tmp_path / case_id / "case_report.html").read_text()
    (tmp_path / case_id / "analyst_notes.txt").write_text("mine")
    approve(wh, case_id, "bob")
    assert export(wh, case_id, tmp_path)["approved_by"] == "bob"
    assert "APPROVED" in (tmp_path / case_id / "case_report.html").read_text()
    assert (tmp_path / case_id / "analyst_notes.txt").exists(), "only its own files are replaced"


def test_export_reproduces_the_approved_version_after_new_evidence(approved, tmp_path) -> None:
    wh, case_id, result = approved
    wh.run("t", "UPDATE alerts SET txn_ids = [] ")  # the live evidence changes...
    manifest = export(wh, case_id, tmp_path)  # ...the approved pack does not
    csv_name = f"{case_id}_transactions.csv"
    assert (tmp_path / case_id / csv_name).read_text() == result["attachment"].text
    assert (
        manifest["attachment_rows"]
        == f"{len(result['evidence'].txns)} of {len(result['evidence'].txns)}"
    )
