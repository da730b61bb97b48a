"""Small signed releases for the real-time tests, written by `blocklist.release` itself.

`write_release` writes `<root>/R<no:06d>/<recipient>/` from entries given by value.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sever.blocklist import release
from sever.blocklist.config import Recipient
from sever.blocklist.keys import hmac_key_id
from sever.blocklist.spec import Action, ReleaseEntry, keyed_hash, release_dir

HMAC_KEY = bytes.fromhex("5e" * 32)
RECIPIENT = "acme"
FUTURE = datetime(2099, 1, 1)


@dataclass(frozen=True)
class E:
    """An entry as an analyst sees it: the normalised value, not the key."""

    entry_id: str
    id_type: str
    value_norm: str
    action: str = "block"
    applies_to: str = "either"
    reason_code: str = "csam_purchase"
    expires_at: datetime = FUTURE


def release_entries(entries: list[E], hmac_key: bytes | None) -> list[ReleaseEntry]:
    return [
        ReleaseEntry(
            entry_id=e.entry_id,
            id_type=e.id_type,
            key=keyed_hash(hmac_key, e.id_type, e.value_norm) if hmac_key else e.value_norm,
            action=Action(e.action),
            applies_to=e.applies_to,  # type: ignore[arg-type]
            reason_code=e.reason_code,
            expires_at=e.expires_at,
            provenance_id=f"alert:{e.entry_id}",
        )
        for e in entries
    ]


def write_release(
    root: Path,
    release_no: int,
    entries: list[E],
    private: Ed25519PrivateKey,
    *,
    recipient: str = RECIPIENT,
    hmac_key: bytes | None = HMAC_KEY,
) -> Path:
    """A signed release written by the block-list release writer itself."""
    path = release_dir(root, release_no, recipient)
    who = Recipient(name=recipient, identifiers="hashed" if hmac_key else "raw")
    release.write_release(
        path,
        release_no,
        release_no - 1 if release_no > 1 else None,
        who,
        release_entries(entries, hmac_key),
        [],
        set(),
        hmac_key_id(hmac_key) if hmac_key else None,
        datetime.now(UTC),
        private,
    )
    return path


def soon(seconds: float) -> datetime:
    return datetime.now(UTC).replace(tzinfo=None) + timedelta(seconds=seconds)


def token_sha(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def clients_file(path: Path, clients: dict[str, tuple[str, str]]) -> Path:
    """client id -> (token, recipient), written as the service's clients file."""
    body = {
        "clients": {
            cid: {"token_sha256": token_sha(tok), "recipient": rec}
            for cid, (tok, rec) in clients.items()
        }
    }
    path.write_text(json.dumps(body), encoding="utf-8")
    return path
