"""Hypothesis properties of every normaliser: idempotence, agreement of the SQL
fast path with Python, and equivalence of case/whitespace variants.

Each example is a batch of rows (one DuckDB query checks them all), so there are
fewer examples than the profile's count; the number still scales with it.
"""

from __future__ import annotations

import functools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from normalize_helpers import WELL_FORMED, Row, inputs, python, sql_eval, variants

from sever.normalize import all_normalisers, get

ALL_TYPES = sorted(all_normalisers())
# Case is significant for card fingerprints, base58 addresses and URL paths; phone
# numbers have no letters to speak of. Those get whitespace variants only.
CASE_SENSITIVE = {"card_fingerprint", "crypto_address", "url", "phone"}
batched = settings(max_examples=max(10, settings.default.max_examples // 6))


def batch(strategy: st.SearchStrategy) -> st.SearchStrategy[list]:
    return st.lists(strategy, min_size=5, max_size=25)


@pytest.mark.parametrize("id_type", ALL_TYPES)
@batched
@given(data=st.data())
def test_idempotent_and_fast_path_agrees(wh, id_type: str, data: st.DataObject) -> None:
    rows: list[Row] = data.draw(batch(inputs(id_type)))
    results = [python(id_type, row) for row in rows]
    for (_, region, platform), once in zip(rows, results, strict=True):
        twice = python(id_type, (once.value, region, platform))
        assert twice.value == once.value, ("not idempotent", once, twice)
    if get(id_type).sql("v", "r", "p") is None:
        return
    # Whenever the fast path decides, it must say what Python says.
    for row, expected, fast in zip(rows, results, sql_eval(wh, id_type, rows), strict=True):
        if fast[0] is not None:
            assert fast == (expected.value, expected.valid), ("fast path differs", row, expected)


@functools.cache
def _pairs(id_type: str) -> st.SearchStrategy[list[tuple[str, str]]]:
    """Batches of (well-formed value, variant of it), drawn in one go."""
    case = id_type not in CASE_SENSITIVE
    pair = WELL_FORMED[id_type].flatmap(
        lambda value: st.tuples(st.just(value), variants(st.just(value), case=case))
    )
    return st.lists(pair, min_size=3, max_size=15)


@pytest.mark.parametrize("id_type", ALL_TYPES)
@batched
@given(data=st.data())
def test_variants_are_equivalent(id_type: str, data: st.DataObject) -> None:
    for value, variant in data.draw(_pairs(id_type)):
        assert python(id_type, (variant, "US", None)) == python(id_type, (value, "US", None))
