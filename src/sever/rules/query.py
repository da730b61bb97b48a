"""The one query every rule runs as: its hits over a range of days, in SQL.

Reads f_rule_account_day (or f_rule_pair_day joined with both sides' account rows) and
`_rule_scores`; returns SQL text taking `$day_from` and `$day_to` and yielding
(account_id, counterparty_id, day, values). The condition is the rendered, checked tree;
the only other identifiers come from the vocabulary, and `values` is a JSON object of
the features the rule reads, under the names a rule uses (so Python can re-evaluate it).
"""

from __future__ import annotations

from sever.rules import vocabulary as v
from sever.rules.expr.sql import quote_ident
from sever.rules.spec import Rule
from sever.sqlutil import lit

_SCORES = ", ".join(f"s.{quote_ident(c)}" for c in v.score_columns())
ACCOUNT_INPUT = f"""
    SELECT d.*, {_SCORES}
    FROM f_rule_account_day d LEFT JOIN _rule_scores s ON s.account_id = d.account_id
"""


def _raw(col: v.Column) -> str:
    return f"{quote_ident(col.relation)}.{quote_ident(col.column)}"


def values_sql(rule: Rule) -> str:
    cols = v.columns(rule.scope)
    pairs = ", ".join(f"{lit(name)}, {_raw(cols[name])}" for name in rule.value_names())
    return f"json_object({pairs})"


def hits_sql(rule: Rule) -> str:
    """SELECT account_id, counterparty_id, day, "values" of the rule's hits in the range."""
    # WHERE keeps the rows where the condition is true: unknown (NULL) is no hit. Left bare
    # (not wrapped in coalesce), its conjuncts reach the scans and joins they filter.
    cond = rule.compiled.sql()
    if rule.scope != "pair":
        return f"""
            SELECT f.account_id, CAST(NULL AS VARCHAR) AS counterparty_id, f.day,
                   {values_sql(rule)} AS "values"
            FROM ({ACCOUNT_INPUT}) f
            WHERE f.day BETWEEN $day_from AND $day_to AND ({cond})
        """
    subject = quote_ident(rule.side)
    other = quote_ident("payer" if rule.side == "payee" else "payee")
    return f"""
        WITH acct AS ({ACCOUNT_INPUT})
        SELECT p.{subject} AS account_id, p.{other} AS counterparty_id, p.day,
               {values_sql(rule)} AS "values"
        FROM f_rule_pair_day p
        LEFT JOIN acct "payer" ON "payer".account_id = p.payer AND "payer".day = p.day
        LEFT JOIN acct "payee" ON "payee".account_id = p.payee AND "payee".day = p.day
        WHERE p.day BETWEEN $day_from AND $day_to
          AND {subject}.account_id IS NOT NULL  -- the subject is an account we hold
          AND ({cond})
    """
