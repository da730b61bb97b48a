"""The analyst's decisions on a case: approve the draft, record the filing, or close it.

Reads cases and sar_documents; writes cases, case_audit and the approval columns of
sar_documents. Drafting itself (draft -> in_review) is `sever.sar.documents.draft`.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from sever.cases import model
from sever.cases.store import check_actor, get_case_row, move
from sever.errors import UserError
from sever.warehouse import Warehouse


def latest_document(wh: Warehouse, case_id: str) -> dict[str, Any] | None:
    rows = wh.records(
        "case:latest_document",
        "SELECT doc_id, version, created_at, created_by, include_restricted, narrative_source,"
        " fincen_sha256, activity_from, activity_to, total_usd, approved_by, approved_at"
        " FROM sar_documents WHERE case_id = ? ORDER BY version DESC LIMIT 1",
        [case_id],
    )
    return rows[0] if rows else None


def approve(wh: Warehouse, case_id: str, actor: str, note: str | None = None) -> dict[str, Any]:
    """Approve the latest draft of a case in review: it becomes what will be filed."""
    actor = check_actor(actor)
    case = get_case_row(wh, case_id)
    doc = latest_document(wh, case_id)
    if case["state"] != "in_review" or doc is None:
        raise UserError(
            f"case {case_id} is {case['state']}: only a case in review with a draft can be "
            f"approved (draft one with: sever sar draft {case_id})"
        )
    at = datetime.now(UTC).replace(tzinfo=None)
    wh.run(
        "case:approve:document",
        "UPDATE sar_documents SET approved_by = ?, approved_at = ? WHERE doc_id = ?",
        [actor, at, doc["doc_id"]],
    )
    detail = f"{doc['doc_id']} (FinCEN XML sha256 {doc['fincen_sha256'][:16]})"
    return move(wh, case_id, "approved", actor, "approved", f"{detail}: {note}" if note else detail)


def file_case(wh: Warehouse, case_id: str, actor: str, bsa_id: str) -> dict[str, Any]:
    """Record that the approved report was filed, with FinCEN's 14-digit BSA id."""
    bsa_id = (bsa_id or "").strip()
    if not re.fullmatch(rf"\d{{{model.BSA_ID_DIGITS}}}", bsa_id):
        raise UserError(
            f"BSA id must be the {model.BSA_ID_DIGITS}-digit number from FinCEN's "
            f"acknowledgement, got {bsa_id!r}"
        )
    at = datetime.now(UTC).replace(tzinfo=None)
    return move(
        wh,
        case_id,
        "filed",
        actor,
        "filed",
        f"BSA id {bsa_id}",
        filed_at=at,
        bsa_id=bsa_id,
        next_review_at=model.review_due(at),
    )


def close_no_file(wh: Warehouse, case_id: str, actor: str, reason: str) -> dict[str, Any]:
    """Close a case without filing; the reason is required and audited."""
    reason = (reason or "").strip()
    if not reason:
        raise UserError(f"closing case {case_id} without filing needs a reason (--reason)")
    return move(wh, case_id, "closed_no_file", actor, "closed_no_file", reason, close_reason=reason)
