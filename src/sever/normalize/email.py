"""Email addresses: canonical form `local@domain`, lowercase, provider rules applied.

Why: the same mailbox is written many ways (`Foo.Bar+promo@GoogleMail.com` and
`foobar@gmail.com` reach one inbox), and abusers rotate exactly those spellings.
Steps: strip, lowercase (mailbox local parts are case-insensitive at every large
provider), drop one trailing dot of the domain, domain to ASCII (IDNA), then the
provider rules below. Invalid addresses (not exactly one `@`, empty or spaced
local part, bad domain) are kept, lowercased, with `valid=False` and a note.

Provider rules (`PROVIDERS`):

| domain                          | canonical domain | drop dots | strip `+tag` |
|---------------------------------|------------------|-----------|--------------|
| gmail.com, googlemail.com       | gmail.com        | yes       | yes          |
| outlook.com, hotmail.com, live.com, msn.com | same | no        | yes          |
| icloud.com, me.com, mac.com     | same             | no        | yes          |
| fastmail.com, fastmail.fm       | same             | no        | yes          |
| proton.me, protonmail.com, protonmail.ch, pm.me | same | no    | yes          |
| yandex.ru, yandex.com, zoho.com | same             | no        | yes          |

Yahoo is absent on purpose: it uses `-` disposable addresses, not `+tag`. A
local part that the rules would empty (`+x@gmail.com`) is flagged instead.
"""

from __future__ import annotations

from typing import ClassVar, NamedTuple

from sever.normalize import _host
from sever.normalize._text import ascii_guard, empty, let, sql_in, sql_str, strip_text
from sever.normalize.base import Normalised, SqlFastPath


class Rule(NamedTuple):
    domain: str  # canonical domain
    drop_dots: bool
    strip_tag: bool


PROVIDERS: dict[str, Rule] = {
    "gmail.com": Rule("gmail.com", True, True),
    "googlemail.com": Rule("gmail.com", True, True),
    **{
        d: Rule(d, False, True)
        for d in (
            "outlook.com", "hotmail.com", "live.com", "msn.com",
            "icloud.com", "me.com", "mac.com",
            "fastmail.com", "fastmail.fm",
            "proton.me", "protonmail.com", "protonmail.ch", "pm.me",
            "yandex.ru", "yandex.com", "zoho.com",
        )
    },
}  # fmt: skip

# Printable ASCII except space and `@`: the ASCII local parts Python accepts.
_SQL_EMAIL = rf"([!-?A-~]+)@({_host.DOMAIN})\.?"


def apply_rule(local: str, domain: str) -> tuple[str, str]:
    """Provider rule for an already lowercased, ASCII-domain address."""
    rule = PROVIDERS.get(domain)
    if rule is None:
        return local, domain
    if rule.strip_tag:
        local = local.split("+", 1)[0]
    if rule.drop_dots:
        local = local.replace(".", "")
    return local, rule.domain


class Email:
    id_type: ClassVar[str] = "email"

    def normalise(
        self, raw: str, *, region: str | None = None, platform: str | None = None
    ) -> Normalised:
        text = strip_text(raw).lower()
        if not text:
            return empty(raw)

        def bad(note: str) -> Normalised:
            return Normalised(text, False, note)

        if text.count("@") != 1:
            return bad("not exactly one @")
        local, domain = text.split("@")
        if not local:
            return bad("empty local part")
        if any(c.isspace() or not c.isprintable() for c in local):
            return bad("whitespace or control character in local part")
        domain = domain.removesuffix(".")
        if not domain:
            return bad("empty domain")
        ascii_domain = _host.to_ascii(domain)
        if ascii_domain is None or not _host.is_domain(ascii_domain):
            return bad("bad domain")
        local, ascii_domain = apply_rule(local, ascii_domain)
        if not local:
            return bad("local part empty after provider rules")
        return Normalised(f"{local}@{ascii_domain}", True)

    def sql(self, value: str, region: str, platform: str) -> SqlFastPath | None:
        # Decides valid ASCII addresses; flagged ones (they need a note) go to Python.
        groups: dict[tuple[str, bool, bool], list[str]] = {}
        for d, rule in PROVIDERS.items():
            renamed = rule.domain if rule.domain != d else ""
            groups.setdefault((renamed, rule.drop_dots, rule.strip_tag), []).append(d)
        cases = []
        for (renamed, drop_dots, strip_tag), domains in groups.items():
            loc = "split_part(email_l, '+', 1)" if strip_tag else "email_l"
            loc = f"replace({loc}, '.', '')" if drop_dots else loc
            dom = sql_str(renamed) if renamed else "email_d"
            cases.append(
                f"WHEN {sql_in('email_d', domains)} THEN nullif({loc}, '') || '@' || {dom}"
            )
        # The full match allows at most one trailing dot, so rtrim drops just that one;
        # the domain regex caps each label but not the total length.
        canonical = f"""CASE WHEN length(email_d) <= {_host.MAX_DOMAIN} THEN
            CASE {" ".join(cases)} ELSE email_l || '@' || email_d END END"""
        canonical = let("rtrim(split_part(email_t, '@', 2), '.')", "email_d", canonical)
        canonical = let("split_part(email_t, '@', 1)", "email_l", canonical)
        text = f"lower(trim({value}))"
        # Regexes stay outside `let`: inside a lambda DuckDB recompiles them per vector.
        decided = f"{ascii_guard(value)} AND regexp_full_match({text}, '{_SQL_EMAIL}')"
        expr = f"CASE WHEN {decided} THEN {let(text, 'email_t', canonical)} END"
        return SqlFastPath(value=expr, valid="TRUE")
