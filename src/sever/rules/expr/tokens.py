"""Split a rule condition into tokens; refuse any character the language does not have.

Reads the condition text; returns a list of `Token`. There is no statement separator,
no comment, no quoted identifier: `;`, `--`, `"` and backticks are errors here, before
anything is parsed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sever.rules.expr.errors import ExprError

KEYWORDS = frozenset({"and", "or", "not", "between", "in", "is", "null", "true", "false"})
MAX_LENGTH = 2000

_SPEC = [
    ("SPACE", r"\s+"),
    ("NUMBER", r"(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?"),
    ("STRING", r"'(?:[^'\n]|'')*'"),
    ("NAME", r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?"),
    ("OP", r"<=|>=|<>|!=|==|=|<|>|\+|-|\*|/"),
    ("LPAREN", r"\("),
    ("RPAREN", r"\)"),
    ("COMMA", r","),
]
_MASTER = re.compile("|".join(f"(?P<{name}>{rx})" for name, rx in _SPEC))
_REFUSED = {
    ";": "';' is not allowed: a condition is one expression, not SQL statements",
    '"': "double quotes are not allowed: feature names are written bare, text in 'single quotes'",
    "`": "backticks are not allowed: feature names are written bare",
    "'": "unterminated text: close it with a single quote on the same line",
}


@dataclass(frozen=True)
class Token:
    kind: str  # NUMBER, STRING, NAME, KEYWORD, OP, LPAREN, RPAREN, COMMA, EOF
    text: str
    start: int
    end: int
    value: Any = None


def tokenize(text: str) -> list[Token]:
    if len(text) > MAX_LENGTH:
        raise ExprError(f"a condition is at most {MAX_LENGTH} characters", text, MAX_LENGTH)
    out: list[Token] = []
    pos = 0
    while pos < len(text):
        m = _MASTER.match(text, pos)
        if text.startswith("--", pos):
            message = "'--' starts a SQL comment, which a condition cannot hold"
            raise ExprError(message, text, pos, pos + 2, "for a double minus write `- -1`")
        if m is None:
            char = text[pos]
            message = _REFUSED.get(char, f"unexpected character {char!r}")
            raise ExprError(message, text, pos)
        kind, raw = m.lastgroup or "", m.group()
        if kind == "NAME" and raw.lower() in KEYWORDS:
            out.append(Token("KEYWORD", raw, pos, m.end(), raw.lower()))
        elif kind == "NAME":
            out.append(Token("NAME", raw, pos, m.end(), raw.lower()))
        elif kind == "NUMBER":
            value = float(raw) if any(c in raw for c in ".eE") else int(raw)
            out.append(Token("NUMBER", raw, pos, m.end(), value))
        elif kind == "STRING":
            out.append(Token("STRING", raw, pos, m.end(), raw[1:-1].replace("''", "'")))
        elif kind != "SPACE":
            out.append(Token(kind, raw, pos, m.end(), raw))
        pos = m.end()
    out.append(Token("EOF", "", len(text), len(text) + 1))
    return out
