"""Errors in a rule condition that point at the offending text, with a suggestion.

Reads nothing, writes nothing: an `ExprError` carries the condition, the span of the
token at fault and an optional hint, and renders them as `line L, column C: ...` with
the line and a caret underneath.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def suggest(word: str, choices: Iterable[str]) -> str | None:
    """'did you mean X?' for the closest allowed name, or None."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean {close[0]}?" if close else None


class ExprError(ValueError):
    """One problem in a condition, located at [start, end) of its text."""

    def __init__(
        self, message: str, text: str, start: int, end: int | None = None, hint: str | None = None
    ) -> None:
        self.message = message
        self.text = text
        self.start = max(0, min(start, len(text)))
        self.end = max(self.start + 1, end if end is not None else self.start + 1)
        self.hint = hint
        super().__init__(self.render())

    @property
    def line(self) -> int:
        return self.text.count("\n", 0, self.start) + 1

    @property
    def column(self) -> int:
        return self.start - (self.text.rfind("\n", 0, self.start) + 1) + 1

    def render(self) -> str:
        lines = self.text.split("\n")
        source = lines[self.line - 1] if lines else ""
        width = max(1, min(self.end - self.start, len(source) - self.column + 1))
        out = [
            f"line {self.line}, column {self.column}: {self.message}",
            f"    {source}",
            "    " + " " * (self.column - 1) + "^" * width,
        ]
        if self.hint:
            out.append(f"    {self.hint}")
        return "\n".join(out)


class ConditionError(ValueError):
    """Every problem found in one condition (all are reported, not only the first)."""

    def __init__(self, errors: list[ExprError]) -> None:
        self.errors = errors
        super().__init__("\n".join(e.render() for e in errors))
