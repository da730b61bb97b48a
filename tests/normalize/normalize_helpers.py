"""Shared helpers: evaluate a fast path in DuckDB; input strategies (arbitrary and well-formed)."""

from __future__ import annotations

import functools
import random
import string

from hypothesis import strategies as st
from normalize_wellformed import WELL_FORMED, phones

from sever.normalize import Normalised, get
from sever.warehouse import Warehouse

Row = tuple[str, str | None, str | None]  # raw value, region, platform


def sql_eval(wh: Warehouse, id_type: str, rows: list[Row]) -> list[tuple[str | None, bool | None]]:
    """(value, valid) from the fast path of `id_type` for each row, in order."""
    fast = get(id_type).sql("v", "r", "p")
    assert fast is not None
    result = wh.rows(
        "test:fast_path",
        f"""SELECT i, {fast.value}, {fast.valid}
            FROM (SELECT unnest(?::INTEGER[]) AS i, unnest(?::VARCHAR[]) AS v,
                         unnest(?::VARCHAR[]) AS r, unnest(?::VARCHAR[]) AS p)
            ORDER BY i""",
        [list(range(len(rows))), *(list(col) for col in zip(*rows, strict=True))],
    )
    return [(value, valid) for _, value, valid in result]


def python(id_type: str, row: Row) -> Normalised:
    return get(id_type).normalise(row[0], region=row[1], platform=row[2])


# --- arbitrary text, biased towards characters that matter to the normalisers ---

TRICKY = " \t\n\xa0\u2003\u200b\ufeff@.+-_$/:?#&=%{}[]()~!,;'\"\\İıßKſéüÜ。．＋０١0123456789"
tricky_text = st.text(alphabet=st.sampled_from(string.ascii_letters + TRICKY), max_size=40)
any_text = st.one_of(st.text(max_size=40), tricky_text)


@st.composite
def variants(draw: st.DrawFn, base: st.SearchStrategy[str], *, case: bool = True) -> str:
    """`base` with random surrounding whitespace and (if `case`) random letter case."""
    text = draw(base)
    if case:  # one draw for all flips: per-character draws make generation slow
        rng = random.Random(draw(st.integers(0, 2**32)))
        text = "".join(c.swapcase() if rng.random() < 0.5 else c for c in text)
    pad = st.sampled_from(["", "", " ", "\t", " \n", "\xa0", "\u200b "])
    return draw(pad) + text + draw(pad)


@st.composite
def mutated(draw: st.DrawFn, base: st.SearchStrategy[str]) -> str:
    """`base` with one character inserted, replaced or deleted."""
    text = draw(base)
    pos = draw(st.integers(0, len(text)))
    char = draw(st.sampled_from(string.ascii_letters + TRICKY))
    how = draw(st.sampled_from(["insert", "replace", "delete"]))
    if how == "insert":
        return text[:pos] + char + text[pos:]
    if how == "replace":
        return text[:pos] + char + text[pos + 1 :]
    return text[:pos] + text[pos + 1 :]


REGIONS = st.none() | st.sampled_from(["US", "GB", "DE", "IN", "BR", "us", "XX", ""])
PLATFORMS = st.none() | st.sampled_from(["instagram", "IG", "snap", ""])


@functools.cache
def inputs(id_type: str) -> st.SearchStrategy[Row]:
    """Rows for `id_type`: arbitrary text, well-formed values and their mutations."""
    value = st.one_of(
        any_text,
        WELL_FORMED[id_type],
        variants(WELL_FORMED[id_type]),
        mutated(WELL_FORMED[id_type]),
    )
    rows = st.tuples(value, REGIONS, PLATFORMS)
    if id_type == "phone":  # national forms only make sense with their region
        rows = st.one_of(rows, phones().map(lambda p: (p[0], p[1], None)))
    return rows
