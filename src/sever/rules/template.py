"""Explanation templates: `"{distinct_minor_payers_gift_card_24h} minors paid by gift card"`.

Reads a template and the vocabulary; returns the names it uses, or renders it with a
row of feature values. Placeholders are `{name}` or `{name:format}` where the name is
checked like a condition's (a family without a window takes the rule's window) and the
format is a plain number format (`.0%`, `.2f`, `,.0f`, `d`). Nothing else is evaluated:
no attribute access, no indexing, unlike `str.format`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sever.rules import vocabulary as v
from sever.rules.expr import ConditionError, ExprError, compile_condition

_FIELD = re.compile(r"\{([^{}]*)\}")
_FORMAT = re.compile(r"^[<>^]?\d{0,3},?(\.\d{1,3})?[fd%]?$")
_NAME = re.compile(r"^\s*[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?\s*$")


@dataclass(frozen=True)
class Placeholder:
    start: int
    end: int
    name: str  # canonical feature name
    fmt: str


def parse_template(text: str, scope: v.Scope, window: str) -> list[Placeholder]:
    """The placeholders, checked; raise `ConditionError` listing every bad one."""
    out, errors = [], []
    stray = re.sub(r"\{[^{}]*\}", lambda m: " " * len(m.group()), text)
    for i, ch in enumerate(stray):
        if ch in "{}":
            errors.append(ExprError(f"unmatched '{ch}' in the explanation", text, i))
    for m in _FIELD.finditer(text):
        raw_name, _, fmt = m.group(1).partition(":")
        start = m.start(1)
        if not _NAME.match(raw_name):
            errors.append(ExprError("a placeholder holds one feature name", text, start, m.end(1)))
            continue
        if not _FORMAT.match(fmt):
            errors.append(
                ExprError(
                    f"unsupported format '{fmt}'",
                    text,
                    start + len(raw_name) + 1,
                    m.end(1),
                    "use e.g. .0% (share), .2f (amount), d (count)",
                )
            )
            continue
        try:
            cond = compile_condition(f"{raw_name.strip()} is null", scope, window)
        except ConditionError as exc:
            for e in exc.errors:  # re-point at the placeholder inside the template
                errors.append(ExprError(e.message, text, start, m.end(1) - len(fmt), e.hint))
            continue
        (name,) = cond.columns
        out.append(Placeholder(m.start(), m.end(), name, fmt))
    if errors:
        raise ConditionError(errors)
    return out


def _format(value: Any, fmt: str) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float) and fmt.endswith("d") and value.is_integer():
        value = int(value)
    try:
        return format(value, fmt) if fmt else _plain(value)
    except (ValueError, TypeError):
        return _plain(value)


def _plain(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.0f}" if value.is_integer() else f"{value:.2f}"
    return str(value)


def render(text: str, placeholders: list[Placeholder], values: Mapping[str, Any]) -> str:
    out, pos = [], 0
    for p in placeholders:
        out.append(text[pos : p.start])
        out.append(_format(values.get(p.name), p.fmt))
        pos = p.end
    out.append(text[pos:])
    return "".join(out)
