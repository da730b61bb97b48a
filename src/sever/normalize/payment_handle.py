"""Payment handles (Cash App, Venmo, PayPal.me): one lowercase spelling per service.

Why: the same receiving handle circulates as a bare tag, a profile link or a
share link; matching needs one spelling. Canonical forms (input lowercased and
stripped first; anything after the name — path, query, fragment — is dropped):

| input                                                   | canonical        |
|---------------------------------------------------------|------------------|
| `$Name`, `cash.app/$Name`, `https://cash.app/$Name/25`  | `$name`          |
| `www.cash.app/name`, `cash.me/$name`                    | `$name`          |
| `@Name`, `venmo.com/Name`, `https://venmo.com/u/Name`   | `@name`          |
| `account.venmo.com/u/name`                              | `@name`          |
| `paypal.me/Name`, `https://www.paypal.me/Name/10`       | `paypal.me/name` |
| `paypal.com/paypalme/Name`                              | `paypal.me/name` |
| anything else                                           | stripped, lowercase |

All three services treat handles case-insensitively. Unrecognised text is kept
and valid: it may be a handle of a service not listed.
"""

from __future__ import annotations

import re
from typing import ClassVar

from sever.normalize._text import ascii_guard, empty, strip_text
from sever.normalize.base import Normalised, SqlFastPath

_NAME = r"([^/?#\s]+)"
_REST = r"(?:[/?#].*)?"
_WEB = r"(?:https?://)?"
# (pattern, prefix of the canonical form); the same patterns run in Python and
# in DuckDB (RE2): they only use syntax both read the same way.
FORMS: tuple[tuple[str, str], ...] = (
    (rf"\${_NAME}", "$"),
    (rf"{_WEB}(?:www\.)?cash\.(?:app|me)/\$?{_NAME}{_REST}", "$"),
    (rf"@{_NAME}", "@"),
    (rf"{_WEB}(?:www\.|account\.)?venmo\.com/(?:u/)?{_NAME}{_REST}", "@"),
    (rf"{_WEB}(?:www\.)?paypal\.(?:me|com/paypalme)/{_NAME}{_REST}", "paypal.me/"),
)
_COMPILED = tuple((re.compile(p), prefix) for p, prefix in FORMS)


class PaymentHandle:
    id_type: ClassVar[str] = "payment_handle"

    def normalise(
        self, raw: str, *, region: str | None = None, platform: str | None = None
    ) -> Normalised:
        text = strip_text(raw).lower()
        if not text:
            return empty(raw)
        for pattern, prefix in _COMPILED:
            match = pattern.fullmatch(text)
            if match:
                return Normalised(prefix + match.group(1), True)
        return Normalised(text, True)

    def sql(self, value: str, region: str, platform: str) -> SqlFastPath | None:
        text = f"lower(trim({value}))"
        cases = " ".join(
            f"WHEN regexp_full_match({text}, '{p}') "
            f"THEN '{prefix}' || regexp_extract({text}, '^{p}$', 1)"
            for p, prefix in FORMS
        )
        expr = (
            f"CASE WHEN NOT {ascii_guard(value)} OR {text} = '' THEN NULL {cases} ELSE {text} END"
        )
        return SqlFastPath(value=expr, valid="TRUE")
