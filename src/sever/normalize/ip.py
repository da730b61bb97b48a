"""IP addresses: canonical form is `ipaddress`'s text (IPv4 dotted, IPv6 compressed).

Why: an address is written with or without a port (`1.2.3.4:443`,
`[2001:db8::1]:443`), brackets, an interface zone (`fe80::1%eth0`), in full or
compressed IPv6, or as IPv4-mapped IPv6 (`::ffff:1.2.3.4`, what dual-stack
servers log for IPv4 clients). Ports, brackets and zones are dropped and mapped
addresses become IPv4. IPv4 with leading zeros (`010.0.0.1`) is rejected, as
`ipaddress` does: octal or decimal would be a guess. Invalid text is kept
(lowercased) and flagged.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from typing import ClassVar

from sever.normalize._text import ascii_guard, empty, strip_text
from sever.normalize.base import Normalised, SqlFastPath

_PORT = r"(?::[0-9]{1,5})?"
_BRACKETED = re.compile(r"\[([^\]]*)\]" + _PORT)
_HOST_PORT = re.compile(r"([^:]*)" + _PORT)  # at most one colon: IPv4 or name, maybe a port
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
IPV4_PORT = rf"{_OCTET}(?:\.{_OCTET}){{3}}{_PORT}"
# Eight groups without leading zeros, the first not zero (so not a mapped or
# compatible IPv4 form): RFC 5952 text as it is, unless two zero groups in a row
# call for `::` (checked beside the regex).
_GROUP = "(?:0|[1-9a-f][0-9a-f]{0,3})"
IPV6_CANONICAL = rf"[1-9a-f][0-9a-f]{{0,3}}(?::{_GROUP}){{7}}"


def _host(text: str) -> str | None:
    """The address part of `text`, without brackets, port or zone; None if malformed."""
    match = _BRACKETED.fullmatch(text)
    if match:
        host = match.group(1)
    elif text.count(":") <= 1:
        match = _HOST_PORT.fullmatch(text)
        if match is None:
            return None
        host = match.group(1)
    else:
        host = text
    if ":" in host:
        host = host.split("%", 1)[0]  # IPv6 zone: local to one machine
    return host


def ipv6_text(host: str) -> str | None:
    """The C library's RFC 5952 text for an IPv6 address, ~30x faster than `ipaddress`.

    None when it cannot decide the way `ipaddress` would: unparseable text, and
    addresses whose first 80 bits are zero (IPv4-mapped and IPv4-compatible
    forms, which the C library prints with a dotted quad)."""
    try:
        packed = socket.inet_pton(socket.AF_INET6, host)
    except OSError:
        return None
    return socket.inet_ntop(socket.AF_INET6, packed) if any(packed[:10]) else None


class Ip:
    id_type: ClassVar[str] = "ip"

    def normalise(
        self, raw: str, *, region: str | None = None, platform: str | None = None
    ) -> Normalised:
        text = strip_text(raw).lower()
        if not text:
            return empty(raw)
        host = _host(text)
        if host and ":" in host and (fast := ipv6_text(host)) is not None:
            return Normalised(fast, True)
        try:
            address = ipaddress.ip_address(host or "")
        except ValueError:
            return Normalised(text, False, "not an IP address")
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        return Normalised(str(address), True)

    def sql(self, value: str, region: str, platform: str) -> SqlFastPath | None:
        # IPv4 (optionally with a port), and IPv6 already in its canonical text; other
        # IPv6 spellings (compressed, zero-padded, mapped, bracketed) are left to Python.
        text = f"trim({value})"
        guard = ascii_guard(value)
        ipv4 = f"regexp_full_match({text}, '{IPV4_PORT}')"
        ipv6 = (
            f"regexp_full_match(lower({text}), '{IPV6_CANONICAL}')"
            f" AND NOT contains(lower({text}) || ':', ':0:0:')"
        )
        return SqlFastPath(
            value=f"CASE WHEN {guard} THEN CASE WHEN {ipv4} THEN split_part({text}, ':', 1)"
            f" WHEN {ipv6} THEN lower({text}) END END",
            valid="TRUE",
        )
