"""Block entries in the warehouse: ids, states, reading one entry, and the audit trail.

Reads block_entries; appends to block_audit. Every state change anywhere in the package
goes through `move`, which checks the move and writes its audit row in the same step.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from sever.errors import UserError
from sever.warehouse import Warehouse

SYSTEM = "system"  # the engine's own audit rows; analysts cannot act as it

# candidate -> approved/rejected by an analyst (or approved by an auto-action rule);
# approved <-> appealed; approved/appealed -> expired by time, expired -> approved by a
# renewal; anything not final -> removed (deleted signal, upheld appeal, superseded).
STATES = ("candidate", "approved", "rejected", "appealed", "removed", "expired")
IN_FORCE = ("approved", "appealed")  # what a release compiles (when unexpired)
FINAL = ("rejected", "removed")
MOVES: dict[str, tuple[str, ...]] = {
    "candidate": ("approved", "rejected", "removed"),
    "approved": ("appealed", "expired", "removed"),
    "appealed": ("approved", "expired", "removed"),
    "expired": ("approved", "removed"),
    "rejected": (),
    "removed": (),
}

ENTRY_COLS = (
    "entry_id, id_type, value_norm, action, applies_to, reason_code, reason, source,"
    " subject_account_id, alert_id, rule_ref, signal_ids, override_of, state, auto_approved,"
    " proposed_at, decided_by, decided_at, expires_at, updated_at, appeal_id"
)


def utc_naive(at: datetime) -> datetime:
    """Warehouse timestamps are naive UTC; accept aware or naive input."""
    return at.astimezone(UTC).replace(tzinfo=None) if at.tzinfo else at


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def entry_id(id_type: str, value_norm: str, action: str, source_ref: str) -> str:
    """'BE-' + 16 hex of sha256(id_type|value_norm|action|source ref); SQL twin in proposals.sql."""
    text = f"{id_type}|{value_norm}|{action}|{source_ref}"
    return "BE-" + hashlib.sha256(text.encode()).hexdigest()[:16]


def check_actor(actor: str | None, what: str) -> str:
    actor = (actor or "").strip()
    if not actor:
        raise UserError(f"{what}: an actor is required (--actor or $SEVER_ACTOR)")
    if actor.lower() == SYSTEM:
        raise UserError(f"{what}: actor {SYSTEM!r} is reserved for the engine")
    return actor


def get(wh: Warehouse, entry_id_: str) -> dict[str, Any]:
    rows = wh.records(
        "blocklist:entry", f"SELECT {ENTRY_COLS} FROM block_entries WHERE entry_id = ?", [entry_id_]
    )
    if not rows:
        raise UserError(f"no block-list entry {entry_id_!r} in the warehouse")
    return rows[0]


def audit(
    wh: Warehouse,
    entry: str,
    at: datetime,
    actor: str,
    action: str,
    from_state: str | None,
    to_state: str | None,
    note: str | None = None,
    appeal: str | None = None,
) -> None:
    """Append one step; `appeal` names the appeal that caused it, if one did."""
    wh.run(
        "blocklist:audit",
        'INSERT INTO block_audit (entry_id, "at", actor, action, from_state, to_state, note,'
        " appeal_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [entry, at, actor, action, from_state, to_state, note, appeal],
    )


def move(
    wh: Warehouse,
    entry: dict[str, Any],
    to_state: str,
    at: datetime,
    actor: str,
    action: str,
    note: str | None = None,
    appeal: str | None = None,
    **sets: Any,
) -> None:
    """Move one entry (as read) to `to_state`, set extra columns, and audit it."""
    from_state = entry["state"]
    if to_state not in MOVES.get(from_state, ()):
        allowed = ", ".join(MOVES.get(from_state, ())) or "none (final)"
        raise UserError(
            f"entry {entry['entry_id']} is {from_state}: it cannot become {to_state}"
            f" (allowed: {allowed})"
        )
    cols = {"state": to_state, "updated_at": at, **sets}
    assignments = ", ".join(f"{c} = ?" for c in cols)
    wh.run(
        "blocklist:move",
        f"UPDATE block_entries SET {assignments} WHERE entry_id = ? AND state = ?",
        [*cols.values(), entry["entry_id"], from_state],
    )
    audit(wh, entry["entry_id"], at, actor, action, from_state, to_state, note, appeal)


def list_entries(
    wh: Warehouse, state: str | None = None, limit: int | None = None
) -> list[dict[str, Any]]:
    if state is not None and state not in STATES:
        raise UserError(f"unknown entry state {state!r}; states are: {', '.join(STATES)}")
    sql = f"SELECT {ENTRY_COLS} FROM block_entries"
    params: list[Any] = []
    if state:
        sql += " WHERE state = ?"
        params.append(state)
    sql += " ORDER BY proposed_at, entry_id"
    if limit:
        sql += " LIMIT ?"
        params.append(limit)
    return wh.records("blocklist:list", sql, params)


def history(wh: Warehouse, entry_id_: str) -> list[dict[str, Any]]:
    return wh.records(
        "blocklist:history",
        'SELECT "at", actor, action, from_state, to_state, note FROM block_audit'
        ' WHERE entry_id = ? ORDER BY "at", rowid',
        [entry_id_],
    )
