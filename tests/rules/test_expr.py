"""The condition language: what it accepts, what it refuses and how it says so."""

from __future__ import annotations

import duckdb
import pytest

from sever.rules.expr import ConditionError, compile_condition

ISSUE_EXAMPLE = (
    "distinct_first_time_payers_72h >= 5 and minor_payer_share_72h >= 0.6"
    " and median_amount_usd between 10 and 500"
)


def errors(text: str, scope: str = "payee", window: str = "72h") -> list:
    with pytest.raises(ConditionError) as info:
        compile_condition(text, scope, window)  # type: ignore[arg-type]
    return info.value.errors


def test_the_issue_example_compiles_with_the_rule_window() -> None:
    c = compile_condition(ISSUE_EXAMPLE, "payee", "72h")
    assert set(c.columns) == {
        "distinct_first_time_payers_72h",
        "minor_payer_share_72h",
        "median_amount_usd_72h",
    }
    row = {"distinct_first_time_payers_72h": 6, "minor_payer_share_72h": 0.7}
    assert c.value({**row, "median_amount_usd_72h": 40.0}) is True
    assert c.value({**row, "median_amount_usd_72h": None}) is None
    assert c.evaluate({**row, "median_amount_usd_72h": None}) is False


@pytest.mark.parametrize(
    ("text", "message", "column", "hint"),
    [
        (
            "minor_payer_shar_72h >= 0.6",
            "unknown feature 'minor_payer_shar_72h'",
            1,
            "did you mean minor_payer_share_72h?",
        ),
        ("1=1; drop table alerts", "';' is not allowed", 4, None),
        ("distinct_payers_72h > 1 -- or 1=1", "'--' starts a SQL comment", 25, None),
        ('distinct_payers_72h > "x"', "double quotes are not allowed", 23, None),
        ("(distinct_payers_72h > 3", "unbalanced parentheses: this '(' is never closed", 1, None),
        ("distinct_payers_72h > 3)", "unbalanced parentheses: this ')' closes nothing", 24, None),
        (
            "distinct_payers_48h > 3",
            "the engine computes no 48h window",
            1,
            "distinct_payers is computed for: 24h, 72h, 30d",
        ),
        ("repeat_payers_72h > 3", "repeat_payers has no 72h window", 1, "computed for: 24h"),
        (
            "abroad_out_usd_30d > 3",
            "looks back 30d, longer than the rule's window 72h",
            1,
            "set `window: 30d` or use a shorter feature",
        ),
        ("kind = 3", "'=' compares text with a number", 8, None),
        ("kind = 'indvidual'", "kind is never 'indvidual'", 8, "did you mean individual?"),
        ("is_minor > 1", "'>' needs a number, but this is true/false", 1, None),
        (
            "distinct_payers_72h and is_minor",
            "'and' needs true/false, but this is a number",
            1,
            None,
        ),
        ("distinct_payers_72h + 1", "a condition must be true or false", 1, None),
        ("sqrt(in_usd_72h) > 1", "unknown function 'sqrt'", 1, None),
        ("coalesce(in_usd_72h) > 1", "coalesce() takes at least 2 argument(s), got 1", 1, None),
        ("1 < in_usd_72h < 5", "comparisons do not chain", 16, None),
        ("in_usd_72h = null", "null is only allowed as `x is null`", 14, None),
        ("in_usd_72h > 1e400", "numbers must lie within", 14, None),
        ("", "the condition is empty", 1, None),
        ("in_usd_72h in (1, 'a')", "'in' compares a number with text", 19, None),
        ("select * from alerts", "'select' is SQL, not part of a condition", 1, None),
        ("in_usd_72h > 1 union select 1", "'union' is SQL, not part of a condition", 16, None),
    ],
)
def test_refused_with_the_token_and_a_hint(text, message, column, hint) -> None:
    first = errors(text)[0]
    assert message in first.message
    assert first.column == column
    if hint:
        assert first.hint == hint
    rendered = first.render()
    assert rendered.splitlines()[2].index("^") - 4 == column - 1  # the caret under the token


def test_every_problem_is_reported_not_only_the_first() -> None:
    found = errors("foo >= 1 and bar_72h < 2 and kind = 'shop'")
    assert [e.message for e in found] == [
        "unknown feature 'foo'",
        "unknown feature 'bar_72h'",
        "kind is never 'shop'",
    ]


def test_errors_point_at_the_right_line_of_a_multi_line_condition() -> None:
    (e,) = errors("distinct_payers_72h >= 3\n  and minor_payer_shar >= 0.5")
    assert (e.line, e.column) == (2, 7)
    assert e.hint == "did you mean minor_payer_share?"


@pytest.mark.parametrize(
    "text",
    [
        "country = 'x'' or 1=1 or ''x'",
        "country in ('NG', 'x''); drop table alerts; --')",
        "country = 'Robert''); DROP TABLE alerts;--'",
    ],
)
def test_text_literals_never_escape_their_quotes(text: str) -> None:
    c = compile_condition(text, "payee", "24h")
    sql = c.sql()
    con = duckdb.connect()
    con.execute("CREATE TABLE alerts (x INT)")
    con.execute("CREATE TABLE f (country VARCHAR)")
    con.execute("INSERT INTO f VALUES ('NG'), (NULL)")
    assert con.execute(f'SELECT count(*) FROM f AS "f" WHERE {sql}').fetchone() is not None
    assert con.execute("SELECT count(*) FROM alerts").fetchone() == (0,)  # still there


def test_pair_scope_reads_both_sides() -> None:
    c = compile_condition(
        "payer.is_minor and pair_count >= 2 and payee.distinct_payers >= 3", "pair", "72h"
    )
    assert set(c.columns) == {"payer.is_minor", "pair_count_72h", "payee.distinct_payers_72h"}
    assert '"payee"."distinct_payers_72h"' in c.sql()
    assert "payer.is_minor" in errors("payer.is_minor", "payee")[0].message


def test_sql_holds_only_vocabulary_names_and_rendered_literals() -> None:
    c = compile_condition(
        "in_usd_24h / in_count_24h >= 1.5 and kind in ('business')", "payee", "24h"
    )
    assert c.sql() == (
        '(((CAST("f"."in_usd_24h" AS DOUBLE) / nullif(CAST("f"."in_count_24h" AS DOUBLE),'
        ' CAST(0.0 AS DOUBLE))) >= CAST(1.5 AS DOUBLE)) AND ("f"."kind" IN (\'business\')))'
    )
