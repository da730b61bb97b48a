"""Analyst decisions on entries: approve, reject, renew; and rules approved for automatic action.

Reads and updates block_entries, appends to block_audit; reads rule_versions and writes
block_rule_auto. Every decision names its actor (never 'system') and is audited.

A rule approved for automatic action: an analyst who is neither the rule's owner nor
its publisher approves one published `block_candidate` id@version (whose content is
frozen by its hash); from then on its live hits enter as approved entries
(`auto_approved`), each audited with the approver's name. A new version needs a new
approval; `revoke` stops it.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from sever.blocklist import guards, store
from sever.blocklist.config import BlocklistConfig, load
from sever.errors import UserError
from sever.rules import governance
from sever.warehouse import Warehouse


def _allow_overrides(wh: Warehouse, entry: dict[str, Any], at: datetime) -> list[dict[str, Any]]:
    return wh.records(
        "blocklist:allow_overrides",
        f"SELECT {store.ENTRY_COLS} FROM block_entries WHERE action = 'allow'"
        " AND state IN ('approved', 'appealed') AND expires_at > ? AND id_type = ?"
        " AND value_norm = ? ORDER BY entry_id",
        [at, entry["id_type"], entry["value_norm"]],
    )


def approve(
    wh: Warehouse,
    entry_id: str,
    actor: str,
    now: datetime,
    note: str | None = None,
    *,
    override_allow: bool = False,
    cfg: BlocklistConfig | None = None,
) -> dict[str, Any]:
    """Approve a candidate: it is in force from the next release until it expires.

    An identifier under an allow override (an upheld appeal) is approved only with
    `override_allow`, which removes that override (audited): new evidence, decided by
    an analyst, may block a person an earlier appeal cleared; the old evidence may not.
    """
    actor = store.check_actor(actor, f"approve {entry_id}")
    cfg = cfg or load()
    at = store.utc_naive(now)
    with wh.transaction("blocklist:approve"):
        entry = store.get(wh, entry_id)
        if entry["action"] == "allow":
            raise UserError(f"entry {entry_id} is an allow override: appeals write those")
        if guards.is_protected(
            wh, entry["id_type"], entry["value_norm"], entry["subject_account_id"]
        ):
            raise UserError(
                f"entry {entry_id} is on a victim's or minor_perpetrator-linked identifier "
                "or account: it can never be approved (reject it)"
            )
        overrides = _allow_overrides(wh, entry, at)
        if overrides and not override_allow:
            ids = ", ".join(o["entry_id"] for o in overrides)
            raise UserError(
                f"entry {entry_id}: its identifier is under allow override {ids} from an "
                "upheld appeal; approve with --override-allow only if this is new evidence"
            )
        expires = at + timedelta(days=cfg.expiry_days)
        store.move(
            wh,
            entry,
            "approved",
            at,
            actor,
            "approved",
            note,
            decided_by=actor,
            decided_at=at,
            expires_at=expires,
        )
        for o in overrides:
            why = f"superseded: new evidence, entry {entry_id} approved by {actor}"
            store.move(wh, o, "removed", at, actor, "removed", why)
    return store.get(wh, entry_id)


def reject(
    wh: Warehouse, entry_id: str, actor: str, now: datetime, note: str | None = None
) -> dict[str, Any]:
    """Reject a candidate; it is never proposed again from the same evidence."""
    actor = store.check_actor(actor, f"reject {entry_id}")
    at = store.utc_naive(now)
    with wh.transaction("blocklist:reject"):
        entry = store.get(wh, entry_id)
        store.move(
            wh, entry, "rejected", at, actor, "rejected", note, decided_by=actor, decided_at=at
        )
    return store.get(wh, entry_id)


def renew(
    wh: Warehouse,
    entry_id: str,
    actor: str,
    now: datetime,
    days: int | None = None,
    note: str | None = None,
    *,
    cfg: BlocklistConfig | None = None,
) -> dict[str, Any]:
    """Keep an entry in force for `days` from now (default: the configured expiry).

    An expired entry comes back as approved; an appealed one stays under appeal.
    """
    actor = store.check_actor(actor, f"renew {entry_id}")
    cfg = cfg or load()
    if days is not None and days < 1:
        raise UserError(f"renew {entry_id}: --days must be at least 1, got {days}")
    at = store.utc_naive(now)
    with wh.transaction("blocklist:renew"):
        entry = store.get(wh, entry_id)
        if entry["state"] not in ("approved", "appealed", "expired"):
            raise UserError(
                f"entry {entry_id} is {entry['state']}: only approved, appealed or expired "
                "entries can be renewed"
            )
        if guards.is_protected(
            wh, entry["id_type"], entry["value_norm"], entry["subject_account_id"]
        ):
            raise UserError(f"entry {entry_id} is on a protected identifier: it cannot be renewed")
        default = cfg.allow_expiry_days if entry["action"] == "allow" else cfg.expiry_days
        expires = at + timedelta(days=days or default)
        text = f"in force until {expires:%Y-%m-%d}" + (f"; {note}" if note else "")
        if entry["state"] == "expired":
            store.move(wh, entry, "approved", at, actor, "renewed", text, expires_at=expires)
        else:
            wh.run(
                "blocklist:renew",
                "UPDATE block_entries SET expires_at = ?, updated_at = ? WHERE entry_id = ?",
                [expires, at, entry_id],
            )
            store.audit(wh, entry_id, at, actor, "renewed", entry["state"], entry["state"], text)
    return store.get(wh, entry_id)


def _split_ref(ref: str) -> tuple[str, int]:
    rule_id, _, version = ref.partition("@")
    if not version.isdigit():
        raise UserError(f"give a rule version as ID@VERSION, e.g. {rule_id}@1; got {ref!r}")
    return rule_id, int(version)


def approve_rule(wh: Warehouse, ref: str, by: str, now: datetime, note: str | None = None) -> str:
    """Approve rule version `ref` ('id@version') for automatic block-list action."""
    by = store.check_actor(by, f"auto-approve {ref}")
    rule_id, version = _split_ref(ref)
    row = governance.stored(wh, rule_id, version)
    if row is None or row["state"] != "published":
        raise UserError(f"{ref} is not published: `sever rules publish {rule_id} --by NAME` first")
    body = json.loads(row["body"])
    if body.get("action") != "block_candidate":
        raise UserError(f"{ref} has action {body.get('action')!r}: only block_candidate rules act")
    if by in {body.get("owner"), row["published_by"]}:
        raise UserError(f"maker != checker: {by} is the owner or publisher of {ref}")
    current = wh.records(
        "blocklist:rule_auto",
        "SELECT approved_by, revoked_at FROM block_rule_auto WHERE rule_id = ? AND version = ?",
        [rule_id, version],
    )
    if current and current[0]["revoked_at"] is None:
        return f"{ref} is already approved for automatic action by {current[0]['approved_by']}"
    wh.run(
        "blocklist:rule_auto_approve",
        "INSERT OR REPLACE INTO block_rule_auto VALUES (?, ?, ?, ?, ?, NULL, NULL)",
        [rule_id, version, by, store.utc_naive(now), note],
    )
    return f"{ref} approved for automatic block-list action by {by}: live hits add approved entries"


def revoke_rule(wh: Warehouse, ref: str, by: str, now: datetime) -> str:
    by = store.check_actor(by, f"revoke {ref}")
    rule_id, version = _split_ref(ref)
    n = wh.scalar(
        "blocklist:rule_auto_revoke",
        "UPDATE block_rule_auto SET revoked_by = ?, revoked_at = ?"
        " WHERE rule_id = ? AND version = ? AND revoked_at IS NULL RETURNING 1",
        [by, store.utc_naive(now), rule_id, version],
    )
    if not n:
        raise UserError(f"{ref} is not approved for automatic action")
    return f"{ref}: automatic action revoked by {by}; its hits are candidates again"
