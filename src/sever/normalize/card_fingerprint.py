"""Card fingerprints: canonical form is the value stripped, case kept.

Why: processor fingerprints (e.g. Stripe's) are opaque, case-sensitive tokens;
changing anything but surrounding whitespace could merge different cards.
"""

from __future__ import annotations

from typing import ClassVar

from sever.normalize._text import ascii_guard, empty, strip_text
from sever.normalize.base import Normalised, SqlFastPath


class CardFingerprint:
    id_type: ClassVar[str] = "card_fingerprint"

    def normalise(
        self, raw: str, *, region: str | None = None, platform: str | None = None
    ) -> Normalised:
        text = strip_text(raw)
        return Normalised(text, True) if text else empty(raw)

    def sql(self, value: str, region: str, platform: str) -> SqlFastPath | None:
        expr = f"CASE WHEN {ascii_guard(value)} THEN nullif(trim({value}), '') END"
        return SqlFastPath(value=expr, valid="TRUE")
