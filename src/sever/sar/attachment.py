"""The SAR's transaction attachment: one CSV of at most 1 MB, as FinCEN requires.

Reads a case's `Evidence`; returns the CSV text (the caller stores or writes it). Payers
appear by pseudonym, with no device or IP. When every transaction does not fit, the
most relevant rows are kept (money moved by subjects onward and abroad, then payers'
payments, larger amounts first), listed in time order; the narrative says how many of
how many, and the evidence pack carries the complete list beside it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from sever.cases.evidence_model import Evidence, Txn

MAX_BYTES = 1_000_000
COLUMNS = (
    "txn_id",
    "timestamp_utc",
    "sender",
    "sender_role",
    "receiver",
    "receiver_role",
    "amount",
    "currency",
    "amount_usd",
    "channel",
    "status",
    "sender_country",
    "receiver_country",
    "pleading_memo",
    "memo",
    "ip",
    "device_id",
)


@dataclass(frozen=True)
class Csv:
    name: str
    text: str
    rows: int
    total: int

    @property
    def truncated(self) -> bool:
        return self.rows < self.total


def file_name(case_id: str) -> str:
    return f"{case_id}_transactions.csv"


def _line(values: list[object]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(["" if v is None else v for v in values])
    return buf.getvalue()


def _row(t: Txn) -> str:
    return _line(
        [
            t.txn_id,
            t.ts.strftime("%Y-%m-%dT%H:%M:%SZ"),
            t.sender_label,
            t.sender_role,
            t.receiver_label,
            t.receiver_role,
            f"{t.amount:.2f}",
            t.currency,
            None if t.amount_usd is None else f"{t.amount_usd:.2f}",
            t.channel,
            t.status,
            t.sender_country,
            t.receiver_country,
            "yes" if t.pleading else "",
            t.memo,
            t.ip,
            t.device_id,
        ]
    )


def _relevance(t: Txn, ev: Evidence) -> tuple:
    subjects = {s.account_id for s in ev.subjects}
    onward = t.sender_id in subjects
    abroad = onward and t.receiver_country in ev.jurisdictions_of_concern
    rank = 0 if abroad else 1 if onward and t.receiver_id in subjects else 2 if onward else 3
    rank = 2 if t.sender_role == "payer" and rank == 3 else rank
    return (rank, not t.completed, -(t.amount_usd or 0), t.ts, t.txn_id)


def build(ev: Evidence, max_bytes: int | None = None, *, full: bool = False) -> Csv:
    """All evidence transactions (`full`), or the most relevant that fit in `max_bytes`
    (default `MAX_BYTES`, UTF-8)."""
    header = _line(list(COLUMNS))
    lines = {t.txn_id: _row(t) for t in ev.txns}
    chosen = set(lines)
    max_bytes = MAX_BYTES if max_bytes is None else max_bytes
    if not full:
        size = len(header.encode())
        total = size + sum(len(v.encode()) for v in lines.values())
        if total > max_bytes:
            chosen = set()
            for t in sorted(ev.txns, key=lambda t: _relevance(t, ev)):
                cost = len(lines[t.txn_id].encode())
                if size + cost > max_bytes:
                    break
                chosen.add(t.txn_id)
                size += cost
    body = "".join(lines[t.txn_id] for t in ev.txns if t.txn_id in chosen)
    return Csv(file_name(ev.case_id), header + body, len(chosen), len(lines))
