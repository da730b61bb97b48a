"""The parsed form of a condition: a small tree both the SQL renderer and Python evaluator walk.

Reads nothing, writes nothing. Every node keeps the span of the text it came from, so
a type error can point at it. `Ref.name` is the canonical (lower-case) feature name.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Node:
    start: int
    end: int


@dataclass(frozen=True)
class Literal(Node):
    value: int | float | str | bool


@dataclass(frozen=True)
class Ref(Node):
    name: str


@dataclass(frozen=True)
class Unary(Node):
    op: str  # not, -
    operand: Node


@dataclass(frozen=True)
class Binary(Node):
    op: str  # and, or, =, !=, <, <=, >, >=, +, -, *, /
    left: Node
    right: Node


@dataclass(frozen=True)
class Between(Node):
    operand: Node
    low: Node
    high: Node
    negated: bool


@dataclass(frozen=True)
class InList(Node):
    operand: Node
    items: tuple[Literal, ...]
    negated: bool


@dataclass(frozen=True)
class IsNull(Node):
    operand: Node
    negated: bool


@dataclass(frozen=True)
class Call(Node):
    name: str
    args: tuple[Node, ...]


COMPARISONS = ("=", "!=", "<", "<=", ">", ">=")
ARITHMETIC = ("+", "-", "*", "/")
LOGICAL = ("and", "or")


def walk(node: Node):
    """Every node of the tree, parents first."""
    yield node
    children: tuple[Node, ...] = ()
    if isinstance(node, Unary):
        children = (node.operand,)
    elif isinstance(node, Binary):
        children = (node.left, node.right)
    elif isinstance(node, Between):
        children = (node.operand, node.low, node.high)
    elif isinstance(node, InList | IsNull):
        children = (node.operand, *getattr(node, "items", ()))
    elif isinstance(node, Call):
        children = node.args
    for child in children:
        yield from walk(child)
