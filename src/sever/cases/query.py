"""Read cases for analysts: lists, one case in full, and the deadlines coming up.

Reads cases, case_alerts, case_subjects, case_audit, sar_documents and alerts; writes
nothing. Filters are checked against the vocabularies and passed as parameters.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any

from sever.cases import model
from sever.cases.store import get_case_row
from sever.errors import UserError
from sever.warehouse import Warehouse

LIST = """
SELECT c.case_id, c.state, c.typology, c.due_at, c.detected_at, c.opened_by, c.updated_at,
       c.prior_case_id, c.bsa_id,
       (SELECT count(*) FROM case_alerts a WHERE a.case_id = c.case_id) AS n_alerts,
       (SELECT count(*) FROM case_subjects s WHERE s.case_id = c.case_id) AS n_subjects
FROM cases c
WHERE $state IS NULL OR c.state = $state
ORDER BY c.case_id
"""

# Open cases by filing deadline; filed cases by continuing-activity review, unless a
# continuing case has already been opened on them.
DUE = """
SELECT case_id, state, typology, 'filing' AS kind, due_at AS due FROM cases
WHERE list_contains($open, state)
UNION ALL
SELECT c.case_id, c.state, c.typology, 'continuing-activity review', c.next_review_at FROM cases c
WHERE c.state = 'filed'
  AND NOT EXISTS (SELECT 1 FROM cases n WHERE n.prior_case_id = c.case_id)
ORDER BY due, case_id
"""


def list_cases(wh: Warehouse, state: str | None = None) -> list[dict[str, Any]]:
    if state is not None and state not in model.STATES:
        raise UserError(f"unknown case state {state!r}; states are: {', '.join(model.STATES)}")
    return wh.records("case:list", LIST, {"state": state})


def get_case(wh: Warehouse, case_id: str) -> dict[str, Any]:
    """The case row plus its alerts, subjects, documents (no content) and audit trail."""
    case = get_case_row(wh, case_id)
    case["alerts"] = wh.records(
        "case:get:alerts",
        "SELECT a.alert_id, a.subject_account_id, a.role, a.typology, a.severity, a.state,"
        " a.restricted, len(a.txn_ids) AS n_txns, a.total_amount_usd, a.created_at"
        " FROM case_alerts c JOIN alerts a USING (alert_id) WHERE c.case_id = ?"
        " ORDER BY a.created_at, a.alert_id",
        [case_id],
    )
    case["subjects"] = wh.records(
        "case:get:subjects",
        "SELECT s.account_id, s.role, a.kind, a.kyc_level, a.country"
        " FROM case_subjects s LEFT JOIN accounts a USING (account_id) WHERE s.case_id = ?"
        " ORDER BY s.account_id",
        [case_id],
    )
    case["documents"] = wh.records(
        "case:get:documents",
        "SELECT doc_id, version, created_at, created_by, narrative_source, include_restricted,"
        " length(narrative) AS narrative_chars, activity_from, activity_to, total_usd,"
        " fincen_sha256, goaml_xml IS NOT NULL AS has_goaml, approved_by, approved_at"
        " FROM sar_documents WHERE case_id = ? ORDER BY version",
        [case_id],
    )
    case["audit"] = wh.records(
        "case:get:audit",
        'SELECT "at", actor, action, from_state, to_state, note FROM case_audit'
        ' WHERE case_id = ? ORDER BY "at", rowid',
        [case_id],
    )
    return case


def due(
    wh: Warehouse, *, within_days: int | None = None, as_of: datetime | None = None
) -> list[dict[str, Any]]:
    """Deadlines, soonest first, with days left (negative: overdue) as of `as_of` (now)."""
    now = as_of or datetime.now(UTC).replace(tzinfo=None)
    rows = wh.records("case:due", DUE, {"open": list(model.OPEN_STATES)})
    out = []
    for r in rows:
        left = r["due"] - now
        r["days_left"] = math.floor(left / timedelta(days=1))
        r["overdue"] = left < timedelta(0)
        if within_days is None or r["days_left"] <= within_days:
            out.append(r)
    return out
