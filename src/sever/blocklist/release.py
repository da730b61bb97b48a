"""Compile approved, unexpired entries into an immutable, numbered, signed release per recipient.

Reads block_entries, block_releases, block_release_entries, the previous release's
entries file, the signing key and each hashed recipient's HMAC key; writes
`<releases>/R<no:06d>/<recipient>/` (entries.jsonl, delta.jsonl, exports/,
manifest.json) and the block_releases / block_release_entries rows.

Before compiling, deletions of signals propagate, due entries expire and entries that
have since turned out protected (a victim's, or minor_perpetrator-linked) are removed,
so a release never holds any of them. Releases are numbered globally; every recipient
of one release gets the same entries, keyed for it (HMAC-SHA-256 under its own key, or
raw normalised values when configured so). An existing release directory is never
overwritten. When nothing changed since the previous release (same entries, actions,
expiries and number under appeal; every recipient already served) `publish` writes
nothing and says so.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sever.blocklist import exports, guards, housekeeping, keys, signing, store
from sever.blocklist.config import BlocklistConfig, BlocklistSettings, Recipient, load
from sever.blocklist.spec import (
    DELTA_FILE,
    ENTRIES_FILE,
    MANIFEST_FILE,
    DeltaLine,
    FileInfo,
    Manifest,
    ReleaseEntry,
    keyed_hash,
    release_dir,
)
from sever.errors import UserError
from sever.warehouse import Warehouse

log = logging.getLogger("sever.blocklist")


@dataclass(frozen=True)
class ReleaseResult:
    recipient: str
    release_no: int
    path: Path
    created: bool
    counts: dict[str, int] = field(default_factory=dict)
    note: str = ""


def _aware(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def _provenance(e: dict[str, Any]) -> str:
    if e["source"] == "appeal":
        return f"appeal:{e['appeal_id']}"
    if e["source"] == "rule":
        return f"rule:{e['rule_ref']}"
    return e["alert_id"] or f"{e['source']}:{e['entry_id']}"


def in_force(wh: Warehouse, at: datetime) -> list[dict[str, Any]]:
    """Approved or appealed entries not yet expired at `at`, by entry id."""
    return wh.records(
        "blocklist:in_force",
        f"SELECT {store.ENTRY_COLS} FROM block_entries WHERE state IN ('approved', 'appealed')"
        " AND expires_at > ? ORDER BY entry_id",
        [at],
    )


def _keyer(recipient: Recipient, keys_dir: Path | None) -> tuple[Any, str | None]:
    if recipient.identifiers == "raw":
        return (lambda id_type, value: value), None
    key = keys.load_recipient(recipient.name, keys_dir)
    return (lambda id_type, value: keyed_hash(key, id_type, value)), keys.hmac_key_id(key)


def _entries(rows: list[dict[str, Any]], keyer: Any) -> list[ReleaseEntry]:
    out = [
        ReleaseEntry(
            entry_id=r["entry_id"],
            id_type=r["id_type"],
            key=keyer(r["id_type"], r["value_norm"]),
            action=r["action"],
            applies_to=r["applies_to"],
            reason_code=r["reason_code"],
            expires_at=_aware(r["expires_at"]),
            provenance_id=_provenance(r),
        )
        for r in rows
    ]
    return sorted(out, key=lambda e: (e.key, e.entry_id))


def _previous(wh: Warehouse, recipient: str, keyer: Any) -> tuple[int | None, list[ReleaseEntry]]:
    """The recipient's previous release: its entries file, else rebuilt from the warehouse."""
    row = wh.records(
        "blocklist:previous",
        "SELECT release_no, path FROM block_releases WHERE recipient = ?"
        " ORDER BY release_no DESC LIMIT 1",
        [recipient],
    )
    if not row:
        return None, []
    no, path = row[0]["release_no"], Path(row[0]["path"]) / ENTRIES_FILE
    if path.exists():
        lines = path.read_text(encoding="utf-8").splitlines()
        return no, [ReleaseEntry.model_validate_json(line) for line in lines if line]
    rows = wh.records(
        "blocklist:previous_rebuild",
        f"SELECT {', '.join('e.' + c.strip() for c in store.ENTRY_COLS.split(','))},"
        " r.expires_at AS released_expiry"
        " FROM block_release_entries r JOIN block_entries e USING (entry_id)"
        " WHERE r.release_no = ? ORDER BY e.entry_id",
        [no],
    )
    for r in rows:
        r["expires_at"] = r.pop("released_expiry")
    return no, _entries(rows, keyer)


def _delta(current: list[ReleaseEntry], previous: list[ReleaseEntry]) -> list[DeltaLine]:
    now_ = {(e.entry_id, e.key): e for e in current}
    before = {(e.entry_id, e.key): e for e in previous}
    lines = [
        DeltaLine(change=change, entry_id=e.entry_id, id_type=e.id_type, key=e.key, action=e.action)
        for change, side, other in (("removed", before, now_), ("added", now_, before))
        for k, e in side.items()
        if k not in other
    ]
    return sorted(lines, key=lambda d: (d.key, d.entry_id, d.change))


def _jsonl(items: list[Any]) -> str:
    return "".join(i.model_dump_json() + "\n" for i in items)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_release(
    root: Path,
    no: int,
    previous_no: int | None,
    recipient: Recipient,
    entries: list[ReleaseEntry],
    previous: list[ReleaseEntry],
    under_appeal: set[str],
    hmac_key_id: str | None,
    created_at: datetime,
    signer: Any,
) -> Manifest:
    """Write one release directory for `recipient` (entries, delta, exports) and sign it.

    Refuses an existing directory: a release never changes once written.
    """
    entries = sorted(entries, key=lambda e: (e.key, e.entry_id))
    root.mkdir(parents=True)
    (root / ENTRIES_FILE).write_text(_jsonl(entries), encoding="utf-8")
    delta = _delta(entries, previous)
    (root / DELTA_FILE).write_text(_jsonl(delta), encoding="utf-8")
    rows = {DELTA_FILE: len(delta)}
    if "csv" in recipient.exports:
        rows |= exports.write_csv(root, entries, under_appeal)
    if "stripe" in recipient.exports:
        rows |= exports.write_stripe(root, entries, recipient.identifiers == "hashed")
    if "adyen" in recipient.exports:
        rows |= exports.write_adyen(root, entries, previous, recipient, no)
    files = {
        rel: FileInfo(sha256=_sha256(root / rel), bytes=(root / rel).stat().st_size, rows=n)
        for rel, n in sorted(rows.items())
    }
    counts = {
        "total": len(entries),
        "added": sum(d.change == "added" for d in delta),
        "removed": sum(d.change == "removed" for d in delta),
        "under_appeal": sum(e.entry_id in under_appeal for e in entries),
    }
    for e in entries:
        counts[f"action.{e.action.value}"] = counts.get(f"action.{e.action.value}", 0) + 1
        counts[f"id_type.{e.id_type}"] = counts.get(f"id_type.{e.id_type}", 0) + 1
    manifest = Manifest(
        release_no=no,
        previous_no=previous_no,
        recipient=recipient.name,
        created_at=created_at,
        identifiers="raw" if recipient.identifiers == "raw" else "hmac-sha256",
        hmac_key_id=hmac_key_id,
        counts=dict(sorted(counts.items())),
        checksum=_sha256(root / ENTRIES_FILE),
        files=files,
    )
    signed = signing.sign(manifest, signer)
    (root / MANIFEST_FILE).write_text(signed.model_dump_json(indent=2) + "\n", encoding="utf-8")
    return signed


def _unchanged(wh: Warehouse, rows: list[dict[str, Any]], cfg: BlocklistConfig) -> int | None:
    """The previous release number when it holds exactly these entries for every recipient.

    Same entries, actions and expiries, and as many of them under appeal.
    """
    last = wh.scalar("blocklist:last_release", "SELECT max(release_no) FROM block_releases")
    if last is None:
        return None
    held = wh.rows(
        "blocklist:last_entries",
        "SELECT entry_id, action, expires_at FROM block_release_entries WHERE release_no = ?"
        " ORDER BY entry_id",
        [last],
    )
    served = dict(
        wh.rows(
            "blocklist:last_recipients",
            "SELECT recipient, CAST(json_extract(manifest, '$.counts.under_appeal') AS INTEGER)"
            " FROM block_releases WHERE release_no = ?",
            [last],
        )
    )
    now_ = [(r["entry_id"], r["action"], r["expires_at"]) for r in rows]
    appealed = sum(r["state"] == "appealed" for r in rows)
    if held == now_ and all(served.get(r.name) == appealed for r in cfg.recipients):
        return last
    return None


def publish(
    wh: Warehouse,
    now: datetime,
    actor: str = store.SYSTEM,
    *,
    cfg: BlocklistConfig | None = None,
    keys_dir: Path | None = None,
    releases_dir: Path | None = None,
) -> list[ReleaseResult]:
    """Publish the next release for every configured recipient; one result per recipient.

    Nothing changed since the previous release: nothing is written, and each result
    has `created=False`, the previous number and a note saying so.
    """
    cfg = cfg or load()
    releases_dir = releases_dir or BlocklistSettings().releases_dir
    at = store.utc_naive(now)
    housekeeping.propagate_deletions(wh, at)
    housekeeping.expire_entries(wh, at)
    with wh.transaction("blocklist:guard"):
        guards.remove_protected(wh, at)
    rows = in_force(wh, at)
    same = _unchanged(wh, rows, cfg)
    if same is not None:
        note = f"unchanged since R{same:06d}: no new release written"
        return [
            ReleaseResult(r.name, same, release_dir(releases_dir, same, r.name), False, {}, note)
            for r in cfg.recipients
        ]
    last = wh.scalar("blocklist:last_release", "SELECT max(release_no) FROM block_releases")
    no = (last or 0) + 1
    for r in cfg.recipients:
        target = release_dir(releases_dir, no, r.name)
        if target.exists():
            raise UserError(
                f"{target}: release R{no:06d} already exists; releases are never overwritten"
            )
    signer = keys.load_signing(keys_dir)
    under_appeal = {r["entry_id"] for r in rows if r["state"] == "appealed"}
    created_at = _aware(at)
    results: list[ReleaseResult] = []
    written: list[Path] = []
    try:
        with wh.transaction("blocklist:publish"):
            for r in cfg.recipients:
                keyer, kid = _keyer(r, keys_dir)
                entries = _entries(rows, keyer)
                previous_no, previous = _previous(wh, r.name, keyer)
                target = release_dir(releases_dir, no, r.name)
                written.append(target)
                m = write_release(
                    target,
                    no,
                    previous_no,
                    r,
                    entries,
                    previous,
                    under_appeal,
                    kid,
                    created_at,
                    signer,
                )
                wh.run(
                    "blocklist:release_row",
                    "INSERT INTO block_releases VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        no,
                        r.name,
                        at,
                        actor,
                        previous_no,
                        m.counts["total"],
                        m.counts["added"],
                        m.counts["removed"],
                        m.checksum,
                        str(target),
                        m.model_dump_json(),
                    ],
                )
                results.append(ReleaseResult(r.name, no, target, True, m.counts))
            wh.run(
                "blocklist:release_entries",
                "INSERT INTO block_release_entries SELECT ?, entry_id, action, expires_at"
                " FROM block_entries WHERE list_contains(?, entry_id)",
                [no, [r["entry_id"] for r in rows]],
            )
    except BaseException:
        for path in written:
            shutil.rmtree(path, ignore_errors=True)
        raise
    log.info("published block-list release R%06d for %d recipient(s)", no, len(results))
    return results
