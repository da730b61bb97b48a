"""Housekeeping the nightly scheduler runs: entry expiry and signal-deletion propagation.

Reads block_entries and signal_tombstones; moves entries to `expired` or `removed` and
appends one block_audit row per move. Both are idempotent and run again inside every
`release.publish`, so a release never holds an expired entry or anything derived from a
deleted signal, whether or not the scheduler ran first.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sever.blocklist import store
from sever.warehouse import Warehouse

log = logging.getLogger("sever.blocklist")


def expire_entries(wh: Warehouse, now: datetime) -> int:
    """Approved or appealed entries past their expiry become `expired`; returns how many."""
    at = store.utc_naive(now)
    with wh.transaction("blocklist:expire"):
        rows = wh.records(
            "blocklist:expire_due",
            f"SELECT {store.ENTRY_COLS} FROM block_entries"
            " WHERE state IN ('approved', 'appealed') AND expires_at <= ? ORDER BY entry_id",
            [at],
        )
        for row in rows:
            note = f"expired {row['expires_at']:%Y-%m-%d %H:%M}; an analyst may renew it"
            store.move(wh, row, "expired", at, store.SYSTEM, "expired", note)
    if rows:
        log.info("block list: %d entries expired", len(rows))
    return len(rows)


def propagate_deletions(wh: Warehouse, now: datetime) -> int:
    """Remove every entry not yet final that rests on a deleted signal; returns how many.

    The whole entry goes, even when other evidence backs it: nothing derived from a
    deleted signal may stay in a release. Its id stays taken, so the same evidence does
    not propose it again; new evidence makes a new proposal.
    """
    at = store.utc_naive(now)
    with wh.transaction("blocklist:propagate_deletions"):
        rows = wh.records(
            "blocklist:tombstoned_entries",
            f"SELECT {store.ENTRY_COLS},"
            " list_intersect(signal_ids, (SELECT coalesce(list(signal_id), [])"
            "   FROM signal_tombstones)) AS deleted"
            " FROM block_entries WHERE state NOT IN ('rejected', 'removed')"
            " AND list_has_any(signal_ids, (SELECT coalesce(list(signal_id), [])"
            "   FROM signal_tombstones))"
            " ORDER BY entry_id",
        )
        for row in rows:
            note = "signal(s) deleted by their owner: " + ", ".join(sorted(row.pop("deleted")))
            store.move(wh, row, "removed", at, store.SYSTEM, "removed", note)
    if rows:
        log.info("block list: %d entries removed after signal deletions", len(rows))
    return len(rows)
