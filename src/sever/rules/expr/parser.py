"""Recursive-descent parser for rule conditions.

Reads the condition text (through `tokens.tokenize`); returns a `nodes.Node` tree.
Grammar, loosest first (SQL's precedence)::

    condition  := or_expr EOF
    or_expr    := and_expr ("or" and_expr)*
    and_expr   := not_expr ("and" not_expr)*
    not_expr   := "not" not_expr | comparison
    comparison := sum [ cmp sum | "is" ["not"] "null"
                      | ["not"] "between" sum "and" sum | ["not"] "in" "(" literal, ... ")" ]
    sum        := product (("+" | "-") product)*
    product    := unary (("*" | "/") unary)*
    unary      := "-" unary | primary
    primary    := number | 'text' | true | false | name | name "(" args ")" | "(" or_expr ")"

Comparisons do not chain (`1 < x < 5` is an error: write `x between 1 and 5`).
"""

from __future__ import annotations

from sever.rules.expr import nodes as n
from sever.rules.expr.errors import ExprError
from sever.rules.expr.tokens import Token, tokenize

MAX_DEPTH = 60
# Words of SQL statements: never feature names, so seeing one means someone wrote SQL.
SQL_WORDS = frozenset(
    {
        "select",
        "insert",
        "update",
        "delete",
        "drop",
        "create",
        "alter",
        "union",
        "from",
        "where",
        "join",
        "exec",
        "attach",
        "copy",
        "pragma",
        "call",
        "load",
        "install",
        "truncate",
        "grant",
        "set",
    }
)
_CMP = {"=": "=", "==": "=", "!=": "!=", "<>": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.toks = tokenize(text)
        self.i = 0
        self.depth = 0

    # -- token helpers -------------------------------------------------------------------
    @property
    def tok(self) -> Token:
        return self.toks[self.i]

    def error(self, message: str, tok: Token | None = None, hint: str | None = None) -> ExprError:
        t = tok or self.tok
        return ExprError(message, self.text, t.start, t.end, hint)

    def keyword(self, word: str) -> bool:
        if self.tok.kind == "KEYWORD" and self.tok.value == word:
            self.i += 1
            return True
        return False

    def expect(self, kind: str, what: str) -> Token:
        if self.tok.kind != kind:
            raise self.error(f"expected {what}, found {self._describe(self.tok)}")
        self.i += 1
        return self.toks[self.i - 1]

    @staticmethod
    def _describe(tok: Token) -> str:
        return "the end of the condition" if tok.kind == "EOF" else f"'{tok.text}'"

    # -- grammar -------------------------------------------------------------------------
    def condition(self) -> n.Node:
        if self.tok.kind == "EOF":
            raise self.error("the condition is empty")
        for tok in self.toks:
            if tok.kind == "NAME" and tok.value in SQL_WORDS:
                hint = "write a condition over features, e.g. `distinct_payers_72h >= 3`"
                raise self.error(f"'{tok.text}' is SQL, not part of a condition", tok, hint)
        node = self.or_expr()
        if self.tok.kind == "RPAREN":
            raise self.error("unbalanced parentheses: this ')' closes nothing")
        if self.tok.kind != "EOF":
            hint = "join conditions with 'and' or 'or'"
            raise self.error(f"unexpected {self._describe(self.tok)}", hint=hint)
        return node

    def or_expr(self) -> n.Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"the condition nests deeper than {MAX_DEPTH} levels")
        left = self.and_expr()
        while self.keyword("or"):
            right = self.and_expr()
            left = n.Binary(left.start, right.end, "or", left, right)
        self.depth -= 1
        return left

    def and_expr(self) -> n.Node:
        left = self.not_expr()
        while self.keyword("and"):
            right = self.not_expr()
            left = n.Binary(left.start, right.end, "and", left, right)
        return left

    def not_expr(self) -> n.Node:
        start = self.tok.start
        if self.keyword("not"):
            operand = self.not_expr()
            return n.Unary(start, operand.end, "not", operand)
        return self.comparison()

    def comparison(self) -> n.Node:
        left = self.sum()
        tok = self.tok
        if tok.kind == "OP" and tok.value in _CMP:
            self.i += 1
            right = self.sum()
            if self.tok.kind == "OP" and self.tok.value in _CMP:
                raise self.error(
                    "comparisons do not chain", hint="write `x between a and b`, or use 'and'"
                )
            return n.Binary(left.start, right.end, _CMP[tok.value], left, right)
        if self.keyword("is"):
            negated = self.keyword("not")
            end = self.tok.end
            if not self.keyword("null"):
                raise self.error("expected 'null' after 'is'", hint="write `x is null`")
            return n.IsNull(left.start, end, left, negated)
        negated = self.keyword("not")
        if self.keyword("between"):
            low = self.sum()
            if not self.keyword("and"):
                raise self.error("expected 'and' in `x between low and high`")
            high = self.sum()
            return n.Between(left.start, high.end, left, low, high, negated)
        if self.keyword("in"):
            return self.in_list(left, negated)
        if negated:
            raise self.error("expected 'between' or 'in' after 'not'", tok=self.toks[self.i - 1])
        return left

    def in_list(self, left: n.Node, negated: bool) -> n.Node:
        self.expect("LPAREN", "'(' after 'in'")
        items = [self.literal()]
        while self.tok.kind == "COMMA":
            self.i += 1
            items.append(self.literal())
        end = self.expect("RPAREN", "',' or ')' in the list").end
        return n.InList(left.start, end, left, tuple(items), negated)

    def literal(self) -> n.Literal:
        start = self.tok.start
        sign = -1 if self.tok.kind == "OP" and self.tok.value == "-" else 1
        if sign < 0:
            self.i += 1
        tok = self.tok
        if tok.kind == "NUMBER":
            self.i += 1
            return n.Literal(start, tok.end, sign * tok.value)
        if tok.kind == "STRING" and sign > 0:
            self.i += 1
            return n.Literal(start, tok.end, tok.value)
        raise self.error("a list after 'in' holds numbers or 'text' only")

    def sum(self) -> n.Node:
        left = self.product()
        while self.tok.kind == "OP" and self.tok.value in ("+", "-"):
            op = self.tok.value
            self.i += 1
            right = self.product()
            left = n.Binary(left.start, right.end, op, left, right)
        return left

    def product(self) -> n.Node:
        left = self.unary()
        while self.tok.kind == "OP" and self.tok.value in ("*", "/"):
            op = self.tok.value
            self.i += 1
            right = self.unary()
            left = n.Binary(left.start, right.end, op, left, right)
        return left

    def unary(self) -> n.Node:
        start = self.tok.start
        if self.tok.kind == "OP" and self.tok.value == "-":
            self.i += 1
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise self.error(f"the condition nests deeper than {MAX_DEPTH} levels")
            operand = self.unary()
            self.depth -= 1
            return n.Unary(start, operand.end, "-", operand)
        return self.primary()

    def primary(self) -> n.Node:
        tok = self.tok
        if tok.kind in ("NUMBER", "STRING"):
            self.i += 1
            return n.Literal(tok.start, tok.end, tok.value)
        if tok.kind == "KEYWORD" and tok.value in ("true", "false"):
            self.i += 1
            return n.Literal(tok.start, tok.end, tok.value == "true")
        if tok.kind == "KEYWORD" and tok.value == "null":
            raise self.error("null is only allowed as `x is null` or `x is not null`")
        if tok.kind == "NAME":
            self.i += 1
            if self.tok.kind == "LPAREN":
                return self.call(tok)
            return n.Ref(tok.start, tok.end, tok.value)
        if tok.kind == "LPAREN":
            self.i += 1
            inner = self.or_expr()
            if self.tok.kind != "RPAREN":
                raise ExprError(
                    "unbalanced parentheses: this '(' is never closed", self.text, tok.start
                )
            self.i += 1
            return inner
        raise self.error(f"expected a value, a feature name or '(', found {self._describe(tok)}")

    def call(self, name: Token) -> n.Node:
        self.i += 1  # the '('
        args: list[n.Node] = []
        if self.tok.kind != "RPAREN":
            args.append(self.or_expr())
            while self.tok.kind == "COMMA":
                self.i += 1
                args.append(self.or_expr())
        if self.tok.kind != "RPAREN":
            raise self.error(f"expected ',' or ')' in the arguments of {name.text}()")
        end = self.tok.end
        self.i += 1
        return n.Call(name.start, end, name.value, tuple(args))


def parse(text: str) -> n.Node:
    """Parse a condition; raise `ExprError` at the first syntax error."""
    return _Parser(text).condition()
