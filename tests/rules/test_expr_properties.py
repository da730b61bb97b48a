"""Property: a condition's SQL (DuckDB) and Python evaluations agree on every row, NULLs too.

Random well-typed conditions over part of the vocabulary (numbers, shares, true/false,
text with known and free values), random rows with NULLs, both evaluations compared as
three-valued results (true, false, NULL).
"""

from __future__ import annotations

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sever.rules.expr import compile_condition

COLUMNS = {  # name -> DuckDB type
    "distinct_payers_72h": "INTEGER",
    "age": "INTEGER",
    "minor_payer_share_72h": "DOUBLE",
    "in_usd_72h": "DOUBLE",
    "is_minor": "BOOLEAN",
    "kind": "VARCHAR",
    "country": "VARCHAR",
}
NUMERIC = ["distinct_payers_72h", "age", "minor_payer_share_72h", "in_usd_72h"]
floats = st.floats(-1e6, 1e6, allow_nan=False, allow_subnormal=False).filter(
    lambda x: x == 0 or abs(x) > 1e-6
)
numbers = st.one_of(st.integers(-1000, 1000), floats, st.sampled_from([0, 0.0, -0.0, 0.5, 1]))
texts = st.sampled_from(["NG", "US", "O'Neil", "x'); drop table f; --", ""])


def _plain(x: float) -> str:
    return repr(float(x)) if isinstance(x, float) else str(x)


def _num_literal(x: float) -> str:
    text = _plain(x)
    return f"({text})" if text.startswith("-") else text


@st.composite
def num_expr(draw, depth: int = 3) -> str:
    leaf = st.one_of(st.sampled_from(NUMERIC), numbers.map(_num_literal))
    if depth == 0:
        return draw(leaf)
    sub = num_expr(depth=depth - 1)
    choice = draw(st.integers(0, 6))
    if choice == 0:
        return draw(leaf)
    if choice == 1:
        op = draw(st.sampled_from(["+", "-", "*", "/"]))
        return f"({draw(sub)} {op} {draw(sub)})"
    if choice == 2:
        return f"(- {draw(sub)})"
    if choice == 3:
        return f"abs({draw(sub)})"
    fn = draw(st.sampled_from(["least", "greatest", "coalesce"]))
    args = draw(st.lists(sub, min_size=2, max_size=3))
    return f"{fn}({', '.join(args)})"


@st.composite
def bool_expr(draw, depth: int = 3) -> str:
    atoms = [
        st.builds(
            lambda a, op, b: f"({a} {op} {b})",
            num_expr(depth=2),
            st.sampled_from(["=", "!=", "<>", "<", "<=", ">", ">="]),
            num_expr(depth=2),
        ),
        st.builds(
            lambda a, lo, hi, neg: f"({a} {'not ' if neg else ''}between {lo} and {hi})",
            num_expr(depth=1),
            num_expr(depth=1),
            num_expr(depth=1),
            st.booleans(),
        ),
        st.builds(
            lambda a, xs, neg: f"({a} {'not ' if neg else ''}in ({', '.join(xs)}))",
            num_expr(depth=1),
            st.lists(numbers.map(_plain), min_size=1, max_size=3),
            st.booleans(),
        ),
        st.builds(
            lambda a, neg: f"({a} is {'not ' if neg else ''}null)",
            st.sampled_from([*COLUMNS]),
            st.booleans(),
        ),
        st.just("is_minor"),
        st.sampled_from(["true", "false"]),
        st.builds(
            lambda v, op: f"(kind {op} '{v}')",
            st.sampled_from(["individual", "business"]),
            st.sampled_from(["=", "!="]),
        ),
        st.builds(lambda v: "(country in ('" + v.replace("'", "''") + "', 'NG'))", texts),
        st.builds(lambda v: "(country = '" + v.replace("'", "''") + "')", texts),
        st.builds(lambda b: f"coalesce(is_minor, {b})", st.sampled_from(["true", "false"])),
    ]
    if depth == 0:
        return draw(st.one_of(*atoms))
    sub = bool_expr(depth=depth - 1)
    choice = draw(st.integers(0, 3))
    if choice == 0:
        return draw(st.one_of(*atoms))
    if choice == 1:
        return f"(not {draw(sub)})"
    op = draw(st.sampled_from(["and", "or"]))
    return f"({draw(sub)} {op} {draw(sub)})"


rows = st.fixed_dictionaries(
    {
        "distinct_payers_72h": st.none() | st.integers(0, 50),
        "age": st.none() | st.integers(5, 90),
        "minor_payer_share_72h": st.none() | st.floats(0, 1),
        "in_usd_72h": st.none() | floats,
        "is_minor": st.none() | st.booleans(),
        "kind": st.none() | st.sampled_from(["individual", "business"]),
        "country": st.none() | texts,
    }
)


@pytest.fixture(scope="module")
def con():
    c = duckdb.connect()
    yield c
    c.close()


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(text=bool_expr(), data=st.lists(rows, min_size=1, max_size=8))
def test_sql_and_python_agree(con, text: str, data: list[dict]) -> None:
    cond = compile_condition(text, "payee", "72h")
    con.execute(
        "CREATE OR REPLACE TEMP TABLE f (i INTEGER, "
        + ", ".join(f"{c} {t}" for c, t in COLUMNS.items())
        + ")"
    )
    con.executemany(
        f"INSERT INTO f VALUES (?, {', '.join('?' for _ in COLUMNS)})",
        [[i, *(r[c] for c in COLUMNS)] for i, r in enumerate(data)],
    )
    got = dict(con.execute(f'SELECT i, {cond.sql()} FROM f AS "f" ORDER BY i').fetchall())
    for i, row in enumerate(data):
        assert got[i] == cond.value(row), (text, row, cond.sql())
