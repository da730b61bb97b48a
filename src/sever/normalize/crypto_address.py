"""Crypto addresses: Bitcoin (base58check, bech32/bech32m segwit) and Ethereum.

Canonical forms and checks:

| form                               | canonical | check                                 |
|------------------------------------|-----------|---------------------------------------|
| base58check `1…` `3…` `m…` `n…` `2…` | as given  | checksum, 21-byte payload             |
| segwit `bc1…` `tb1…` `bcrt1…`      | lowercase | BIP-173/350 checksum, program rules   |
| Ethereum `0x` + 40 hex             | lowercase | EIP-55 checksum if the hex mixes case |

Why: base58 is case-sensitive (changing case changes the address); bech32 and
hex are case-insensitive, so lowercase is their one spelling. An Ethereum
address in a single case carries no checksum: it is valid by format. Other
values (other chains, typos) are kept stripped and flagged, never dropped.
Python only: these checks are hashes, and the volumes are small.
"""

from __future__ import annotations

import re
from typing import ClassVar

import base58

from sever.normalize import _bech32
from sever.normalize._keccak import keccak256
from sever.normalize._text import empty, strip_text
from sever.normalize.base import Normalised, SqlFastPath

_BASE58 = re.compile(r"[1-9A-HJ-NP-Za-km-z]{25,36}")
_ETH = re.compile(r"0[xX]([0-9a-fA-F]{40})")
_SEGWIT_PREFIX = re.compile(r"(?:bc|tb|bcrt)1", re.IGNORECASE)


def eip55(hex40: str) -> str:
    """The EIP-55 mixed-case spelling of 40 hex digits (without `0x`)."""
    lower = hex40.lower()
    digest = keccak256(lower.encode("ascii")).hex()
    return "".join(
        c.upper() if int(h, 16) >= 8 else c for c, h in zip(lower, digest[:40], strict=True)
    )


def _ethereum(hex40: str) -> Normalised:
    value = "0x" + hex40.lower()
    if hex40 in (hex40.lower(), hex40.upper()) or eip55(hex40) == hex40:
        return Normalised(value, True)
    return Normalised(value, False, "bad EIP-55 checksum")


def _segwit(text: str) -> Normalised:
    value = text.lower()
    if text not in (value, text.upper()):
        return Normalised(value, False, "mixed-case bech32")
    problem = _bech32.check_segwit(value)
    return Normalised(value, problem is None, problem)


def _base58(text: str) -> Normalised:
    try:
        payload = base58.b58decode_check(text)
    except ValueError:
        return Normalised(text, False, "bad base58 checksum")
    if len(payload) != 21:  # version byte + 20-byte hash, for every Bitcoin kind
        return Normalised(text, False, "unexpected base58 payload length")
    return Normalised(text, True)


class CryptoAddress:
    id_type: ClassVar[str] = "crypto_address"

    def normalise(
        self, raw: str, *, region: str | None = None, platform: str | None = None
    ) -> Normalised:
        text = strip_text(raw)
        if not text:
            return empty(raw)
        if match := _ETH.fullmatch(text):
            return _ethereum(match.group(1))
        if _SEGWIT_PREFIX.match(text):
            return _segwit(text)
        if _BASE58.fullmatch(text):
            return _base58(text)
        return Normalised(text, False, "unrecognised address format")

    def sql(self, value: str, region: str, platform: str) -> SqlFastPath | None:
        return None
