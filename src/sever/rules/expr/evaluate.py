"""Evaluate a checked condition in Python, for real-time use, with SQL's NULL semantics.

Reads a checked tree and one row of feature values (`{name: value}`, None or a missing
name is NULL); returns True, False or None. Three-valued logic as in SQL: NULL and
false is false, NULL or true is true, a comparison with NULL is NULL, division by zero
is NULL, least/greatest skip NULLs (as DuckDB does). `evaluate` returns a plain bool
with the meaning of a WHERE clause: only true is a hit.
"""

from __future__ import annotations

import operator
from collections.abc import Mapping
from typing import Any

from sever.rules.expr import nodes as n

_CMP = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def _num(value: Any) -> Any:
    """Numbers as float, like the SQL side's CAST(... AS DOUBLE)."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    return float(value)


def _and(a: Any, b: Any) -> bool | None:
    if a is False or b is False:
        return False
    return None if a is None or b is None else True


def _or(a: Any, b: Any) -> bool | None:
    if a is True or b is True:
        return True
    return None if a is None or b is None else False


def value(node: n.Node, row: Mapping[str, Any]) -> Any:
    """The three-valued value of any node."""
    if isinstance(node, n.Literal):
        return _num(node.value)
    if isinstance(node, n.Ref):
        return _num(row.get(node.name))
    if isinstance(node, n.Unary):
        x = value(node.operand, row)
        if x is None:
            return None
        return (not x) if node.op == "not" else -x
    if isinstance(node, n.Binary):
        return _binary(node, row)
    if isinstance(node, n.Between):
        x, lo, hi = (value(p, row) for p in (node.operand, node.low, node.high))
        inside = _and(
            None if x is None or lo is None else x >= lo,
            None if x is None or hi is None else x <= hi,
        )
        return (None if inside is None else not inside) if node.negated else inside
    if isinstance(node, n.InList):
        x = value(node.operand, row)
        if x is None:
            return None
        found = any(x == _num(i.value) for i in node.items)
        return not found if node.negated else found
    if isinstance(node, n.IsNull):
        isnull = value(node.operand, row) is None
        return not isnull if node.negated else isnull
    if isinstance(node, n.Call):
        args = [value(a, row) for a in node.args]
        present = [a for a in args if a is not None]
        if node.name == "coalesce":
            return present[0] if present else None
        if node.name in ("least", "greatest"):
            return (min if node.name == "least" else max)(present) if present else None
        if node.name == "abs":
            return None if args[0] is None else abs(args[0])
    raise TypeError(node)


def _binary(node: n.Binary, row: Mapping[str, Any]) -> Any:
    left = value(node.left, row)
    if (node.op == "and" and left is False) or (node.op == "or" and left is True):
        return left
    right = value(node.right, row)
    if node.op == "and":
        return _and(left, right)
    if node.op == "or":
        return _or(left, right)
    if left is None or right is None:
        return None
    if node.op in _CMP:
        return _CMP[node.op](left, right)
    if node.op == "+":
        return left + right
    if node.op == "-":
        return left - right
    if node.op == "*":
        return left * right
    return None if right == 0 else left / right


def evaluate(node: n.Node, row: Mapping[str, Any]) -> bool:
    """True only when the condition is true (NULL is not a hit)."""
    return value(node, row) is True
