"""Domains (shared DOMAIN signals): canonical form is the lowercase ASCII host name
without a trailing dot or leading `www.`.

Why: a domain signal arrives as a bare name, a URL or even an email address;
what matches is the registered host. `www.` is a presentation prefix (dropped
while at least two labels remain, so `www.com` stays); internationalised names
become punycode (IDNA), the form DNS and most logs use. Ports, paths and user
info are ignored. A value that yields no valid host name is kept, flagged.
"""

from __future__ import annotations

from typing import ClassVar
from urllib.parse import urlsplit

from sever.normalize import _host
from sever.normalize._text import ascii_guard, empty, strip_text
from sever.normalize.base import Normalised, SqlFastPath


def strip_www(host: str) -> str:
    while host.startswith("www.") and host.count(".") >= 2:
        host = host[4:]
    return host


def _hostname(text: str) -> str | None:
    """The host part of a URL, `user@host` or bare name (port/path dropped)."""
    try:
        return urlsplit(text if "://" in text else "//" + text).hostname
    except ValueError:  # e.g. an unbalanced `[`
        return None


class Domain:
    id_type: ClassVar[str] = "domain"

    def normalise(
        self, raw: str, *, region: str | None = None, platform: str | None = None
    ) -> Normalised:
        text = strip_text(raw).lower()
        if not text:
            return empty(raw)
        host = _hostname(text)
        if not host:
            return Normalised(text, False, "no host name")
        # Trailing dots are dropped before and after IDNA: the codec rejects `a.com..`
        # and keeps a trailing Unicode full stop as `.`.
        ascii_host = _host.to_ascii(host.rstrip("."))
        if ascii_host is None:
            return Normalised(text, False, "host name not IDNA-encodable")
        ascii_host = strip_www(ascii_host.rstrip("."))
        if not _host.is_domain(ascii_host):
            return Normalised(text, False, "not a valid domain name")
        return Normalised(ascii_host, True)

    def sql(self, value: str, region: str, platform: str) -> SqlFastPath | None:
        # Bare ASCII host names only; `www.www.` chains and anything with a scheme,
        # port, path or `@` go to Python.
        text = f"lower(trim({value}))"
        host = f"rtrim({text}, '.')"
        bare = f"regexp_replace({host}, '^www\\.', '')"
        decided = (
            f"{ascii_guard(value)} AND regexp_full_match({text}, '[a-z0-9._-]+')"
            f" AND NOT starts_with({host}, 'www.www.')"
        )
        # `www.` is dropped only when two labels remain (so `www.com` stays).
        canonical = f"CASE WHEN strpos({bare}, '.') > 0 THEN {bare} ELSE {host} END"
        expr = f"CASE WHEN {decided} AND {_host.domain_sql(canonical)} THEN {canonical} END"
        return SqlFastPath(value=expr, valid="TRUE")
