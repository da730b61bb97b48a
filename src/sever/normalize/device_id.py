"""Device identifiers: canonical form stripped, lowercase, without surrounding braces.

Why: device ids are mostly UUIDs (IDFA/IDFV, Android ids, browser fingerprints),
which are case-insensitive hex and appear in registry form `{...}` on Windows.
Nothing else is assumed about their shape, so any non-empty value is valid.
"""

from __future__ import annotations

from typing import ClassVar

from sever.normalize._text import ascii_guard, empty, strip_text
from sever.normalize.base import Normalised, SqlFastPath


class DeviceId:
    id_type: ClassVar[str] = "device_id"

    def normalise(
        self, raw: str, *, region: str | None = None, platform: str | None = None
    ) -> Normalised:
        text = strip_text(raw).lower()
        if not text:
            return empty(raw)
        inner = text
        while len(inner) >= 2 and inner[0] == "{" and inner[-1] == "}":
            inner = strip_text(inner[1:-1])
        if not inner:
            return Normalised(text, False, "empty device id inside braces")
        return Normalised(inner, True)

    def sql(self, value: str, region: str, platform: str) -> SqlFastPath | None:
        # No braces, or one pair around brace-free text; nested braces go to Python.
        text = f"lower(trim({value}))"
        inner = f"trim(regexp_extract({text}, '^\\{{([^{{}}]*)\\}}$', 1))"
        expr = (
            f"CASE WHEN NOT {ascii_guard(value)} THEN NULL"
            f" WHEN NOT regexp_matches({text}, '[{{}}]') THEN nullif({text}, '')"
            f" WHEN regexp_full_match({text}, '\\{{[^{{}}]*\\}}') THEN nullif({inner}, '') END"
        )
        return SqlFastPath(value=expr, valid="TRUE")
