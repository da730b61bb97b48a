"""Text helpers shared by the normalisers, in Python and in DuckDB SQL.

Python and DuckDB disagree on Unicode details (what `strip`/`trim` removes,
`'İ'.lower()` is two code points in Python and one in DuckDB), so every SQL fast
path first checks `ascii_guard`: the raw value is printable ASCII (space..tilde).
On such input `trim` == `str.strip` (only spaces can be whitespace) and
`lower`/`upper` agree. Anything else goes to Python.
"""

from __future__ import annotations

from sever.normalize.base import Normalised

# Every code point `str.isspace` accepts (a test checks the list), plus invisible
# characters that copy-paste drags along (zero-width space/joiners, word joiner,
# BOM). One strip over the whole set keeps `strip_text` idempotent.
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
STRIP_CHARS = WHITESPACE + INVISIBLE


def strip_text(raw: str) -> str:
    """Remove surrounding whitespace and invisible characters."""
    return raw.strip(STRIP_CHARS)


def empty(raw: str) -> Normalised:
    """The result for an input that holds nothing once stripped."""
    return Normalised(strip_text(raw), False, "empty value")


def ascii_guard(value: str) -> str:
    """SQL condition: the raw value is printable ASCII, so SQL and Python agree on it."""
    return f"regexp_matches({value}, '^[ -~]*$')"


def sql_str(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def sql_in(expr: str, options: list[str] | tuple[str, ...] | frozenset[str]) -> str:
    """SQL `expr IN (...)` over string literals, in a stable order."""
    return f"{expr} IN ({', '.join(sql_str(o) for o in sorted(options))})"


def let(value: str, name: str, body: str) -> str:
    """SQL: `body` with `name` bound to `value`, computed once per row.

    DuckDB has no LET; a one-element `list_transform` binds a name, and keeps a
    sub-expression used many times in `body` from being copied and re-evaluated
    (which made the email fast path ten times slower). Names should be unique
    (prefix them with the id type): a lambda parameter hides a column of that name.
    Keep regexes with large patterns outside: a lambda body recompiles them per vector.
    """
    return f"list_transform([{value}], lambda {name}: {body})[1]"
