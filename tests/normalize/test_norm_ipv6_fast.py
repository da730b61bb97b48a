"""The C library's IPv6 text agrees with `ipaddress` wherever sever uses it."""

from __future__ import annotations

import ipaddress

from hypothesis import given
from hypothesis import strategies as st

from sever.normalize.ip import ipv6_text

GROUP = st.one_of(st.just(0), st.integers(0, 0xF), st.integers(0, 0xFFFF))


@given(st.lists(GROUP, min_size=8, max_size=8), st.booleans())
def test_same_text_as_ipaddress(groups: list[int], exploded: bool) -> None:
    address = ipaddress.IPv6Address(sum(g << (16 * (7 - i)) for i, g in enumerate(groups)))
    text = address.exploded if exploded else str(address)
    fast = ipv6_text(text)
    if fast is not None:
        assert fast == str(address)
    else:  # left to ipaddress: only the forms whose first 80 bits are zero
        assert int(address) >> 48 == 0


@given(st.text(alphabet="0123456789abcdef:.", min_size=2, max_size=45))
def test_never_accepts_what_ipaddress_rejects(text: str) -> None:
    fast = ipv6_text(text)
    if fast is not None:
        assert fast == str(ipaddress.IPv6Address(text))
