"""Phone numbers: canonical form E.164 (`+` country code, national number, digits only).

Why: one line is written `(415) 555-2671`, `+1 415-555-2671`, `001 415 5552671`;
E.164 is the one spelling all share. Parsing uses `phonenumbers` with the
account's country (`region`, ISO 3166 alpha-2; an unknown code counts as none)
as default region; without a region a number needs an international prefix
(`+` or `00`). `valid` means "possible number"
(plausible length for its country), not "assigned". Numbers that do not parse
are never dropped: they keep a `+`/digits-only form, flagged.

The result is a fixpoint (re-parsing the output gives the output): phonenumbers
may strip a national prefix once more when it re-reads its own E.164 output.
"""

from __future__ import annotations

import functools
from typing import ClassVar

import phonenumbers
from phonenumbers import NumberParseException, PhoneMetadata, ValidationResult

from sever.normalize._text import ascii_guard, empty, strip_text
from sever.normalize.base import Normalised, SqlFastPath

_REASONS = {
    ValidationResult.INVALID_COUNTRY_CODE: "invalid country code",
    ValidationResult.TOO_SHORT: "too short",
    ValidationResult.INVALID_LENGTH: "invalid length",
    ValidationResult.TOO_LONG: "too long",
}


def _region(region: str | None) -> str | None:
    code = (region or "").strip().upper()
    return code if code in phonenumbers.SUPPORTED_REGIONS else None


def _international(text: str, region: str | None) -> str:
    """Without a region, read a leading 00 (the most common international prefix) as +."""
    return "+" + text[2:] if region is None and text.startswith("00") else text


def _e164(number: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _parse(text: str, region: str | None) -> Normalised | None:
    """E.164 of `text`, iterated to a fixpoint; None when it does not parse."""
    try:
        number = phonenumbers.parse(text, region)
    except NumberParseException:
        return None
    value = _e164(number)
    for _ in range(4):  # one more round settles it in practice; the bound rules out cycles
        try:
            again = phonenumbers.parse(value, None)
        except NumberParseException:
            break  # normalising `value` again keeps it: it is already `+` and digits
        if _e164(again) == value:
            break
        number, value = again, _e164(again)
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason in (ValidationResult.IS_POSSIBLE, ValidationResult.IS_POSSIBLE_LOCAL_ONLY):
        return Normalised(value, True)
    return Normalised(value, False, f"not a possible number: {_REASONS.get(reason, reason)}")


class Phone:
    id_type: ClassVar[str] = "phone"

    def normalise(
        self, raw: str, *, region: str | None = None, platform: str | None = None
    ) -> Normalised:
        text = strip_text(raw)
        if not text:
            return empty(raw)
        default = _region(region)
        intl = _international(text, default)
        parsed = _parse(intl, default)
        if parsed is not None:
            return parsed
        # Unparseable: keep the digits (and a leading +), and try once more on that
        # form, so that normalising the result again gives the result.
        digits = phonenumbers.normalize_digits_only(text)
        form = _international(("+" if text[0] in "+＋" else "") + digits, default)
        if not form.strip("+"):
            return Normalised(text.lower(), False, "no digits in phone number")
        parsed = _parse(form, default) if form != intl else None
        if parsed is not None:
            return parsed
        return Normalised(form, False, "unparseable phone number")

    def sql(self, value: str, region: str, platform: str) -> SqlFastPath | None:
        # `+` then digits with spaces/dashes/dots: the region plays no part, and
        # E.164 is `+` and the digits unless phonenumbers would strip a national
        # prefix (left to Python). Only possible numbers are decided here.
        possible, prefixed = _country_patterns()
        text = f"trim({value})"
        # The shape check leaves only spaces, dashes and dots to remove (cheaper than a
        # regex). No `let` here: inside a lambda DuckDB recompiles the big patterns.
        digits = f"replace(replace(replace({text}, ' ', ''), '-', ''), '.', '')[2:]"
        decided = (
            f"{ascii_guard(value)} AND regexp_full_match({text}, '\\+[0-9][0-9 .-]*')"
            f" AND regexp_full_match({digits}, '{possible}')"
            f" AND NOT regexp_matches({digits}, '{prefixed}')"
        )
        # National layouts in the commonest home regions, where the national prefix is a
        # single digit and the number's shape is fixed: NANP (US, CA) and GB.
        national = f"regexp_replace({text}, '[ ().-]', '', 'g')"
        local = f"{ascii_guard(value)} AND regexp_full_match({text}, '[0-9(][0-9 ().-]*')"
        nanp = (
            f"{local} AND upper({region}) IN ('US', 'CA')"
            f" AND regexp_full_match({national}, '1?[2-9][0-9]{{9}}')"
        )
        gb = (
            f"{local} AND upper({region}) = 'GB'"
            f" AND regexp_full_match({national}, '0[1-357-9][0-9]{{9}}')"
        )
        return SqlFastPath(
            value=f"CASE WHEN {decided} THEN '+' || {digits}"
            f" WHEN {nanp} THEN '+1' || right({national}, 10)"
            f" WHEN {gb} THEN '+44' || {national}[2:] END",
            valid="TRUE",
        )


@functools.cache
def _country_patterns() -> tuple[str, str]:
    """Two RE2 patterns over the digits `country code + national number`, built from
    phonenumbers metadata: (1) the national number has a possible length for its
    country code; (2) it starts with what phonenumbers may strip as a national
    prefix when parsing. Country codes are prefix-free: the alternations are exact."""
    possible, prefixed = [], []
    for code in sorted(phonenumbers.COUNTRY_CODE_TO_REGION_CODE):
        main = phonenumbers.region_code_for_country_code(code)
        meta = PhoneMetadata.metadata_for_region_or_calling_code(code, main)
        if meta is None:
            continue  # unknown metadata: never decided in SQL
        desc = meta.general_desc
        # Same test as phonenumbers' length check, which gives up on a leading -1.
        if desc.possible_length and desc.possible_length[0] != -1:
            lengths = sorted(set(desc.possible_length) | set(desc.possible_length_local_only))
            options = "|".join("[0-9]{" + str(n) + "}" for n in lengths)
            possible.append(f"{code}(?:{options})")
        if meta.national_prefix_for_parsing:
            prefixed.append(f"{code}(?:{meta.national_prefix_for_parsing})")
    return "(?:" + "|".join(possible) + ")", "^(?:" + "|".join(prefixed) + ")"
