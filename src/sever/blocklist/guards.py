"""The protection guard: victims and minor_perpetrator material never enter a block list.

Reads alerts, account_scores, signal_hits, signals and account_identifiers (through the
temporary views of `sql/guards.sql`); writes block_entries / block_audit only in
`remove_protected`, which proposals, approvals and every release run, so an account
found to be a victim after its entry was proposed never reaches a release.
"""

from __future__ import annotations

from datetime import datetime

from sever.blocklist import store
from sever.blocklist.sql import statements
from sever.warehouse import Warehouse


def prepare(wh: Warehouse) -> None:
    """(Re)create the `_bl_protected_accounts` and `_bl_protected` views."""
    sql = statements("guards.sql")
    wh.run("blocklist:protected", sql["protected"])
    wh.run("blocklist:protected_values", sql["protected_values"])


def is_protected(wh: Warehouse, id_type: str, value_norm: str, subject: str | None) -> bool:
    prepare(wh)
    return bool(
        wh.scalar(
            "blocklist:is_protected",
            "SELECT EXISTS (SELECT 1 FROM _bl_protected WHERE id_type = ? AND value_norm = ?)"
            " OR EXISTS (SELECT 1 FROM _bl_protected_accounts WHERE account_id = ?)",
            [id_type, value_norm, subject],
        )
    )


def remove_protected(wh: Warehouse, at: datetime) -> int:
    """Remove every live entry whose value or subject is protected now; audited."""
    prepare(wh)
    ids = [
        r
        for (r,) in wh.rows(
            "blocklist:protected_entries", statements("guards.sql")["protected_entries"]
        )
    ]
    for entry_id in ids:
        store.move(
            wh,
            store.get(wh, entry_id),
            "removed",
            at,
            store.SYSTEM,
            "removed",
            "protected: a victim's or minor_perpetrator-linked identifier",
        )
    return len(ids)
