"""The registry, the shared text helpers, and that fast paths decide the common forms."""

from __future__ import annotations

import sys

import pytest
from normalize_helpers import sql_eval

from sever.normalize import all_normalisers, get, register
from sever.normalize._text import WHITESPACE, let
from sever.normalize.email import Email

ID_TYPES = {
    "email", "phone", "username", "payment_handle", "crypto_address", "url", "domain", "ip",
    "device_id", "card_fingerprint", "bank_account",
}  # fmt: skip


def test_every_id_type_is_registered_once() -> None:
    normalisers = all_normalisers()
    assert set(normalisers) == ID_TYPES
    assert all(n.id_type == t for t, n in normalisers.items())
    with pytest.raises(ValueError, match="duplicate"):
        register(Email())


def test_whitespace_list_is_what_python_strips() -> None:
    spaces = {chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()}
    assert set(WHITESPACE) == spaces


def test_let_binds_once(wh) -> None:
    expr = let("lower(v)", "t_x", "t_x || t_x")
    assert wh.scalar("test:let", f"SELECT {expr} FROM (SELECT 'Ab' AS v)") == "abab"


# Common, valid spellings the fast path must decide (else batch ingest falls back to Python).
COMMON = {
    "email": ["john.doe@example.com", " Foo.Bar+x@GoogleMail.com ", "a+b@icloud.com"],
    "phone": ["+1 415 555 2671", "+442079460000", "+49-30-123456", "+91.98765.43210"],
    "username": ["@Jane_Doe", "dark.knight99"],
    "payment_handle": ["$JohnDoe", "https://cash.app/$x", "venmo.com/u/A-B", "paypal.me/Foo"],
    "device_id": ["ABCDEF01-2345-6789-ABCD-EF0123456789", "{abcdef01-2345-6789-abcd-ef01234567}"],
    "card_fingerprint": ["Xy12Ab34Cd56Ef78"],
    "bank_account": ["12-3456-7", "000123456789"],
    "ip": ["1.2.3.4", "255.255.255.255:8080"],
    "domain": ["example.com", "WWW.Example.co.uk.", "xn--bcher-kva.de"],
}


@pytest.mark.parametrize("id_type", sorted(COMMON))
def test_fast_path_decides_common_forms(wh, id_type: str) -> None:
    rows = [(value, "US", None) for value in COMMON[id_type]]
    for row, (value, valid) in zip(rows, sql_eval(wh, id_type, rows), strict=True):
        expected = get(id_type).normalise(row[0], region=row[1])
        assert (value, valid) == (expected.value, True), row


@pytest.mark.parametrize("id_type", ["crypto_address", "url"])
def test_python_only_types(id_type: str) -> None:
    assert get(id_type).sql("v", "r", "p") is None
