"""Deadlines (`case due`) and continuing-activity reports that cite the prior BSA id."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest

from sever.cases import approve, due, file_case, get_case, open_case
from sever.errors import UserError
from sever.sar import draft

NS = {"fc2": "www.fincen.gov/base"}
BSA_ID = "31000123456789"


def _file(wh, alert_ids, detection, institution, **kw) -> dict:
    case = open_case(wh, alert_ids, "ana", **kw)
    draft(wh, case["case_id"], "ana", detection, institution)
    approve(wh, case["case_id"], "bob")
    return file_case(wh, case["case_id"], "bob", BSA_ID)


def test_due_lists_open_cases_soonest_first_with_days_left(wh, ring) -> None:
    first = open_case(wh, [ring["collector"]], "ana")
    second = open_case(wh, [ring["mule"]], "ana")
    as_of = first["due_at"] - timedelta(days=10, hours=1)
    rows = due(wh, as_of=as_of)
    assert [r["case_id"] for r in rows] == sorted(
        [first["case_id"], second["case_id"]],
        key=lambda c: (first if c == first["case_id"] else second)["due_at"],
    )
    mine = next(r for r in rows if r["case_id"] == first["case_id"])
    assert mine["kind"] == "filing" and mine["days_left"] == 10 and not mine["overdue"]
    late = due(wh, as_of=first["due_at"] + timedelta(days=2))
    assert next(r for r in late if r["case_id"] == first["case_id"])["overdue"]
    assert due(wh, as_of=as_of, within_days=5) == []


def test_filed_case_is_due_for_review_until_continued(wh, ring, detection, institution) -> None:
    filed = _file(wh, [ring["collector"], ring["victim"]], detection, institution)
    rows = due(wh, as_of=filed["filed_at"])
    assert [(r["case_id"], r["kind"]) for r in rows] == [
        (filed["case_id"], "continuing-activity review")
    ]
    assert rows[0]["due"] == filed["filed_at"] + timedelta(days=90)
    follow = open_case(wh, [], "ana", continues=filed["case_id"])
    assert follow["prior_document_number"] == BSA_ID
    assert follow["due_at"] == filed["filed_at"] + timedelta(days=120)
    assert [r["case_id"] for r in due(wh, as_of=filed["filed_at"])] == [follow["case_id"]]
    assert {a["alert_id"] for a in get_case(wh, follow["case_id"])["alerts"]} == {
        ring["collector"],
        ring["victim"],
    }


def test_only_a_filed_case_can_be_continued(wh, ring) -> None:
    case = open_case(wh, [ring["collector"]], "ana")
    with pytest.raises(UserError, match="only a filed case"):
        open_case(wh, [ring["mule"]], "ana", continues=case["case_id"])


def test_continuing_report_needs_new_activity_then_cites_the_prior(
    wh, ring, detection, institution
) -> None:
    filed = _file(wh, [ring["collector"]], detection, institution)
    follow = open_case(wh, [], "ana", continues=filed["case_id"])["case_id"]
    with pytest.raises(UserError, match="after the prior report's period"):
        draft(wh, follow, "ana", detection, institution)
    # New activity after the filed period: one more payment into the collector.
    last = wh.scalar("t", "SELECT max(activity_to) FROM sar_documents")
    wh.run(
        "t:new_txn",
        "INSERT INTO transactions (txn_id, ts, sender_id, receiver_id, amount, currency, channel,"
        " status, source_file, run_id) VALUES ('tx_new', ?, 'acct_x', ?, 80, 'USD', 'p2p',"
        " 'completed', 'f', 'i')",
        [last + timedelta(days=3), ring["subject"]],
    )
    wh.run(
        "t:cite",
        "UPDATE alerts SET txn_ids = list_append(txn_ids, 'tx_new') WHERE alert_id = ?",
        [ring["collector"]],
    )
    result = draft(wh, follow, "ana", detection, institution)
    activity = ET.fromstring(result["sar"].xml).find("fc2:Activity", NS)
    assert activity.findtext("fc2:EFilingPriorDocumentNumber", namespaces=NS) == BSA_ID
    assoc = activity.find("fc2:ActivityAssociation", NS)
    assert assoc.findtext("fc2:ContinuingActivityReportIndicator", namespaces=NS) == "Y"
    assert assoc.find("fc2:InitialReportIndicator", NS) is None
    assert [t.txn_id for t in result["evidence"].txns] == ["tx_new"]
    sa = activity.find("fc2:SuspiciousActivity", NS)
    prior_total = wh.scalar(
        "t", "SELECT total_usd FROM sar_documents WHERE case_id = ?", [filed["case_id"]]
    )
    cumulative = int(sa.findtext("fc2:CumulativeTotalViolationAmountText", namespaces=NS))
    assert cumulative >= int(prior_total) + 80
    assert BSA_ID in result["narrative"].text
