"""Alert lifecycle: the states, the moves an analyst may make, and the audit trail.

Reads and updates `alerts.state`; appends to `alert_audit` (who, when, from, to, note).
Every move is checked against `TRANSITIONS`; leaving a finished state (dismissed,
closed) is only possible as an explicit reopen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sever.errors import UserError
from sever.warehouse import Warehouse

STATES = ("new", "in_review", "escalated", "dismissed", "closed")
OPEN_STATES = ("new", "in_review", "escalated")
FINISHED_STATES = ("dismissed", "closed")

# Ordinary moves. Reopening (a finished state back to in_review) is kept apart so it
# can never happen by accident: it needs `reopen=True`.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "new": ("in_review", "dismissed"),
    "in_review": ("escalated", "dismissed", "closed"),
    "escalated": ("closed",),
    "dismissed": (),
    "closed": (),
}
REOPEN_TO = "in_review"
SYSTEM_ACTOR = "system"  # the engine's own audit rows; analysts cannot act as it


@dataclass(frozen=True)
class Transition:
    alert_id: str
    from_state: str
    to_state: str
    actor: str
    at: datetime
    action: str  # state_changed or reopened


def allowed_moves(state: str) -> list[str]:
    """Human-readable moves from `state`, reopen included, for error messages and help."""
    moves = list(TRANSITIONS.get(state, ()))
    if state in FINISHED_STATES:
        moves.append(f"{REOPEN_TO} (with reopen)")
    return moves


def _check(alert_id: str, from_state: str, to_state: str, reopen: bool) -> str:
    """Return the audit action for a legal move; raise `UserError` for any other."""
    if to_state in TRANSITIONS.get(from_state, ()) and not reopen:
        return "state_changed"
    if reopen and from_state in FINISHED_STATES and to_state == REOPEN_TO:
        return "reopened"
    moves = ", ".join(allowed_moves(from_state)) or "none"
    if reopen and from_state not in FINISHED_STATES:
        why = f"only a dismissed or closed alert can be reopened; alert {alert_id} is {from_state}"
    else:
        why = f"alert {alert_id} cannot move from {from_state} to {to_state}"
    raise UserError(f"{why}. Allowed from {from_state}: {moves}.")


def set_state(
    wh: Warehouse,
    alert_id: str,
    to_state: str,
    actor: str,
    note: str | None = None,
    *,
    reopen: bool = False,
) -> Transition:
    """Move an alert to `to_state` on behalf of `actor` and record it in `alert_audit`.

    Raises `UserError` (and writes nothing) for an unknown alert or state, a missing
    actor, an illegal move, or a reopen while another open alert covers the same
    subject and typology (there is at most one open alert per subject and typology).
    """
    actor = (actor or "").strip()
    if not actor:
        raise UserError(f"alert {alert_id}: an actor is required to change its state")
    if actor.lower() == SYSTEM_ACTOR:
        raise UserError(f"alert {alert_id}: actor {SYSTEM_ACTOR!r} is reserved for the engine")
    if to_state not in STATES:
        raise UserError(f"unknown alert state {to_state!r}; states are: {', '.join(STATES)}")
    at = datetime.now(UTC).replace(tzinfo=None)
    with wh.transaction("alerts:set_state"):
        row = wh.rows(
            "alerts:set_state:read",
            "SELECT state, subject_account_id, typology, role = 'victim' FROM alerts"
            " WHERE alert_id = ?",
            [alert_id],
        )
        if not row:
            raise UserError(f"no alert {alert_id!r} in the warehouse")
        from_state, subject, typology, is_victim = row[0]
        action = _check(alert_id, from_state, to_state, reopen)
        if action == "reopened":
            other = wh.scalar(
                "alerts:set_state:open_sibling",
                "SELECT min(alert_id) FROM alerts WHERE subject_account_id = ? AND typology = ?"
                " AND (role = 'victim') = ? AND list_contains(?, state) AND alert_id <> ?",
                [subject, typology, is_victim, list(OPEN_STATES), alert_id],
            )
            if other:
                raise UserError(
                    f"alert {alert_id} cannot be reopened: alert {other} is already open for"
                    " the same subject and typology; work on that one instead."
                )
        wh.run(
            "alerts:set_state:update",
            "UPDATE alerts SET state = ?, updated_at = ? WHERE alert_id = ? AND state = ?",
            [to_state, at, alert_id, from_state],
        )
        wh.run(
            "alerts:set_state:audit",
            'INSERT INTO alert_audit (alert_id, "at", actor, action, from_state, to_state, note)'
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [alert_id, at, actor, action, from_state, to_state, note or None],
        )
    return Transition(alert_id, from_state, to_state, actor, at, action)
