"""Keccak-256 (the pre-standard SHA-3 Ethereum uses), for EIP-55 address checksums.

hashlib has SHA3-256, which runs the same Keccak-f[1600] permutation but pads
with domain byte 0x06; Ethereum's Keccak-256 pads with 0x01. `sponge` takes the
pad byte, so tests check this permutation against `hashlib.sha3_256`. Pure
Python (about a millisecond per address): used only for mixed-case addresses.
"""

from __future__ import annotations

_MASK = (1 << 64) - 1
_RATE = 136  # bytes: 1600 bits - 2 * 256 bits of capacity


def _round_constants() -> list[int]:
    # The degree-8 LFSR of the Keccak reference, 7 output bits per round.
    constants, state = [], 1
    for _ in range(24):
        constant = 0
        for j in range(7):
            state = ((state << 1) ^ ((state >> 7) * 0x71)) & 0xFF
            if state & 2:
                constant |= 1 << ((1 << j) - 1)
        constants.append(constant)
    return constants


def _rotations() -> list[int]:
    # rho offsets, walking (x, y) -> (y, 2x + 3y) from (1, 0); lane index is x + 5y.
    offsets, x, y = [0] * 25, 1, 0
    for t in range(24):
        offsets[x + 5 * y] = ((t + 1) * (t + 2) // 2) % 64
        x, y = y, (2 * x + 3 * y) % 5
    return offsets


_RC = _round_constants()
_ROT = _rotations()


def _rotl(v: int, n: int) -> int:
    return ((v << n) | (v >> (64 - n))) & _MASK if n else v


def _permute(a: list[int]) -> None:
    for rc in _RC:
        c = [a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20] for x in range(5)]
        d = [c[(x - 1) % 5] ^ _rotl(c[(x + 1) % 5], 1) for x in range(5)]
        a[:] = [a[i] ^ d[i % 5] for i in range(25)]
        b = [0] * 25
        for x in range(5):  # rho and pi: B[y, 2x + 3y] = rot(A[x, y])
            for y in range(5):
                b[y + 5 * ((2 * x + 3 * y) % 5)] = _rotl(a[x + 5 * y], _ROT[x + 5 * y])
        for y in range(0, 25, 5):  # chi, row by row
            row = b[y : y + 5]
            for x in range(5):
                a[y + x] = row[x] ^ (~row[(x + 1) % 5] & row[(x + 2) % 5])
        a[0] ^= rc  # iota


def sponge(data: bytes, pad: int) -> bytes:
    """256-bit Keccak sponge with the given domain/pad byte (0x01 Keccak, 0x06 SHA3)."""
    padded = bytearray(data) + bytes([pad]) + bytes(-(len(data) + 1) % _RATE)
    padded[-1] |= 0x80
    state = [0] * 25
    for start in range(0, len(padded), _RATE):
        block = padded[start : start + _RATE]
        for i in range(_RATE // 8):
            state[i] ^= int.from_bytes(block[8 * i : 8 * i + 8], "little")
        _permute(state)
    return b"".join(lane.to_bytes(8, "little") for lane in state[:4])


def keccak256(data: bytes) -> bytes:
    return sponge(data, 0x01)
