"""Lookup keys of a payment's identifiers: normalise, then keyed hash (or the raw value).

Reads nothing (key files: `sever.blocklist.keys.read_hmac_key`). A release keys its entries with
`spec.keyed_hash(key, id_type, value_norm)`; the screener indexes the 32-byte digests
and computes the same HMAC-SHA-256 per identifier with the key's inner and outer pads
prepared once per identifier type (`ipad || "email:"`), so a lookup costs two one-shot
SHA-256 calls. Raw releases are keyed by `id_type:value_norm` text.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

from sever.realtime.fastnorm import NormFn, norm_functions

# raw identifier, region -> index key
KeyFn = Callable[[str, str | None], bytes | str]

_BLOCK = 64  # SHA-256 block size, the HMAC pad length
_HEX = re.compile(r"[0-9a-fA-F]+")


def _pads(key: bytes) -> tuple[bytes, bytes]:
    if len(key) > _BLOCK:
        key = hashlib.sha256(key).digest()
    key = key.ljust(_BLOCK, b"\0")
    return bytes(b ^ 0x36 for b in key), bytes(b ^ 0x5C for b in key)


def _hmac_key_fn(key: bytes, id_type: str, norm: NormFn) -> KeyFn:
    ipad, opad = _pads(key)
    inner = ipad + f"{id_type}:".encode()
    sha = hashlib.sha256

    def key_of(raw: str, region: str | None) -> bytes:
        return sha(opad + sha(inner + norm(raw, region).encode()).digest()).digest()

    return key_of


def _raw_key_fn(id_type: str, norm: NormFn) -> KeyFn:
    prefix = f"{id_type}:"

    def key_of(raw: str, region: str | None) -> str:
        return prefix + norm(raw, region)

    return key_of


def key_functions(hmac_key: bytes | None) -> dict[str, KeyFn]:
    """Per identifier type: raw value -> index key (HMAC digest, or `type:value` text)."""
    norms = norm_functions()
    if hmac_key is None:
        return {t: _raw_key_fn(t, f) for t, f in norms.items()}
    return {t: _hmac_key_fn(hmac_key, t, f) for t, f in norms.items()}


def entry_index_key(id_type: str, key: str, hashed: bool) -> bytes | str:
    """The index key of a release entry's `key` field."""
    return bytes.fromhex(key) if hashed else f"{id_type}:{key}"
