"""Checksum primitives behind crypto_address: Keccak-256, EIP-55, bech32/bech32m."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sever.normalize import normalise_value
from sever.normalize._bech32 import check_segwit, encode_segwit
from sever.normalize._keccak import keccak256, sponge
from sever.normalize.crypto_address import eip55


@given(st.binary(max_size=300))
def test_keccak_permutation_matches_hashlib_sha3(data: bytes) -> None:
    # SHA3-256 is the same sponge with pad byte 0x06: this checks the permutation.
    assert sponge(data, 0x06) == hashlib.sha3_256(data).digest()


def test_keccak256_known_answer() -> None:
    empty = "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
    assert keccak256(b"").hex() == empty


@pytest.mark.parametrize(
    "address",
    [  # EIP-55's own examples
        "52908400098527886E0F7030069857D2E4169EE7",
        "8617E340B3D01FA5F11F306F4090FD50E238070D",
        "de709f2102306220921060314715629080e2fb77",
        "27b1fdb04752bbc536007a920d24acb045561c26",
        "5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        "fB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        "dbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
        "D1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
    ],
)
def test_eip55_examples(address: str) -> None:
    assert eip55(address) == address
    assert normalise_value("crypto_address", "0x" + address).valid


@pytest.mark.parametrize(
    "address",
    [  # BIP-173 / BIP-350 valid segwit addresses
        "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",
        "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7",
        "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y",
        "BC1SW50QGDZ25J",
        "bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs",
    ],
)
def test_segwit_vectors_valid(address: str) -> None:
    result = normalise_value("crypto_address", address)
    assert result.valid, result
    assert result.value == address.lower()


@pytest.mark.parametrize(
    ("address", "note"),
    [
        ("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5", "bad bech32 checksum"),
        ("bc1bw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", "bad bech32 characters"),  # no b
        ("ltc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", "unrecognised address format"),
        ("tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sL5k7", "mixed-case bech32"),
    ],
)
def test_segwit_invalid(address: str, note: str) -> None:
    assert normalise_value("crypto_address", address).note == note


@given(st.sampled_from(["bc", "tb"]), st.integers(0, 16), st.binary(min_size=2, max_size=40))
def test_segwit_round_trip(hrp: str, version: int, program: bytes) -> None:
    address = encode_segwit(hrp, version, program)
    problem = check_segwit(address)
    if version == 0 and len(program) not in (20, 32):
        assert problem == "bad segwit v0 program length"
    else:
        assert problem is None


def test_checksum_variant_must_match_version() -> None:
    # A v1 program checksummed as bech32 (the v0 constant) is rejected (BIP-350).
    from sever.normalize._bech32 import BECH32, CHARSET, checksum

    data = [1, *([0] * 52)]
    address = "bc1" + "".join(CHARSET[v] for v in data + checksum("bc", data, BECH32))
    assert check_segwit(address) == "wrong checksum variant for witness version"
