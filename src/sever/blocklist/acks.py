"""Which payment system runs which release: acknowledgements and the status view.

Reads block_releases; writes block_acks (one row per report: the CLI here, the HTTP
service's `POST /v1/ack` likewise). `status` lists, per client and recipient, the latest
release it reported loading next to the latest release published for that recipient.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sever.blocklist import store
from sever.errors import UserError
from sever.warehouse import Warehouse


def ack(
    wh: Warehouse,
    client: str,
    recipient: str,
    release_no: int,
    now: datetime,
    loaded_at: datetime | None = None,
    via: str = "cli",
) -> dict[str, Any]:
    """Record that `client` loaded release `release_no` for `recipient`."""
    client = (client or "").strip()
    if not client:
        raise UserError("ack: a client name is required (--client NAME)")
    published = wh.scalar(
        "blocklist:ack_release",
        "SELECT count(*) FROM block_releases WHERE release_no = ? AND recipient = ?",
        [release_no, recipient],
    )
    if not published:
        raise UserError(f"ack: release R{release_no:06d} was never published for {recipient!r}")
    at = store.utc_naive(now)
    loaded = store.utc_naive(loaded_at) if loaded_at else at
    if loaded > at:
        raise UserError(f"ack: loaded_at {loaded:%Y-%m-%d %H:%M} is in the future")
    wh.run(
        "blocklist:ack",
        "INSERT INTO block_acks VALUES (?, ?, ?, ?, ?, ?)",
        [client, recipient, release_no, loaded, at, via],
    )
    return {
        "client_id": client,
        "recipient": recipient,
        "release_no": release_no,
        "loaded_at": loaded,
        "reported_at": at,
        "via": via,
    }


def status(wh: Warehouse) -> list[dict[str, Any]]:
    """Per client and recipient: the release it runs, the latest one, and how far behind."""
    return wh.records(
        "blocklist:status",
        """
        WITH latest AS (
            SELECT recipient, max(release_no) AS latest_no FROM block_releases GROUP BY recipient
        ),
        running AS (
            SELECT client_id, recipient, arg_max(release_no, reported_at) AS release_no,
                   arg_max(loaded_at, reported_at) AS loaded_at, max(reported_at) AS reported_at,
                   arg_max(via, reported_at) AS via
            FROM block_acks GROUP BY client_id, recipient
        )
        SELECT r.client_id, coalesce(r.recipient, l.recipient) AS recipient, r.release_no,
               l.latest_no, r.loaded_at, r.reported_at, r.via,
               CASE WHEN r.release_no IS NULL THEN NULL
                    ELSE l.latest_no - r.release_no END AS behind
        FROM latest l FULL JOIN running r USING (recipient)
        ORDER BY recipient, r.client_id NULLS LAST
        """,
    )
