"""Example-based tests: spellings that must agree, values that must be flagged."""

from __future__ import annotations

import pytest

from sever.normalize import Normalised, normalise_platform, normalise_value

# (id_type, raw, region) pairs that must give the same canonical value, valid.
SAME = [
    ("email", [("Foo.Bar+x@GoogleMail.com", None), ("foobar@gmail.com", None)]),
    ("email", [(" John+spam@Outlook.com ", None), ("john@outlook.com", None)]),
    ("email", [("a.b+c@example.com", None), ("A.B+C@EXAMPLE.COM.", None)]),
    ("email", [("x@Bücher.de", None), ("x@xn--bcher-kva.de", None)]),
    ("phone", [("(415) 555-2671", "US"), ("+1 415-555-2671", None), ("001 415 555 2671", None)]),
    ("phone", [("020 7946 0000", "GB"), ("+44 20 7946 0000", "US"), ("+44 (0)20 7946 0000", None)]),
    ("phone", [("+49 30 123456", "de"), ("030 123456", "DE")]),
    ("username", [("@Jane_Doe", None), (" jane_doe ", None), ("@@JANE_DOE", None)]),
    ("payment_handle", [("$JohnDoe", None), ("https://cash.app/$johndoe", None)]),
    ("payment_handle", [("cash.app/JohnDoe/25", None), ("$johndoe", None)]),
    ("payment_handle", [("@Venmo-Name", None), ("venmo.com/u/venmo-name", None)]),
    (
        "payment_handle",
        [("https://account.venmo.com/u/Venmo-Name?x=1", None), ("@venmo-name", None)],
    ),
    ("payment_handle", [("PayPal.me/Foo", None), ("https://www.paypal.me/foo/10EUR", None)]),
    ("url", [("HTTP://Example.COM:80/a?utm_source=x#f", None), ("http://example.com/a", None)]),
    ("url", [("example.com/a/?b=2&a=1&fbclid=z", None), ("http://example.com/a?a=1&b=2", None)]),
    ("url", [("https://user:pw@Example.com:443/", None), ("https://example.com", None)]),
    ("url", [("https://bücher.de/Pfad", None), ("https://xn--bcher-kva.de/Pfad", None)]),
    ("domain", [("WWW.Example.COM.", None), ("https://www.example.com/x?y", None)]),
    ("domain", [("john@Example.com", None), ("example.com", None)]),
    ("domain", [("bücher.de", None), ("xn--bcher-kva.de", None), ("www.bücher.de:8080", None)]),
    ("ip", [("1.2.3.4", None), (" 1.2.3.4:8080 ", None), ("::ffff:1.2.3.4", None)]),
    (
        "ip",
        [("[2001:DB8:0:0:0:0:0:1]:443", None), ("2001:db8::1", None), ("2001:db8::1%eth0", None)],
    ),
    (
        "device_id",
        [
            ("{ABCDEF01-2345-6789-ABCD-EF0123456789}", None),
            ("abcdef01-2345-6789-abcd-ef0123456789", None),
        ],
    ),
    ("card_fingerprint", [(" Xy12Ab ", None), ("Xy12Ab", None)]),
    ("bank_account", [("DE89 3704 0044 0532 0130 00", None), ("de89370400440532013000", None)]),
    ("bank_account", [("12-3456-7", None), ("1234567", None)]),
    (
        "crypto_address",
        [
            ("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", None),
            (" bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", None),
        ],
    ),
    (
        "crypto_address",
        [
            ("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", None),
            ("0X5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED", None),
        ],
    ),
]


@pytest.mark.parametrize(("id_type", "spellings"), SAME)
def test_equivalent_spellings_agree(id_type: str, spellings: list) -> None:
    results = [normalise_value(id_type, raw, region) for raw, region in spellings]
    assert all(r.valid for r in results), results
    assert len({r.value for r in results}) == 1, results


EXACT = [
    ("email", "Foo.Bar+x@GoogleMail.com", None, Normalised("foobar@gmail.com", True)),
    ("phone", "(415) 555-2671", "US", Normalised("+14155552671", True)),
    ("payment_handle", "$JohnDoe", None, Normalised("$johndoe", True)),
    ("payment_handle", "Some Other Handle", None, Normalised("some other handle", True)),
    (
        "url",
        "HTTP://Example.COM:80/a?utm_source=x#f",
        None,
        Normalised("http://example.com/a", True),
    ),
    ("url", "example.com", None, Normalised("http://example.com/", True)),
    ("url", "http://example.com:8080/A/B/", None, Normalised("http://example.com:8080/A/B", True)),
    ("domain", "www.com", None, Normalised("www.com", True)),
    ("ip", "[::1]:80", None, Normalised("::1", True)),
    ("card_fingerprint", " Xy12Ab\t", None, Normalised("Xy12Ab", True)),
    (
        "crypto_address",
        "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
        None,
        Normalised("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", True),
    ),
    ("no_such_type", "  Raw  ", None, Normalised("Raw", False, "unknown id_type")),
]


@pytest.mark.parametrize(("id_type", "raw", "region", "expected"), EXACT)
def test_canonical_form(id_type: str, raw: str, region: str | None, expected: Normalised) -> None:
    assert normalise_value(id_type, raw, region) == expected


# Invalid values are kept (never dropped, never emptied) and flagged with a note.
FLAGGED = [
    ("email", "not-an-email", "not exactly one @"),
    ("email", "a@@b.com", "not exactly one @"),
    ("email", "@example.com", "empty local part"),
    ("email", "a b@example.com", "whitespace or control character in local part"),
    ("email", "a@exa_mple", "bad domain"),
    ("email", "a@", "empty domain"),
    ("email", "+tag@gmail.com", "local part empty after provider rules"),
    ("phone", "12", "unparseable phone number"),
    ("phone", "+1 555", "not a possible number: too short"),
    ("phone", "n/a", "no digits in phone number"),
    ("username", "@", "no name after @"),
    ("crypto_address", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb", "bad base58 checksum"),
    ("crypto_address", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5", "bad bech32 checksum"),
    ("crypto_address", "bc1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", "mixed-case bech32"),
    ("crypto_address", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", "bad EIP-55 checksum"),
    ("crypto_address", "hello", "unrecognised address format"),
    ("url", "http://exa mple.com/", "no valid host in URL"),
    ("url", "http://example.com:99999/", "unparseable URL"),
    ("domain", "http:///path", "no host name"),
    ("domain", "localhost", "not a valid domain name"),
    ("ip", "010.0.0.1", "not an IP address"),
    ("ip", "1.2.3.4:", "not an IP address"),
    ("device_id", "{}", "empty device id inside braces"),
    ("bank_account", "DE89 3704 0044 0532 0130 01", "bad IBAN checksum"),
    ("bank_account", "--", "no account number"),
]


@pytest.mark.parametrize(("id_type", "raw", "note"), FLAGGED)
def test_invalid_values_are_kept_and_flagged(id_type: str, raw: str, note: str) -> None:
    result = normalise_value(id_type, raw)
    assert (result.valid, result.note) == (False, note)
    assert result.value  # kept: never emptied


def test_invalid_keeps_a_matchable_value() -> None:
    assert normalise_value("email", " Not-An-Email ").value == "not-an-email"
    assert normalise_value("phone", "+0 12 34").value == "+01234"
    assert normalise_value("crypto_address", " 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb ").value == (
        "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb"  # base58 keeps its case
    )


@pytest.mark.parametrize("id_type", ["email", "phone", "username", "url", "bank_account"])
def test_blank_input_is_flagged_empty(id_type: str) -> None:
    assert normalise_value(id_type, " \t\u200b ") == Normalised("", False, "empty value")


def test_phone_without_region_needs_international_prefix() -> None:
    assert not normalise_value("phone", "415 555 2671").valid
    assert normalise_value("phone", "415 555 2671", "US").value == "+14155552671"
    assert normalise_value("phone", "0044 20 7946 0000").value == "+442079460000"
    # With a region, that region's own international prefix applies (011 in the US).
    assert normalise_value("phone", "011 44 20 7946 0000", "US").value == "+442079460000"


def test_ethereum_single_case_is_valid_without_checksum() -> None:
    lower = normalise_value("crypto_address", "0x52908400098527886e0f7030069857d2e4169ee7")
    upper = normalise_value("crypto_address", "0x52908400098527886E0F7030069857D2E4169EE7")
    assert lower == upper == Normalised("0x52908400098527886e0f7030069857d2e4169ee7", True)


@pytest.mark.parametrize(
    ("name", "expected"),
    [("IG", "instagram"), (" insta ", "instagram"), ("Snap", "snapchat"), ("twitter", "x"),
     ("fb", "facebook"), ("tt", "tiktok"), ("www.instagram.com", "instagram"),
     ("Discord", "discord"), (None, ""), ("  ", "")],
)  # fmt: skip
def test_normalise_platform(name: str | None, expected: str) -> None:
    assert normalise_platform(name) == expected


def test_username_does_not_embed_platform() -> None:
    plain = normalise_value("username", "@Jane", platform="instagram")
    assert plain == normalise_value("username", "jane", platform="tiktok")
    assert plain.value == "jane"
