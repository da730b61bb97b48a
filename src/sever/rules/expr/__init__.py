"""The rule condition language: parse once, check against the vocabulary, run in SQL or Python.

Reads condition text; nothing here touches the warehouse. `compile_condition` returns a
`Condition` whose `sql()` is the batch form (DuckDB) and whose `evaluate(row)` is the
real-time form; both walk the same checked tree and agree on every row (property-tested).

    >>> c = compile_condition("distinct_minor_payers >= 3", "payee", "24h")
    >>> c.evaluate({"distinct_minor_payers_24h": 4})
    True
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sever.rules import vocabulary as v
from sever.rules.expr import evaluate as _evaluate
from sever.rules.expr.check import FUNCTIONS, check
from sever.rules.expr.errors import ConditionError, ExprError
from sever.rules.expr.nodes import Node
from sever.rules.expr.parser import parse
from sever.rules.expr.sql import column_ref, to_sql

__all__ = [
    "FUNCTIONS",
    "Condition",
    "ConditionError",
    "ExprError",
    "compile_condition",
    "parse",
]


@dataclass(frozen=True)
class Condition:
    text: str
    scope: v.Scope
    window: str
    node: Node
    columns: dict[str, v.Column]

    def sql(self, ref: Callable[[v.Column], str] = column_ref) -> str:
        return to_sql(self.node, self.columns, ref)

    def evaluate(self, row: Mapping[str, Any]) -> bool:
        return _evaluate.evaluate(self.node, row)

    def value(self, row: Mapping[str, Any]) -> bool | None:
        return _evaluate.value(self.node, row)


def compile_condition(text: str, scope: v.Scope, window: str) -> Condition:
    """Parse and check; raise `ConditionError` (a ValueError) listing every problem."""
    try:
        node = parse(text)
    except ExprError as exc:
        raise ConditionError([exc]) from None
    checked = check(node, text, scope, window)
    return Condition(text, scope, window, checked.node, checked.columns)
