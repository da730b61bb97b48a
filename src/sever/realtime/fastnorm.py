"""Normalised values for screening: the registry's `normalise(...).value`, faster.

Reads nothing. Screening needs only the canonical value, never the validity flag, so
the costly checks (EIP-55, bech32, IBAN mod 97, phonenumbers' possibility test) are
skipped where they cannot change the value, and the commonest shapes take a cheap
path that mirrors the normaliser's SQL fast path (printable ASCII, so `strip(" ")` is
`strip_text`). Anything else goes to the reference normaliser. A property test checks
that every function here equals `normalise(...).value`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from sever.normalize import _host, get
from sever.normalize._text import strip_text
from sever.normalize.bank_account import _SEPARATORS
from sever.normalize.crypto_address import _ETH, _SEGWIT_PREFIX
from sever.normalize.email import apply_rule
from sever.normalize.ip import IPV4_PORT
from sever.normalize.phone import _country_patterns

# raw value, region (the party's country, for phone numbers) -> canonical value
NormFn = Callable[[str, str | None], str]

_EMAIL = re.compile(rf"([!-?A-~]+)@({_host.DOMAIN})\.?")
_PLUS_PHONE = re.compile(r"\+[0-9][0-9 .-]*")
_LOCAL_PHONE = re.compile(r"[0-9(][0-9 ().-]*")
_PHONE_LAYOUT = re.compile(r"[ ().-]")
_NANP = re.compile(r"1?[2-9][0-9]{9}")
_GB = re.compile(r"0[1-357-9][0-9]{9}")
_POSSIBLE, _PREFIXED = (re.compile(p) for p in _country_patterns())
_IPV4 = re.compile(IPV4_PORT)
_HANDLE_SPECIAL = frozenset("/?# ")


def _reference(id_type: str) -> NormFn:
    normaliser = get(id_type)

    def norm(raw: str, region: str | None) -> str:
        return normaliser.normalise(raw, region=region).value

    return norm


def _plain(raw: str) -> bool:
    """Printable ASCII: the only whitespace is the space, and lower() is one-to-one."""
    return raw.isascii() and raw.isprintable()


def _email(full: NormFn) -> NormFn:
    def norm(raw: str, region: str | None) -> str:
        if _plain(raw):
            m = _EMAIL.fullmatch(raw.strip(" ").lower())
            if m is not None and len(m[2]) <= _host.MAX_DOMAIN:
                local, domain = apply_rule(m[1], m[2])
                if local:
                    return f"{local}@{domain}"
        return full(raw, region)

    return norm


def _phone(full: NormFn) -> NormFn:
    # The SQL fast path's cases: `+` and digits is `+` and the digits unless phonenumbers
    # would strip a national prefix or the length is impossible for the country; fixed
    # national layouts of NANP (US, CA) and GB numbers in their home region.
    def norm(raw: str, region: str | None) -> str:
        if _plain(raw):
            text = raw.strip(" ")
            if _PLUS_PHONE.fullmatch(text):
                digits = text.replace(" ", "").replace("-", "").replace(".", "")[1:]
                if _POSSIBLE.fullmatch(digits) and not _PREFIXED.match(digits):
                    return "+" + digits
            elif region and _LOCAL_PHONE.fullmatch(text):
                national = _PHONE_LAYOUT.sub("", text)
                home = region.upper()
                if home in ("US", "CA") and _NANP.fullmatch(national):
                    return "+1" + national[-10:]
                if home == "GB" and _GB.fullmatch(national):
                    return "+44" + national[1:]
        return full(raw, region)

    return norm


def _ip(full: NormFn) -> NormFn:
    def norm(raw: str, region: str | None) -> str:
        if _plain(raw):
            text = raw.strip(" ")
            if _IPV4.fullmatch(text):
                return text.split(":", 1)[0]
        return full(raw, region)

    return norm


def _username(full: NormFn) -> NormFn:
    def norm(raw: str, region: str | None) -> str:
        if _plain(raw):
            text = raw.strip(" ")
            if not text.startswith("@"):
                return text.lower()
        return full(raw, region)

    return norm


def _payment_handle(full: NormFn) -> NormFn:
    # Without '/', '?', '#' or a space every form's canonical spelling is the text itself.
    def norm(raw: str, region: str | None) -> str:
        if _plain(raw):
            text = raw.strip(" ").lower()
            if _HANDLE_SPECIAL.isdisjoint(text):
                return text
        return full(raw, region)

    return norm


def _device_id(full: NormFn) -> NormFn:
    def norm(raw: str, region: str | None) -> str:
        if _plain(raw) and "{" not in raw:
            return raw.strip(" ").lower()
        return full(raw, region)

    return norm


def _crypto_address(raw: str, region: str | None) -> str:
    # The value never depends on the checksum checks: only which form it has.
    text = strip_text(raw)
    if m := _ETH.fullmatch(text):
        return "0x" + m[1].lower()
    if _SEGWIT_PREFIX.match(text):
        return text.lower()
    return text


def _bank_account(raw: str, region: str | None) -> str:
    if raw.isascii() and raw.isalnum():
        return raw.upper()
    text = strip_text(raw).upper()
    return _SEPARATORS.sub("", text) or text


def _card_fingerprint(raw: str, region: str | None) -> str:
    return strip_text(raw)


def _account_id(raw: str, region: str | None) -> str:
    # Institution account ids are exact: the warehouse keeps them as delivered.
    return raw


def norm_functions() -> dict[str, NormFn]:
    """One value function per identifier type a release entry may carry."""
    return {
        "account_id": _account_id,
        "email": _email(_reference("email")),
        "phone": _phone(_reference("phone")),
        "username": _username(_reference("username")),
        "payment_handle": _payment_handle(_reference("payment_handle")),
        "crypto_address": _crypto_address,
        "device_id": _device_id(_reference("device_id")),
        "ip": _ip(_reference("ip")),
        "card_fingerprint": _card_fingerprint,
        "bank_account": _bank_account,
        "url": _reference("url"),
    }
