"""Host names as used by email, url and domain: IDNA to ASCII, then a syntax check.

IDNA uses the stdlib `idna` codec (IDNA 2003, with nameprep): it is what the
standard library offers; the differences from IDNA 2008 (e.g. `ß` maps to `ss`)
only matter for rare internationalised names, and the mapping is applied the
same way to accounts and signals, so matching stays consistent.
"""

from __future__ import annotations

import re

# A DNS label: letters, digits, hyphen inside, underscore tolerated (seen in real
# sub-domains); the last label must look like a TLD (letters, or punycode).
LABEL = r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?"
TLD = r"(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})"
DOMAIN = rf"(?:{LABEL}\.)+{TLD}"
MAX_DOMAIN = 253

_DOMAIN_RE = re.compile(DOMAIN)


def to_ascii(host: str) -> str | None:
    """Lowercase ASCII form of a host name, or None when IDNA cannot encode it."""
    host = host.lower()
    try:
        # For an ASCII name the codec only checks label lengths; others get punycode.
        return host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return None


def is_domain(host: str) -> bool:
    """A syntactically valid ASCII domain name (at least two labels)."""
    return len(host) <= MAX_DOMAIN and _DOMAIN_RE.fullmatch(host) is not None


def domain_sql(expr: str) -> str:
    """SQL condition equal to `is_domain` on ASCII input."""
    return f"(length({expr}) <= {MAX_DOMAIN} AND regexp_full_match({expr}, '{DOMAIN}'))"
