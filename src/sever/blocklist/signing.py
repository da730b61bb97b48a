"""Release signatures: Ed25519 over the canonical JSON of a manifest without its signature.

Reads and writes PEM key files; `sever blocklist keys` creates them.
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from sever.blocklist.spec import Manifest, Signature
from sever.errors import UserError


class SignatureError(UserError):
    """A release whose signature or checksum does not hold: it must not be loaded."""


def canonical(manifest: Manifest) -> bytes:
    """The signed bytes: sorted keys, no whitespace, signature left out."""
    body: dict[str, Any] = manifest.model_dump(mode="json", exclude={"signature"})
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def key_id(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def generate(private_path: Path, public_path: Path) -> str:
    """Write a new signing key pair (private key 0600); returns its key id."""
    if private_path.exists():
        raise UserError(f"{private_path}: a signing key already exists; not overwriting it")
    key = Ed25519PrivateKey.generate()
    private_path.parent.mkdir(parents=True, exist_ok=True)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    private_path.touch(mode=0o600)
    private_path.write_bytes(pem)
    public_path.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return key_id(key.public_key())


def load_private(path: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError) as exc:
        raise UserError(f"{path}: cannot read the release signing key ({exc})") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise UserError(f"{path}: not an Ed25519 private key")
    return key


def load_public(path: Path) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise UserError(f"{path}: cannot read the release verification key ({exc})") from None
    if not isinstance(key, Ed25519PublicKey):
        raise UserError(f"{path}: not an Ed25519 public key")
    return key


def sign(manifest: Manifest, key: Ed25519PrivateKey) -> Manifest:
    value = base64.b64encode(key.sign(canonical(manifest))).decode()
    sig = Signature(key_id=key_id(key.public_key()), value=value)
    return manifest.model_copy(update={"signature": sig})


def verify(manifest: Manifest, public: Ed25519PublicKey, where: str) -> None:
    """Raise SignatureError unless `manifest` carries a valid signature by `public`."""
    if manifest.signature is None:
        raise SignatureError(f"{where}: the manifest is not signed")
    if manifest.signature.key_id != key_id(public):
        raise SignatureError(
            f"{where}: signed by key {manifest.signature.key_id}, expected {key_id(public)}"
        )
    try:
        public.verify(base64.b64decode(manifest.signature.value), canonical(manifest))
    except (InvalidSignature, ValueError):
        raise SignatureError(f"{where}: the manifest signature does not verify") from None
