"""Platform usernames: canonical form is the handle, lowercase, without leading `@`.

Why: the big platforms treat handles case-insensitively and show them with an
`@` that is not part of the name (`@Jane_Doe` and `jane_doe` are one account).
Internal whitespace is kept as is (it is rare and may be meaningful on platforms
that allow display-style names). The platform is not embedded in the value: it
is a separate column, normalised by `normalise_platform`.
"""

from __future__ import annotations

from typing import ClassVar

from sever.normalize._text import ascii_guard, empty, strip_text
from sever.normalize.base import Normalised, SqlFastPath

# Short names and domains seen in reports, mapped to one platform name.
PLATFORM_ALIASES: dict[str, str] = {
    "ig": "instagram",
    "insta": "instagram",
    "instagram.com": "instagram",
    "snap": "snapchat",
    "sc": "snapchat",
    "snapchat.com": "snapchat",
    "twitter": "x",
    "twitter.com": "x",
    "x.com": "x",
    "fb": "facebook",
    "facebook.com": "facebook",
    "meta": "facebook",
    "messenger": "facebook",
    "tt": "tiktok",
    "tiktok.com": "tiktok",
    "tg": "telegram",
    "t.me": "telegram",
    "telegram.org": "telegram",
    "wa": "whatsapp",
    "whatsapp.com": "whatsapp",
    "yt": "youtube",
    "youtube.com": "youtube",
    "discord.com": "discord",
    "discord.gg": "discord",
    "reddit.com": "reddit",
    "roblox.com": "roblox",
    "kik messenger": "kik",
    "kik.com": "kik",
}


def normalise_platform(name: str | None) -> str:
    """Canonical platform name: stripped, lowercase, aliases resolved; '' for none."""
    key = strip_text(name or "").lower().removeprefix("www.")
    return PLATFORM_ALIASES.get(key, key)


class Username:
    id_type: ClassVar[str] = "username"

    def normalise(
        self, raw: str, *, region: str | None = None, platform: str | None = None
    ) -> Normalised:
        text = strip_text(raw)
        if not text:
            return empty(raw)
        handle = text
        while handle.startswith("@"):  # `@@name`, `@ name`: all display decoration
            handle = strip_text(handle[1:])
        if not handle:
            return Normalised(text.lower(), False, "no name after @")
        return Normalised(handle.lower(), True)

    def sql(self, value: str, region: str, platform: str) -> SqlFastPath | None:
        # On printable ASCII the only whitespace is the space.
        handle = f"lower(regexp_replace(trim({value}), '^[@ ]+', ''))"
        expr = f"CASE WHEN {ascii_guard(value)} THEN nullif({handle}, '') END"
        return SqlFastPath(value=expr, valid="TRUE")
