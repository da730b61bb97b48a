"""Render a checked condition as DuckDB SQL: identifiers from the vocabulary, literals by us.

Reads a checked tree (`check.Checked`); returns a SQL boolean expression. No text the
analyst wrote reaches the SQL: names come from the vocabulary's column list, numbers
are re-printed from their parsed value, text literals are re-quoted. Every operation is
parenthesised, numbers compare as DOUBLE (exactly what Python's float does) and
division by zero is NULL, so `evaluate.evaluate` gives the same answer row by row.
"""

from __future__ import annotations

from collections.abc import Callable

from sever.rules import vocabulary as v
from sever.rules.expr import nodes as n

_SQL_OP = {"=": "=", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">="}


def quote_ident(name: str) -> str:
    if not name.replace("_", "").isalnum() or not name.isascii():
        raise ValueError(f"not a vocabulary identifier: {name!r}")
    return f'"{name}"'


def column_ref(col: v.Column) -> str:
    """Where a column lives: `alias."column"`, as DOUBLE when numeric."""
    ref = f"{quote_ident(col.relation)}.{quote_ident(col.column)}"
    return f"CAST({ref} AS DOUBLE)" if col.type in v.NUMERIC else ref


def literal(value: int | float | str | bool) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return f"CAST({float(value)!r} AS DOUBLE)"
    return "'" + value.replace("'", "''") + "'"


def to_sql(node: n.Node, columns: dict[str, v.Column], ref: Callable[[v.Column], str] = column_ref):
    """The condition as SQL; `columns` are the checked ones (name -> Column)."""

    def r(x: n.Node) -> str:
        if isinstance(x, n.Literal):
            return literal(x.value)
        if isinstance(x, n.Ref):
            return ref(columns[x.name])
        if isinstance(x, n.Unary):
            return f"(NOT {r(x.operand)})" if x.op == "not" else f"(- {r(x.operand)})"
        if isinstance(x, n.Binary):
            if x.op in n.LOGICAL:
                return f"({r(x.left)} {x.op.upper()} {r(x.right)})"
            if x.op == "/":
                return f"({r(x.left)} / nullif({r(x.right)}, CAST(0.0 AS DOUBLE)))"
            return f"({r(x.left)} {_SQL_OP.get(x.op, x.op)} {r(x.right)})"
        if isinstance(x, n.Between):
            inside = f"(({r(x.operand)} >= {r(x.low)}) AND ({r(x.operand)} <= {r(x.high)}))"
            return f"(NOT {inside})" if x.negated else inside
        if isinstance(x, n.InList):
            items = ", ".join(literal(i.value) for i in x.items)
            return f"({r(x.operand)} {'NOT IN' if x.negated else 'IN'} ({items}))"
        if isinstance(x, n.IsNull):
            return f"({r(x.operand)} IS {'NOT NULL' if x.negated else 'NULL'})"
        if isinstance(x, n.Call):
            return f"{x.name}({', '.join(r(a) for a in x.args)})"
        raise TypeError(x)

    return r(node)
