"""Cases on the scanned sample: opening escalates alerts and starts the clock; the workflow
draft -> in_review -> approved -> filed / closed_no_file is enforced and audited."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sever.alerts import get_alert, set_state
from sever.cases import approve, close_no_file, file_case, get_case, open_case
from sever.errors import UserError
from sever.sar import draft

BSA_ID = "31000123456789"


def _states(wh, ids: list[str]) -> dict[str, str]:
    return {a: get_alert(wh, a)["state"] for a in ids}


def test_open_escalates_alerts_and_never_makes_a_victim_a_subject(wh, ring) -> None:
    ids = [ring["collector"], ring["mule"], ring["victim"]]
    case = open_case(wh, ids, "ana")
    assert case["state"] == "draft" and case["case_id"] == "CASE-000001"
    assert set(_states(wh, ids).values()) == {"escalated"}
    audit = get_alert(wh, ring["victim"])["audit"]
    moves = [(a["actor"], a["to_state"]) for a in audit if a["action"] == "state_changed"]
    assert moves == [("ana", "in_review"), ("ana", "escalated")]
    full = get_case(wh, case["case_id"])
    victim = get_alert(wh, ring["victim"])["subject_account_id"]
    subjects = {s["account_id"]: s["role"] for s in full["subjects"]}
    assert victim not in subjects and subjects[ring["subject"]] == "collector"
    assert [a["action"] for a in full["audit"]] == ["opened"]


def test_the_filing_clock_starts_at_the_earliest_alert(wh, ring) -> None:
    ids = [ring["collector"], ring["mule"]]
    created = min(get_alert(wh, a)["created_at"] for a in ids)
    case = open_case(wh, ids, "ana")
    assert case["detected_at"] == created and case["subject_identified"]
    assert case["due_at"] == created + timedelta(days=30)


def test_no_subject_identified_gives_60_days(big_small_unnamed, detection, institution) -> None:
    wh, ids = big_small_unnamed
    case = open_case(wh, ids, "ana")
    assert not case["subject_identified"]
    assert case["due_at"] - case["detected_at"] == timedelta(days=60)
    xml = draft(wh, case["case_id"], "ana", detection, institution)["sar"].xml
    assert "<fc2:AllCriticalSubjectInformationUnavailableIndicator>Y<" in xml
    assert "<fc2:PartyName" in xml.split("<fc2:ActivityPartyTypeCode>33<")[0]
    assert (
        "PartyName" not in xml.split("<fc2:ActivityPartyTypeCode>33<")[1].split("</fc2:Party>")[0]
    )


def test_a_case_of_victim_alerts_only_is_refused_clearly(wh, ring) -> None:
    with pytest.raises(UserError, match="no subject") as err:
        open_case(wh, [ring["victim"]], "ana")
    assert ring["victim"] in str(err.value) and "victim" in str(err.value)
    assert wh.scalar("t", "SELECT count(*) FROM cases") == 0
    assert get_alert(wh, ring["victim"])["state"] == "new"


def test_open_refuses_unknown_finished_and_already_cased_alerts(wh, ring) -> None:
    with pytest.raises(UserError, match="AL-nope"):
        open_case(wh, ["AL-nope"], "ana")
    open_case(wh, [ring["collector"]], "ana")
    with pytest.raises(UserError, match="already in open case CASE-000001"):
        open_case(wh, [ring["collector"], ring["mule"]], "ana")
    set_state(wh, ring["mule"], "dismissed", "ana")
    with pytest.raises(UserError, match="reopen"):
        open_case(wh, [ring["mule"]], "ana")
    with pytest.raises(UserError, match="actor"):
        open_case(wh, [ring["victim"]], " ")


def test_workflow_transitions_are_enforced_and_audited(wh, ring, detection, institution) -> None:
    case_id = open_case(wh, [ring["collector"], ring["victim"]], "ana")["case_id"]
    with pytest.raises(UserError, match="only a case in review"):
        approve(wh, case_id, "bob")
    with pytest.raises(UserError, match="cannot move from draft to filed"):
        file_case(wh, case_id, "bob", BSA_ID)
    draft(wh, case_id, "ana", detection, institution)
    approve(wh, case_id, "bob", "checked against the ledger")
    with pytest.raises(UserError, match="14-digit"):
        file_case(wh, case_id, "bob", "12345")
    filed = file_case(wh, case_id, "bob", BSA_ID)
    assert filed["bsa_id"] == BSA_ID
    assert filed["next_review_at"] == filed["filed_at"] + timedelta(days=90)
    with pytest.raises(UserError, match="final"):
        close_no_file(wh, case_id, "bob", "changed my mind")
    audit = get_case(wh, case_id)["audit"]
    assert [(a["actor"], a["action"], a["to_state"]) for a in audit] == [
        ("ana", "opened", "draft"),
        ("ana", "drafted", "in_review"),
        ("bob", "approved", "approved"),
        ("bob", "filed", "filed"),
    ]
    assert all(a["at"] is not None for a in audit)
    assert "checked against the ledger" in audit[2]["note"]


def test_redrafting_withdraws_the_approval(wh, ring, detection, institution) -> None:
    case_id = open_case(wh, [ring["collector"]], "ana")["case_id"]
    draft(wh, case_id, "ana", detection, institution)
    approve(wh, case_id, "bob")
    draft(wh, case_id, "ana", detection, institution)
    case = get_case(wh, case_id)
    assert case["state"] == "in_review"
    assert [d["approved_by"] for d in case["documents"]] == ["bob", None]


def test_closing_without_filing_needs_a_reason(wh, ring) -> None:
    case_id = open_case(wh, [ring["collector"]], "ana")["case_id"]
    with pytest.raises(UserError, match="reason"):
        close_no_file(wh, case_id, "bob", "  ")
    closed = close_no_file(wh, case_id, "bob", "activity explained by KYC refresh")
    assert closed["state"] == "closed_no_file"
    assert closed["close_reason"] == "activity explained by KYC refresh"
    # A closed case frees its alerts for a new case.
    assert open_case(wh, [ring["collector"]], "ana")["case_id"] == "CASE-000002"


@pytest.fixture
def big_small_unnamed():
    from sar_synthetic import build_small_case

    from sever.warehouse import open_warehouse

    wh = open_warehouse(None, memory_limit=None)
    ids = build_small_case(wh, ["USD"], named=False)
    yield wh, ids
    wh.close()
