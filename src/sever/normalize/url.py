"""URLs: canonical form `scheme://host[:port]/path[?sorted query]`.

Why: one link circulates with different casing, default ports, tracking
parameters, fragments and trailing slashes. Steps: add `http://` when there is
no scheme; lowercase scheme and host; host to ASCII (IDNA); drop user info,
default port (80 for http/ws, 443 for https/wss), fragment and tracking
parameters (`utm_*` and `TRACKING_PARAMS`); sort the remaining `key=value` pairs
(kept as written, not re-encoded); drop trailing slashes except the root `/`.
The path's case is kept: servers may treat it case-sensitively. A value that is
not a usable URL (no valid host, bad port) is kept stripped, flagged.
Python only: parsing URLs in SQL would be a second, divergent parser.
"""

from __future__ import annotations

import ipaddress
import re
from typing import ClassVar
from urllib.parse import unquote_plus, urlsplit

from sever.normalize import _host
from sever.normalize._text import STRIP_CHARS, empty, strip_text
from sever.normalize.base import Normalised, SqlFastPath

TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid",
        "ttclid", "igshid", "igsh", "mc_cid", "mc_eid", "si", "ref_src", "ref_url",
        "_hsenc", "_hsmi", "mkt_tok", "s_cid", "spm", "vero_id", "oly_enc_id", "oly_anon_id",
    }
)  # fmt: skip
DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}
_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*://", re.IGNORECASE)


def _is_tracking(param: str) -> bool:
    key = unquote_plus(param.split("=", 1)[0]).lower()
    return key.startswith("utm_") or key in TRACKING_PARAMS


def _canonical_host(host: str) -> str | None:
    """ASCII host name or IP address text (IPv6 in brackets); None if neither."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return f"[{address}]" if address.version == 6 else str(address)
    ascii_host = _host.to_ascii(host.rstrip("."))
    if ascii_host is None or not _host.is_domain(ascii_host):
        return None
    return ascii_host


class Url:
    id_type: ClassVar[str] = "url"

    def normalise(
        self, raw: str, *, region: str | None = None, platform: str | None = None
    ) -> Normalised:
        text = strip_text(raw)
        if not text:
            return empty(raw)
        full = text if _SCHEME.match(text) else "http://" + text.removeprefix("//")
        try:
            parts = urlsplit(full)
            port = parts.port
        except ValueError:
            return Normalised(text, False, "unparseable URL")
        host = _canonical_host(parts.hostname or "")
        if host is None:
            return Normalised(text, False, "no valid host in URL")
        scheme = parts.scheme  # urlsplit lowercases it
        netloc = host if port is None or DEFAULT_PORTS.get(scheme) == port else f"{host}:{port}"
        # Whitespace is trimmed at the ends of the path and of each parameter too,
        # or the canonical form could end in whitespace and not be a fixpoint.
        path = parts.path.rstrip("/" + STRIP_CHARS) or "/"
        pieces = (p.strip(STRIP_CHARS) for p in parts.query.split("&"))
        params = sorted(p for p in pieces if p and not _is_tracking(p))
        query = "?" + "&".join(params) if params else ""
        return Normalised(f"{scheme}://{netloc}{path}{query}", True)

    def sql(self, value: str, region: str, platform: str) -> SqlFastPath | None:
        return None
