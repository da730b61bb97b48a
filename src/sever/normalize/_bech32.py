"""Bech32 / bech32m checksums and segwit address rules (BIP-173, BIP-350).

Written from the BIPs: a BCH code over 5-bit groups; the checksum constant is 1
for bech32 (witness version 0) and 0x2BC830A3 for bech32m (versions 1-16).
"""

from __future__ import annotations

CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
BECH32, BECH32M = 1, 0x2BC830A3
_GEN = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
SEGWIT_HRPS = frozenset({"bc", "tb", "bcrt"})  # mainnet, testnet/signet, regtest


def _polymod(values: list[int]) -> int:
    chk = 1
    for value in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ value
        for i, gen in enumerate(_GEN):
            if (top >> i) & 1:
                chk ^= gen
    return chk


def _hrp_expand(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def checksum(hrp: str, data: list[int], constant: int) -> list[int]:
    """The six checksum characters (as 5-bit values) for `hrp` and `data`."""
    mod = _polymod([*_hrp_expand(hrp), *data, 0, 0, 0, 0, 0, 0]) ^ constant
    return [(mod >> 5 * (5 - i)) & 31 for i in range(6)]


def _convert_bits(data: list[int], from_bits: int, to_bits: int, pad: bool) -> list[int] | None:
    acc, bits, out, maxv = 0, 0, [], (1 << to_bits) - 1
    for value in data:
        acc = (acc << from_bits) | value
        bits += from_bits
        while bits >= to_bits:
            bits -= to_bits
            out.append((acc >> bits) & maxv)
    if pad:
        if bits:
            out.append((acc << (to_bits - bits)) & maxv)
    elif bits >= from_bits or (acc << (to_bits - bits)) & maxv:
        return None  # non-zero padding or a whole extra group
    return out


def encode_segwit(hrp: str, version: int, program: bytes) -> str:
    """A segwit address (used by tests to build valid examples)."""
    data = [version, *(_convert_bits(list(program), 8, 5, True) or [])]
    constant = BECH32 if version == 0 else BECH32M
    return hrp + "1" + "".join(CHARSET[v] for v in data + checksum(hrp, data, constant))


def check_segwit(address: str) -> str | None:
    """None if `address` (lowercase) is a valid segwit address, else what is wrong."""
    if len(address) > 90:
        return "bech32 address too long"
    hrp, sep, rest = address.rpartition("1")
    if not sep or hrp not in SEGWIT_HRPS:
        return "unknown bech32 prefix"
    if len(rest) < 7 or any(c not in CHARSET for c in rest):
        return "bad bech32 characters"
    data = [CHARSET.index(c) for c in rest]
    constant = _polymod(_hrp_expand(hrp) + data)
    if constant not in (BECH32, BECH32M):
        return "bad bech32 checksum"
    version, program = data[0], _convert_bits(data[1:-6], 5, 8, False)
    if version > 16 or program is None or not 2 <= len(program) <= 40:
        return "bad segwit program"
    if version == 0 and len(program) not in (20, 32):
        return "bad segwit v0 program length"
    if constant != (BECH32 if version == 0 else BECH32M):
        return "wrong checksum variant for witness version"
    return None
