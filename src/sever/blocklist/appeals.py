"""Appeals and redress: file an appeal on an entry, uphold or deny it.

Reads and writes block_appeals and block_entries; appends to block_audit.

While an appeal is open the entry stays in force (state `appealed`): the evidence an
analyst approved still holds until another analyst decides, and releases count entries
under appeal (manifest `counts.under_appeal`, CSV column `under_appeal`).

Upheld: every live entry resting on the same evidence about the same person (same
subject, same alert or same rule) is removed, so the next release no longer holds it,
and an `allow` override is written for each of their identifiers (source 'appeal',
`override_of` the entry it overturns). Allow comes first in `spec.PRECEDENCE`, and the
same evidence is never proposed again for those identifiers. New evidence may still
lead to a candidate, which only an analyst can approve, explicitly over the override.

Denied: the entry is back to `approved`. The decider must be neither the analyst who
approved the entry nor the one who filed the appeal. Every step is audited.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sever.blocklist import store
from sever.blocklist.config import BlocklistConfig, load
from sever.errors import UserError
from sever.warehouse import Warehouse

REASON_CODE = "SEV-APPEAL-UPHELD"


def get_appeal(wh: Warehouse, appeal_id: str) -> dict[str, Any]:
    rows = wh.records(
        "blocklist:appeal", "SELECT * FROM block_appeals WHERE appeal_id = ?", [appeal_id]
    )
    if not rows:
        raise UserError(f"no appeal {appeal_id!r} in the warehouse")
    return rows[0]


def list_appeals(wh: Warehouse, state: str | None = None) -> list[dict[str, Any]]:
    return wh.records(
        "blocklist:appeals",
        "SELECT * FROM block_appeals WHERE ? IS NULL OR state = ? ORDER BY appeal_id",
        [state, state],
    )


def file_appeal(
    wh: Warehouse, entry_id: str, reason: str, filed_by: str, now: datetime
) -> dict[str, Any]:
    """Put an in-force entry under appeal; returns the appeal."""
    filed_by = store.check_actor(filed_by, f"appeal {entry_id}")
    if not (reason or "").strip():
        raise UserError(f"appeal {entry_id}: a reason is required (--reason TEXT)")
    at = store.utc_naive(now)
    with wh.transaction("blocklist:appeal"):
        entry = store.get(wh, entry_id)
        if entry["action"] == "allow" or entry["state"] != "approved":
            raise UserError(
                f"entry {entry_id} is {entry['state']} ({entry['action']}): only an approved "
                "block, review or warn entry can be appealed"
            )
        n = wh.scalar(
            "blocklist:appeal_next",
            "SELECT coalesce(max(CAST(substr(appeal_id, 4) AS INTEGER)), 0) + 1 FROM block_appeals",
        )
        appeal_id = f"AP-{n:06d}"
        wh.run(
            "blocklist:appeal_insert",
            "INSERT INTO block_appeals VALUES (?, ?, ?, ?, ?, 'open', NULL, NULL, NULL)",
            [appeal_id, entry_id, at, filed_by, reason.strip()],
        )
        store.move(
            wh, entry, "appealed", at, filed_by, "appealed", f"{appeal_id}: {reason.strip()}"
        )
    return get_appeal(wh, appeal_id)


def _family(wh: Warehouse, entry: dict[str, Any]) -> list[dict[str, Any]]:
    """Live entries on the same evidence about the same person as `entry`, itself first."""
    if entry["subject_account_id"] is None:
        return [entry]
    rows = wh.records(
        "blocklist:appeal_family",
        f"SELECT {store.ENTRY_COLS} FROM block_entries"
        " WHERE subject_account_id = ? AND action <> 'allow' AND entry_id <> ?"
        " AND state IN ('candidate', 'approved', 'appealed', 'expired')"
        " AND coalesce(alert_id, 'rule:' || split_part(rule_ref, '@', 1)) = ?"
        " ORDER BY entry_id",
        [
            entry["subject_account_id"],
            entry["entry_id"],
            entry["alert_id"] or f"rule:{(entry['rule_ref'] or '').split('@')[0]}",
        ],
    )
    return [entry, *rows]


def decide(
    wh: Warehouse,
    appeal_id: str,
    uphold: bool,
    actor: str,
    now: datetime,
    note: str | None = None,
    *,
    cfg: BlocklistConfig | None = None,
) -> dict[str, Any]:
    """Uphold or deny an open appeal; returns the appeal and, if upheld, the allow entries."""
    actor = store.check_actor(actor, f"decide {appeal_id}")
    cfg = cfg or load()
    at = store.utc_naive(now)
    with wh.transaction("blocklist:appeal_decide"):
        appeal = get_appeal(wh, appeal_id)
        if appeal["state"] != "open":
            raise UserError(f"appeal {appeal_id} is already {appeal['state']}")
        entry = store.get(wh, appeal["entry_id"])
        if actor in {entry["decided_by"], appeal["filed_by"]}:
            raise UserError(
                f"appeal {appeal_id}: {actor} approved the entry or filed the appeal; "
                "another analyst decides"
            )
        state = "upheld" if uphold else "denied"
        wh.run(
            "blocklist:appeal_decided",
            "UPDATE block_appeals SET state = ?, decided_by = ?, decided_at = ?,"
            " decision_note = ? WHERE appeal_id = ?",
            [state, actor, at, note, appeal_id],
        )
        text = f"{appeal_id} {state}" + (f": {note}" if note else "")
        allows: list[str] = []
        if not uphold:
            if entry["state"] == "appealed":
                store.move(wh, entry, "approved", at, actor, "appeal_denied", text)
            else:  # expired or removed meanwhile: the decision is still recorded
                store.audit(
                    wh,
                    entry["entry_id"],
                    at,
                    actor,
                    "appeal_denied",
                    entry["state"],
                    entry["state"],
                    text,
                )
        else:
            allows = _uphold(wh, appeal_id, entry, actor, at, text, cfg)
    return {**get_appeal(wh, appeal_id), "allow_entries": allows}


def _uphold(
    wh: Warehouse,
    appeal_id: str,
    entry: dict[str, Any],
    actor: str,
    at: datetime,
    text: str,
    cfg: BlocklistConfig,
) -> list[str]:
    family = _family(wh, entry)
    for i, e in enumerate(family):
        if e["state"] != "removed":
            action = "appeal_upheld" if i == 0 else "removed"
            store.move(wh, e, "removed", at, actor, action, text, appeal=appeal_id)
    overturned: dict[tuple[str, str], str] = {}
    for e in family:
        overturned.setdefault((e["id_type"], e["value_norm"]), e["entry_id"])
    expires = at + timedelta(days=cfg.allow_expiry_days)
    allows = []
    for (id_type, value_norm), override_of in overturned.items():
        allow_id = store.entry_id(id_type, value_norm, "allow", f"appeal:{appeal_id}")
        wh.run(
            "blocklist:allow_insert",
            "INSERT INTO block_entries VALUES (?, ?, ?, 'allow', 'either', ?, ?, 'appeal', ?,"
            " NULL, NULL, [], ?, 'approved', false, ?, ?, ?, ?, ?, ?)",
            [
                allow_id,
                id_type,
                value_norm,
                REASON_CODE,
                f"appeal {appeal_id} upheld by {actor}: overrides {override_of}",
                entry["subject_account_id"],
                override_of,
                at,
                actor,
                at,
                expires,
                at,
                appeal_id,
            ],
        )
        store.audit(
            wh,
            allow_id,
            at,
            actor,
            "appeal_upheld",
            None,
            "approved",
            f"allow override for {appeal_id}, overturning {override_of}",
            appeal_id,
        )
        allows.append(allow_id)
    return allows
