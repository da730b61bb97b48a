"""Hypothesis strategies for well-formed identifiers of every id type."""

from __future__ import annotations

import ipaddress
import string

import base58
import phonenumbers
from hypothesis import strategies as st

from sever.normalize._bech32 import encode_segwit
from sever.normalize.crypto_address import eip55

_alnum = string.ascii_letters + string.digits
# Plain st.text over alphabets: much cheaper to generate than st.from_regex.
_lower_alnum = string.ascii_lowercase + string.digits


def _word(first: str, rest: str, max_size: int) -> st.SearchStrategy[str]:
    return st.builds(
        lambda a, b: a + b, st.sampled_from(first), st.text(alphabet=rest, max_size=max_size)
    )


label = st.builds(
    lambda a, b: f"{a}-{b}" if b else a,
    st.text(alphabet=_lower_alnum, min_size=1, max_size=8),
    st.text(alphabet=_lower_alnum, max_size=3),
)
hostname = st.builds(
    lambda labels, tld: ".".join([*labels, tld]),
    st.lists(label, min_size=1, max_size=3),
    st.sampled_from(["com", "org", "de", "io", "co.uk", "xn--p1ai", "info"]),
)
email_domain = st.one_of(
    hostname, st.sampled_from(["gmail.com", "googlemail.com", "outlook.com", "icloud.com"])
)
emails = st.builds(
    lambda local, tag, domain, dot: f"{local}{tag}@{domain}{dot}",
    _word(_alnum, _alnum + "._%-", 12),
    st.sampled_from(["", "+tag", "+a.b", "+"]),
    email_domain,
    st.sampled_from(["", "", "."]),
)

_CODES = sorted(phonenumbers.COUNTRY_CODE_TO_REGION_CODE)


@st.composite
def phones(draw: st.DrawFn) -> tuple[str, str | None]:
    """(text, region): international numbers with separators, or national forms."""
    if draw(st.booleans()):
        code = str(draw(st.sampled_from(_CODES)))
        digits = draw(st.text(alphabet=string.digits, min_size=4, max_size=14))
        seps = draw(st.lists(st.sampled_from(["", "", " ", "-", "."]), min_size=len(digits)))
        body = "".join(d + s for d, s in zip(digits, seps, strict=False))
        return f"+{code} {body}".strip(" .-"), draw(st.none() | st.sampled_from(["US", "GB"]))
    region = draw(st.sampled_from(sorted(phonenumbers.SUPPORTED_REGIONS)))
    example = phonenumbers.example_number(region)
    if example is None:
        return "+1 415 555 2671", None
    fmts = phonenumbers.PhoneNumberFormat
    fmt = draw(st.sampled_from([fmts.E164, fmts.INTERNATIONAL, fmts.NATIONAL, fmts.RFC3966]))
    return phonenumbers.format_number(example, fmt), region


names = _word(_alnum, _alnum + "_.-", 14)
usernames = st.builds(lambda at, n: at + n, st.sampled_from(["", "@", "@@"]), names)
payment_handles = st.builds(
    lambda template, name: template.format(name),
    st.sampled_from(
        [
            "${}", "cash.app/${}", "https://cash.app/${}", "https://cash.app/${}/25",
            "www.cash.app/{}", "cash.me/${}", "@{}", "venmo.com/{}", "https://venmo.com/u/{}",
            "account.venmo.com/u/{}?txn=pay", "paypal.me/{}", "https://www.paypal.me/{}/10",
            "paypal.com/paypalme/{}", "{}",
        ]
    ),
    names,
)  # fmt: skip


@st.composite
def crypto_addresses(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["p2pkh", "p2sh", "segwit0", "segwit1", "eth"]))
    payload = draw(st.binary(min_size=20, max_size=20))
    if kind in ("p2pkh", "p2sh"):
        version = b"\x00" if kind == "p2pkh" else b"\x05"
        return base58.b58encode_check(version + payload).decode()
    if kind == "segwit0":
        program = payload if draw(st.booleans()) else payload + payload[:12]
        return encode_segwit(draw(st.sampled_from(["bc", "tb"])), 0, program)
    if kind == "segwit1":
        return encode_segwit("bc", 1, payload + payload[:12])
    hex40 = payload.hex()
    return "0x" + draw(st.sampled_from([hex40, hex40.upper(), eip55(hex40)]))


ipv4 = st.builds(lambda n: str(ipaddress.IPv4Address(n)), st.integers(0, 2**32 - 1))
ipv6 = st.builds(lambda n: str(ipaddress.IPv6Address(n)), st.integers(0, 2**128 - 1))
ips = st.one_of(
    ipv4,
    st.builds(lambda a, p: f"{a}:{p}", ipv4, st.integers(0, 65535)),
    ipv6,
    st.builds(lambda a: ipaddress.IPv6Address(a).exploded, ipv6),
    st.builds(lambda a, p: f"[{a}]:{p}", ipv6, st.integers(0, 65535)),
    st.builds(lambda a: f"::ffff:{a}", ipv4),
)
domains = st.builds(
    lambda www, host, dot, wrap: wrap.format(www + host + dot),
    st.sampled_from(["", "www.", "WWW."]),
    hostname,
    st.sampled_from(["", "."]),
    st.sampled_from(["{}", "{}", "https://{}/path?q=1", "user@{}", "{}:8080"]),
)
urls = st.builds(
    lambda scheme, host, port, path, query, frag: f"{scheme}{host}{port}{path}{query}{frag}",
    st.sampled_from(["", "http://", "https://", "HTTP://", "//"]),
    st.one_of(hostname, ipv4, st.builds(lambda a: f"[{a}]", ipv6)),
    st.sampled_from(["", ":80", ":443", ":8080"]),
    st.sampled_from(["", "/", "/a", "/A/b/", "/a//", "/x y/"]),
    st.lists(
        st.sampled_from(["a=1", "b=2", "utm_source=x", "fbclid=z", "Q=Z", "flag", "si=1"]),
        max_size=4,
    ).map(lambda ps: "?" + "&".join(ps) if ps else ""),
    st.sampled_from(["", "#frag"]),
)
device_ids = st.builds(
    lambda u, upper, braces: (f"{{{u}}}" if braces else str(u)).upper() if upper else str(u),
    st.uuids(),
    st.booleans(),
    st.booleans(),
)
card_fingerprints = st.text(alphabet=_alnum, min_size=16, max_size=16)


def _iban(country: str, bban: str) -> str:
    digits = "".join(str(int(c, 36)) for c in bban + country + "00")
    return f"{country}{98 - int(digits) % 97:02d}{bban}"


ibans = st.builds(
    _iban,
    st.sampled_from(["DE", "GB", "FR", "NL", "ES"]),
    st.text(alphabet=string.digits + string.ascii_uppercase, min_size=12, max_size=22),
).map(lambda iban: " ".join(iban[i : i + 4] for i in range(0, len(iban), 4)))
bank_accounts = st.one_of(
    ibans,
    st.builds(
        lambda a, b, c: f"{a}-{b} {c}".strip(),
        *(st.text(alphabet=string.digits, min_size=m, max_size=6) for m in (2, 2, 0)),
    ),
)

WELL_FORMED: dict[str, st.SearchStrategy[str]] = {
    "email": emails,
    "phone": phones().map(lambda p: p[0]),
    "username": usernames,
    "payment_handle": payment_handles,
    "crypto_address": crypto_addresses(),
    "url": urls,
    "domain": domains,
    "ip": ips,
    "device_id": device_ids,
    "card_fingerprint": card_fingerprints,
    "bank_account": bank_accounts,
}
