"""Open, read and move cases; every move is audited with who and when.

Reads alerts (through the alerts lifecycle, which it uses to escalate a case's alerts),
accounts, cases, case_alerts, case_subjects, case_audit and sar_documents; writes cases,
case_alerts, case_subjects, case_audit and the approval of sar_documents.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sever.alerts.lifecycle import FINISHED_STATES, set_state
from sever.cases import model
from sever.errors import UserError
from sever.warehouse import Warehouse

ROLE_ORDER = model.SUBJECT_ROLES
MOVE_FIELDS = ("filed_at", "bsa_id", "close_reason", "next_review_at")  # what a move may set


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def check_actor(actor: str | None) -> str:
    actor = (actor or "").strip()
    if not actor:
        raise UserError("an actor is required (--actor or SEVER_ACTOR): every step is audited")
    if actor.lower() == "system":
        raise UserError("actor 'system' is reserved for the engine")
    return actor


def audit(
    wh: Warehouse,
    case_id: str,
    actor: str,
    action: str,
    frm: str | None,
    to: str | None,
    note: str | None,
    at: datetime,
) -> None:
    """Append one row to the case's audit trail."""
    wh.run(
        "case:audit",
        'INSERT INTO case_audit (case_id, "at", actor, action, from_state, to_state, note)'
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [case_id, at, actor, action, frm, to, note],
    )


def _alerts(wh: Warehouse, alert_ids: list[str]) -> list[dict[str, Any]]:
    rows = wh.records(
        "case:open:alerts",
        "SELECT a.alert_id, a.subject_account_id, a.role, a.typology, a.state, a.created_at,"
        " (SELECT min(c.case_id) FROM case_alerts ca JOIN cases c USING (case_id)"
        "  WHERE ca.alert_id = a.alert_id AND list_contains($open, c.state)) AS open_case"
        " FROM alerts a WHERE list_contains($ids, a.alert_id) ORDER BY a.created_at, a.alert_id",
        {"ids": alert_ids, "open": list(model.OPEN_STATES)},
    )
    missing = sorted(set(alert_ids) - {r["alert_id"] for r in rows})
    if missing:
        raise UserError(f"no such alert(s) in the warehouse: {', '.join(missing)}")
    problems = [
        f"{r['alert_id']} is {r['state']} (reopen it first: sever alert set-state ... --reopen)"
        for r in rows
        if r["state"] in FINISHED_STATES
    ]
    problems += [
        f"{r['alert_id']} is already in open case {r['open_case']}" for r in rows if r["open_case"]
    ]
    if problems:
        raise UserError("cannot open a case: " + "; ".join(problems))
    return rows


def _subjects(alerts: list[dict[str, Any]]) -> dict[str, str]:
    roles: dict[str, str] = {}
    for a in alerts:
        if a["role"] == "victim":
            continue
        role = a["role"] if a["role"] in ROLE_ORDER else "other"
        old = roles.get(a["subject_account_id"])
        if old is None or ROLE_ORDER.index(role) < ROLE_ORDER.index(old):
            roles[a["subject_account_id"]] = role
    if not roles:
        victims = ", ".join(a["alert_id"] for a in alerts)
        raise UserError(
            f"cannot open a case with no subject: alert(s) {victims} are victim alerts, and "
            "a victim is never a SAR subject. Add the alert of a collector, mule or consumer."
        )
    return roles


def get_case_row(wh: Warehouse, case_id: str) -> dict[str, Any]:
    rows = wh.records("case:get", "SELECT * FROM cases WHERE case_id = ?", [case_id])
    if not rows:
        raise UserError(f"no case {case_id!r} in the warehouse")
    return rows[0]


def open_case(
    wh: Warehouse, alert_ids: list[str], actor: str, *, continues: str | None = None
) -> dict[str, Any]:
    """Escalate the alerts and open a draft case on them; return the case row.

    With `continues`, the case is a continuing-activity report on a filed case: it
    references that case's BSA id, is due 120 days after it was filed, and without
    alert ids reuses that case's alerts.
    """
    actor = check_actor(actor)
    prior = None
    if continues:
        prior = get_case_row(wh, continues)
        if prior["state"] != "filed":
            raise UserError(
                f"case {continues} is {prior['state']}: only a filed case (with a BSA id) "
                "can be continued"
            )
        if not alert_ids:
            alert_ids = [
                a
                for (a,) in wh.rows(
                    "case:open:prior_alerts",
                    "SELECT alert_id FROM case_alerts WHERE case_id = ? ORDER BY alert_id",
                    [continues],
                )
            ]
    alert_ids = list(dict.fromkeys(alert_ids))
    if not alert_ids:
        raise UserError("give at least one alert id to open a case")
    alerts = _alerts(wh, alert_ids)
    subjects = _subjects(alerts)
    identified = bool(
        wh.scalar(
            "case:open:identified",
            "SELECT count(*) FROM accounts WHERE list_contains(?, account_id)"
            " AND (display_name IS NOT NULL OR birth_date IS NOT NULL)",
            [list(subjects)],
        )
    )
    typologies = sorted({a["typology"] for a in alerts})
    detected = min(a["created_at"] for a in alerts)
    due = (
        model.continuing_due(prior["filed_at"]) if prior else model.filing_due(detected, identified)
    )
    seq = wh.scalar(
        "case:open:seq",
        "SELECT coalesce(max(CAST(substr(case_id, 6) AS INTEGER)), 0) + 1 FROM cases",
    )
    case_id = f"CASE-{seq:06d}"
    # Escalate first (each move is its own audited transaction in the alerts lifecycle);
    # everything that could refuse the case has been checked above.
    for a in alerts:
        path = {"new": ["in_review", "escalated"], "in_review": ["escalated"]}
        for state in path.get(a["state"], []):
            set_state(wh, a["alert_id"], state, actor, f"escalated into {case_id}")
    now = _now()
    with wh.transaction("case:open"):
        wh.run(
            "case:open:insert",
            "INSERT INTO cases (case_id, state, typology, typologies, detected_at,"
            " subject_identified, due_at, prior_case_id, prior_document_number, opened_by,"
            " opened_at, updated_at) VALUES (?, 'draft', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [case_id, model.main_typology(typologies), typologies, detected, identified, due,
             continues, prior["bsa_id"] if prior else None, actor, now, now],
        )  # fmt: skip
        for a in alerts:
            wh.run(
                "case:open:alert",
                "INSERT INTO case_alerts VALUES (?, ?, ?)",
                [case_id, a["alert_id"], a["role"]],
            )
        for account, role in subjects.items():
            wh.run(
                "case:open:subject",
                "INSERT INTO case_subjects VALUES (?, ?, ?)",
                [case_id, account, role],
            )
        note = f"{len(alerts)} alert(s), {len(subjects)} subject(s)"
        if continues:
            note += f"; continues {continues} (BSA id {prior['bsa_id']})"
        audit(wh, case_id, actor, "opened", None, "draft", note, now)
    return get_case_row(wh, case_id)


def move(
    wh: Warehouse,
    case_id: str,
    to_state: str,
    actor: str,
    action: str,
    note: str | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """Move a case to `to_state` (checked against the workflow), set `fields`, audit it."""
    actor = check_actor(actor)
    unknown = set(fields) - set(MOVE_FIELDS)
    if unknown:
        raise ValueError(f"a case move cannot set {sorted(unknown)}")
    now = _now()
    with wh.transaction(f"case:{action}"):
        case = get_case_row(wh, case_id)
        frm = case["state"]
        if not model.allowed(frm, to_state):
            moves = ", ".join(model.TRANSITIONS.get(frm, ())) or "none (final)"
            raise UserError(
                f"case {case_id} cannot move from {frm} to {to_state}. Allowed from {frm}: {moves}."
            )
        sets = ", ".join(f"{k} = ?" for k in fields)
        wh.run(
            f"case:{action}:update",
            f"UPDATE cases SET state = ?, updated_at = ?{', ' + sets if sets else ''}"
            " WHERE case_id = ?",
            [to_state, now, *fields.values(), case_id],
        )
        audit(wh, case_id, actor, action, frm, to_state, note, now)
    return get_case_row(wh, case_id)
