"""Key files: the release signing key pair and one HMAC key per hashed recipient.

Reads and writes the keys directory (`$SEVER_KEYS_DIR`, default ./keys):

    signing.key                 Ed25519 private key, PEM, mode 0600 (signs manifests)
    signing.pub                 its public key: what payment systems verify with
    recipients/<name>.key       32 random bytes, hex, mode 0600 (keys the entry hashes)

The recipient key is shared with that payment system only; it computes the same
`spec.keyed_hash` over its own normalised identifiers and never sees anyone else's.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sever.blocklist import signing
from sever.blocklist.config import BlocklistConfig, BlocklistSettings
from sever.errors import UserError


@dataclass(frozen=True)
class KeyPaths:
    root: Path

    @property
    def signing_private(self) -> Path:
        return self.root / "signing.key"

    @property
    def signing_public(self) -> Path:
        return self.root / "signing.pub"

    def recipient(self, name: str) -> Path:
        return self.root / "recipients" / f"{name}.key"


def paths(keys_dir: Path | None = None) -> KeyPaths:
    return KeyPaths(keys_dir or BlocklistSettings().keys_dir)


def hmac_key_id(key: bytes) -> str:
    """First 16 hex of sha256 of the key: names the key without revealing it."""
    return hashlib.sha256(key).hexdigest()[:16]


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(text)


def init(cfg: BlocklistConfig, keys_dir: Path | None = None) -> list[str]:
    """Create whatever key is missing (never overwrite one); returns what was done."""
    kp = paths(keys_dir)
    done = []
    if kp.signing_private.exists():
        done.append(f"kept signing key {kp.signing_private}")
    else:
        kid = signing.generate(kp.signing_private, kp.signing_public)
        done.append(f"created signing key {kp.signing_private} (key id {kid})")
    for r in cfg.recipients:
        if r.identifiers != "hashed":
            continue
        path = kp.recipient(r.name)
        if path.exists():
            done.append(f"kept recipient key {path}")
            continue
        key = secrets.token_bytes(32)
        _write_private(path, key.hex() + "\n")
        done.append(f"created recipient key {path} (key id {hmac_key_id(key)})")
    return done


def load_signing(keys_dir: Path | None = None) -> Ed25519PrivateKey:
    kp = paths(keys_dir)
    if not kp.signing_private.exists():
        raise UserError(
            f"{kp.signing_private}: no release signing key; run `sever blocklist keys init`"
        )
    return signing.load_private(kp.signing_private)


def read_hmac_key(path: Path) -> bytes:
    """A recipient's HMAC key file: one line of hex, at least 32 bytes."""
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        raise UserError(f"{path}: no HMAC key; run `sever blocklist keys init`") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"{path}: cannot read the HMAC key ({exc})") from None
    try:
        key = bytes.fromhex(text)
    except ValueError:
        raise UserError(f"{path}: not a hex key") from None
    if len(key) < 32:
        raise UserError(f"{path}: the key has {len(key)} bytes; at least 32 are required")
    return key


def load_recipient(name: str, keys_dir: Path | None = None) -> bytes:
    return read_hmac_key(paths(keys_dir).recipient(name))
