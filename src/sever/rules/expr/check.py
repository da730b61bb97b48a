"""Check a parsed condition against the vocabulary: names, windows, functions, operators, types.

Reads the vocabulary (`sever.rules.vocabulary`); returns the tree with every name made
canonical (a family written without a window gets the rule's window) and the columns it
uses, or raises `ConditionError` listing every problem found, each at its token.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace

from sever.rules import vocabulary as v
from sever.rules.expr import nodes as n
from sever.rules.expr.errors import ConditionError, ExprError, suggest

# name -> (min args, max args or None, "same": all args one type, or the only arg type)
FUNCTIONS: dict[str, tuple[int, int | None, str]] = {
    "coalesce": (2, None, "same"),
    "least": (2, None, "number"),
    "greatest": (2, None, "number"),
    "abs": (1, 1, "number"),
}
MAX_LITERAL = 1e15
_WINDOW = re.compile(r"^(?P<family>.+)_(?P<window>\d+[a-z]+)$")


def kind(t: str) -> str:
    """integer and number are one kind for checking."""
    return "number" if t in v.NUMERIC else t


@dataclass
class Checked:
    node: n.Node
    columns: dict[str, v.Column]


class _Checker:
    def __init__(self, text: str, scope: v.Scope, window: str) -> None:
        self.text, self.scope, self.window = text, scope, window
        self.cols = v.columns(scope)
        self.families = v.families(scope)
        self.used: dict[str, v.Column] = {}
        self.errors: list[ExprError] = []

    def fail(self, node: n.Node, message: str, hint: str | None = None) -> None:
        self.errors.append(ExprError(message, self.text, node.start, node.end, hint))

    def resolve(self, ref: n.Ref) -> v.Column | None:
        name = ref.name
        if name in self.cols:
            col = self.cols[name]
        elif name in self.families:
            feat = self.families[name]
            if self.window not in feat.windows:
                self.fail(
                    ref,
                    f"{name} has no {self.window} window (the rule's window)",
                    f"computed for: {', '.join(feat.windows)}",
                )
                return None
            col = self.cols[f"{name}_{self.window}"]
        else:
            m = _WINDOW.match(name)
            if m and m["family"] in self.families and m["window"] not in v.WINDOWS:
                feat = self.families[m["family"]]
                self.fail(
                    ref,
                    f"the engine computes no {m['window']} window",
                    f"{m['family']} is computed for: {', '.join(feat.windows)}",
                )
            elif m and m["family"] in self.families:
                feat = self.families[m["family"]]
                self.fail(
                    ref,
                    f"{m['family']} has no {m['window']} window",
                    f"computed for: {', '.join(feat.windows)}",
                )
            else:
                hint = suggest(name, [*self.cols, *self.families])
                self.fail(
                    ref,
                    f"unknown feature '{name}'",
                    hint or "see `sever rules vocabulary` for the names",
                )
            return None
        if col.window and v.WINDOWS[col.window] > v.WINDOWS[self.window]:
            self.fail(
                ref,
                f"{col.name} looks back {col.window}, longer than the rule's window {self.window}",
                f"set `window: {col.window}` or use a shorter feature",
            )
        self.used[col.name] = col
        return col

    def type_of(self, node: n.Node) -> tuple[n.Node, str | None]:
        """The node made canonical, and its kind (None when an error was already reported)."""
        if isinstance(node, n.Literal):
            return node, self.literal(node)
        if isinstance(node, n.Ref):
            col = self.resolve(node)
            return (replace(node, name=col.name), kind(col.type)) if col else (node, None)
        if isinstance(node, n.Unary):
            operand, t = self.type_of(node.operand)
            want = "boolean" if node.op == "not" else "number"
            self.want(node.operand, t, want, f"'{node.op}'")
            return replace(node, operand=operand), want
        if isinstance(node, n.Binary):
            return self.binary(node)
        if isinstance(node, n.Between):
            parts = [self.type_of(x) for x in (node.operand, node.low, node.high)]
            for (_, t), orig in zip(parts, (node.operand, node.low, node.high), strict=True):
                self.want(orig, t, "number", "'between'")
            return replace(node, operand=parts[0][0], low=parts[1][0], high=parts[2][0]), "boolean"
        if isinstance(node, n.InList):
            operand, t = self.type_of(node.operand)
            for item in node.items:
                self.same(operand, t, item, self.literal(item), "'in'")
            return replace(node, operand=operand), "boolean"
        if isinstance(node, n.IsNull):
            operand, _ = self.type_of(node.operand)
            return replace(node, operand=operand), "boolean"
        if isinstance(node, n.Call):
            return self.call(node)
        raise TypeError(node)

    def binary(self, node: n.Binary) -> tuple[n.Node, str | None]:
        left, lt = self.type_of(node.left)
        right, rt = self.type_of(node.right)
        out = replace(node, left=left, right=right)
        if node.op in n.LOGICAL:
            self.want(node.left, lt, "boolean", f"'{node.op}'")
            self.want(node.right, rt, "boolean", f"'{node.op}'")
            return out, "boolean"
        if node.op in n.ARITHMETIC:
            self.want(node.left, lt, "number", f"'{node.op}'")
            self.want(node.right, rt, "number", f"'{node.op}'")
            return out, "number"
        if node.op in ("=", "!="):
            self.same(left, lt, right, rt, f"'{node.op}'")
            return out, "boolean"
        self.want(node.left, lt, "number", f"'{node.op}'")
        self.want(node.right, rt, "number", f"'{node.op}'")
        return out, "boolean"

    def call(self, node: n.Call) -> tuple[n.Node, str | None]:
        if node.name not in FUNCTIONS:
            hint = suggest(node.name, FUNCTIONS) or f"allowed: {', '.join(sorted(FUNCTIONS))}"
            self.fail(node, f"unknown function '{node.name}'", hint)
            return node, None
        low, high, arg_kind = FUNCTIONS[node.name]
        typed = [self.type_of(a) for a in node.args]
        if len(typed) < low or (high is not None and len(typed) > high):
            count = f"{low}" if low == high else f"at least {low}"
            self.fail(node, f"{node.name}() takes {count} argument(s), got {len(typed)}")
        kinds = {t for _, t in typed if t}
        if arg_kind == "same" and len(kinds) > 1:
            self.fail(node, f"{node.name}() needs arguments of one type, got {sorted(kinds)}")
        elif arg_kind != "same":
            for (_, t), orig in zip(typed, node.args, strict=True):
                self.want(orig, t, arg_kind, f"{node.name}()")
        result = next(iter(kinds)) if arg_kind == "same" and len(kinds) == 1 else arg_kind
        if arg_kind == "same" and len(kinds) != 1:
            result = None
        return replace(node, args=tuple(a for a, _ in typed)), result

    def literal(self, node: n.Literal) -> str:
        value = node.value
        if isinstance(value, bool):
            return "boolean"
        if isinstance(value, str):
            if any(ord(c) < 32 for c in value):
                self.fail(node, "control characters are not allowed in text")
            return "string"
        if not math.isfinite(value) or abs(value) > MAX_LITERAL:
            self.fail(node, f"numbers must lie within ±{MAX_LITERAL:g}")
        return "number"

    def want(self, node: n.Node, got: str | None, want: str, where: str) -> None:
        if got is not None and got != want:
            self.fail(node, f"{where} needs {_a(want)}, but this is {_a(got)}")

    def same(self, left: n.Node, lt: str | None, right: n.Node, rt: str | None, where: str):
        """Both sides of =, != or `in` have one type; text is checked against known values."""
        if lt is None or rt is None:
            return
        if lt != rt:
            self.fail(right, f"{where} compares {_a(lt)} with {_a(rt)}")
        elif lt == "string":
            self.known_value(left, right)
            self.known_value(right, left)

    def known_value(self, ref: n.Node, lit: n.Node) -> None:
        col = self.used.get(ref.name) if isinstance(ref, n.Ref) else None
        known = col.feature.values if col else ()
        if col and known and isinstance(lit, n.Literal) and lit.value not in known:
            hint = suggest(str(lit.value), known) or f"allowed: {', '.join(known)}"
            self.fail(lit, f"{col.name} is never '{lit.value}'", hint)


def _a(t: str) -> str:
    return {"number": "a number", "boolean": "true/false", "string": "text"}.get(t, t)


def check(node: n.Node, text: str, scope: v.Scope, window: str) -> Checked:
    """Validate a parsed condition; raise `ConditionError` with every problem found."""
    if window not in v.WINDOWS:
        raise ConditionError(
            [
                ExprError(
                    f"the engine computes no {window} window",
                    text,
                    0,
                    len(text),
                    f"windows: {', '.join(v.WINDOWS)}",
                )
            ]
        )
    checker = _Checker(text, scope, window)
    canonical, t = checker.type_of(node)
    if t is not None and t != "boolean" and not checker.errors:
        checker.fail(
            node,
            f"a condition must be true or false, but this is {_a(t)}",
            "compare it, e.g. `... >= 3`",
        )
    if checker.errors:
        raise ConditionError(checker.errors)
    return Checked(canonical, checker.used)
