"""The phone fast path against phonenumbers for every country calling code.

Hypothesis samples; this sweeps each code and national-number length once, with
numbers that start with and without each national prefix, so metadata quirks
(national prefixes, local-only lengths, non-geographic codes) are all exercised.
"""

from __future__ import annotations

import random

import phonenumbers
from normalize_helpers import python, sql_eval

from sever.normalize.phone import _country_patterns


def _rows() -> list[tuple[str, str | None, str | None]]:
    rng = random.Random(173)
    rows = []
    for code in sorted(phonenumbers.COUNTRY_CODE_TO_REGION_CODE):
        for length in range(1, 18):
            for first in ("0", "1", str(rng.randint(2, 9))):
                national = (first + "".join(rng.choice("0123456789") for _ in range(length)))[
                    :length
                ]
                sep = rng.choice(["", " ", "-", "."])
                rows.append((f"+{code}{sep}{national}", None, None))
    return rows


def test_phone_fast_path_agrees_for_every_country_code(wh) -> None:
    rows = _rows()
    decided = valid = 0
    for row, fast in zip(rows, sql_eval(wh, "phone", rows), strict=True):
        expected = python("phone", row)
        valid += expected.valid
        if fast[0] is not None:
            decided += 1
            assert fast == (expected.value, expected.valid), (row, expected)
    # It decides most valid numbers: only those with a strippable national prefix are left.
    assert decided > 0.7 * valid


def test_country_patterns_cover_every_code() -> None:
    possible, prefixed = _country_patterns()
    for code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
        assert f"{code}(?:" in possible
    assert prefixed.startswith("^(?:")
