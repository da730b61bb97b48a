"""What a block-list release is: actions and their precedence, entries, the manifest.

Shared by the release writer (`blocklist.release`), `sever blocklist verify` and the
real-time screener (`sever.realtime`); reads and writes nothing itself.

A release is a directory `<releases>/R<no:06d>/<recipient>/` holding `entries.jsonl`
(one `ReleaseEntry` a line, sorted by key), `delta.jsonl` (`DeltaLine`s against the
previous release), the exports, and `manifest.json` (a signed `Manifest`).
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from sever.ingest.spec import ID_TYPES

FORMAT = "sever-blocklist/1"
ENTRIES_FILE = "entries.jsonl"
DELTA_FILE = "delta.jsonl"
MANIFEST_FILE = "manifest.json"


class Action(StrEnum):
    ALLOW = "allow"  # explicit override after an upheld appeal
    BLOCK = "block"  # payment refused
    REVIEW = "review"  # payment held for an analyst
    WARN = "warn"  # payer sees the victim-protection message before paying


# First match by precedence wins. `allow` comes first, as in Stripe Radar (allow, block,
# review): it is only ever written by an upheld appeal, for the identifiers that appeal
# cleared, so a cleared person is not re-blocked by the same evidence.
PRECEDENCE: tuple[Action, ...] = (Action.ALLOW, Action.BLOCK, Action.REVIEW, Action.WARN)
RANK: dict[str, int] = {a.value: i for i, a in enumerate(PRECEDENCE)}

# Which side of a payment an entry is matched against.
AppliesTo = Literal["payee", "payer", "either"]

# Identifier types an entry may carry: the contract's identifier types plus the
# institution's own account id.
ENTRY_ID_TYPES = ("account_id", *ID_TYPES)


def release_dir(releases: Path, release_no: int, recipient: str) -> Path:
    """Where release `release_no` for `recipient` lives under the releases folder."""
    return releases / f"R{release_no:06d}" / recipient


def keyed_hash(key: bytes, id_type: str, value_norm: str) -> str:
    """HMAC-SHA-256 of `id_type:value_norm` under a recipient's key, lowercase hex.

    The type prefix keeps an email and a username with the same text apart.
    """
    return hmac.digest(key, f"{id_type}:{value_norm}".encode(), hashlib.sha256).hex()


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ReleaseEntry(_Frozen):
    """One line of entries.jsonl."""

    entry_id: str
    id_type: str
    key: str  # keyed_hash(...) or, for raw recipients, the normalised value
    action: Action
    applies_to: AppliesTo
    reason_code: str
    expires_at: datetime
    provenance_id: str  # alert id, 'rule:id@version' or 'appeal:AP-...'


class DeltaLine(_Frozen):
    """One line of delta.jsonl: what changed since the previous release."""

    change: Literal["added", "removed"]
    entry_id: str
    id_type: str
    key: str
    action: Action


class FileInfo(_Frozen):
    sha256: str
    bytes: int
    rows: int | None = None


class Signature(_Frozen):
    alg: Literal["Ed25519"] = "Ed25519"
    key_id: str  # first 16 hex of sha256 of the raw public key
    value: str  # base64 of the signature over the unsigned manifest


class Manifest(_Frozen):
    format: Literal["sever-blocklist/1"] = FORMAT
    release_no: int
    previous_no: int | None
    recipient: str
    created_at: datetime
    identifiers: Literal["hmac-sha256", "raw"]
    hmac_key_id: str | None  # which recipient key hashed the entries
    counts: dict[str, int]  # total, added, removed, and per action / id type
    checksum: str  # sha256 of entries.jsonl
    files: dict[str, FileInfo]  # every other file of the release directory
    signature: Signature | None = None
