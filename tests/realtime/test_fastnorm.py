"""The screener's value functions equal the reference normalisers, and keys equal the spec's."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "normalize"))
from normalize_helpers import inputs

from sever.blocklist.spec import ENTRY_ID_TYPES, keyed_hash
from sever.normalize import get
from sever.realtime.fastnorm import norm_functions
from sever.realtime.keys import key_functions

NORMS = norm_functions()
TYPES = [t for t in ENTRY_ID_TYPES if t != "account_id"]


def test_every_entry_type_has_a_value_function() -> None:
    assert set(NORMS) == set(ENTRY_ID_TYPES)


@pytest.mark.parametrize("id_type", TYPES)
def test_value_function_equals_the_normaliser(id_type: str) -> None:
    @given(inputs(id_type))
    def check(row: tuple[str, str | None, str | None]) -> None:
        raw, region, _ = row
        assert NORMS[id_type](raw, region) == get(id_type).normalise(raw, region=region).value

    check()


@pytest.mark.parametrize(
    ("id_type", "raw", "region"),
    [
        ("email", " Foo.Bar+x@GoogleMail.COM. ", None),
        ("phone", "+44 20 7946 0958", None),
        ("phone", "(415) 555-2671", "US"),
        ("ip", "::ffff:10.0.0.1", None),
        ("crypto_address", "0x52908400098527886E0F7030069857D2E4169EE7", None),
        ("bank_account", "de89 3704 0044 0532 0130 00", None),
    ],
)
def test_keys_equal_the_release_keyed_hash(id_type: str, raw: str, region: str | None) -> None:
    key = b"\x01" * 32
    value = get(id_type).normalise(raw, region=region).value
    assert key_functions(key)[id_type](raw, region).hex() == keyed_hash(key, id_type, value)


@pytest.mark.parametrize("key", [b"k", b"\x02" * 64, b"\x03" * 100])
def test_keys_hold_for_short_block_sized_and_long_hmac_keys(key: bytes) -> None:
    assert key_functions(key)["account_id"]("A 1", None).hex() == keyed_hash(
        key, "account_id", "A 1"
    )


@given(
    st.tuples(
        st.sampled_from(["", "(", "1", "0", "+1 ", "+44 "]),
        st.text(alphabet="0123456789", min_size=8, max_size=11),
        st.sampled_from(["", " ", "-", ".", ") "]),
        st.integers(0, 11),
        st.sampled_from(["US", "CA", "GB", "gb", "DE", None]),
    )
)
def test_phone_layouts_equal_the_normaliser(parts) -> None:
    first, body, sep, cut, region = parts
    raw = first + body[:cut] + sep + body[cut:]
    assert NORMS["phone"](raw, region) == get("phone").normalise(raw, region=region).value
