"""Bank accounts: canonical form uppercase without spaces or dashes.

Why: account numbers and IBANs are printed in groups (`DE89 3704 0044 0532 0130
00`, `12-3456-7`) and in either case; the digits and letters are what identify
the account. An IBAN-shaped value (country, 2 check digits, 11-30 letters or
digits) is checked with ISO 7064 mod 97-10 and flagged when it fails; other
account numbers have no universal checksum and are valid.
"""

from __future__ import annotations

import re
from typing import ClassVar

from sever.normalize._text import INVISIBLE, ascii_guard, empty, strip_text
from sever.normalize.base import Normalised, SqlFastPath

IBAN_SHAPE = r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}"
_IBAN_RE = re.compile(IBAN_SHAPE)
_SEPARATORS = re.compile(rf"[\s\-{INVISIBLE}]+")  # zero-width characters too: never meaningful


def iban_checksum_ok(iban: str) -> bool:
    """ISO 13616: move the first four characters to the end, letters to 10..35, mod 97 == 1."""
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


class BankAccount:
    id_type: ClassVar[str] = "bank_account"

    def normalise(
        self, raw: str, *, region: str | None = None, platform: str | None = None
    ) -> Normalised:
        text = strip_text(raw).upper()
        compact = _SEPARATORS.sub("", text)
        if not compact:
            return empty(raw) if not text else Normalised(text, False, "no account number")
        if _IBAN_RE.fullmatch(compact) and not iban_checksum_ok(compact):
            return Normalised(compact, False, "bad IBAN checksum")
        return Normalised(compact, True)

    def sql(self, value: str, region: str, platform: str) -> SqlFastPath | None:
        # IBANs need mod 97 over up to 34 characters (more than HUGEINT holds): Python.
        compact = f"regexp_replace(upper({value}), '[ -]', '', 'g')"
        expr = (
            f"CASE WHEN {ascii_guard(value)} AND NOT regexp_full_match({compact}, '{IBAN_SHAPE}')"
            f" THEN nullif({compact}, '') END"
        )
        return SqlFastPath(value=expr, valid="TRUE")
