"""Render trusted, configuration-derived values into SQL literals, and run `.sql` files.

Only configuration and computed values go through here, never analyst-written
text (that goes through the rule parser). Each statement of a file runs as a
named step through the warehouse chokepoint.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from importlib import resources
from typing import Any

from sever.warehouse import Warehouse


def lit(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, datetime):
        return f"TIMESTAMP '{value:%Y-%m-%d %H:%M:%S}'"
    return "'" + str(value).replace("'", "''") + "'"


def lit_list(values: Iterable[Any]) -> str:
    items = [lit(v) for v in values]
    return ", ".join(items) if items else "NULL"


def keyword_regex(words: Iterable[str]) -> str:
    """A case-insensitive alternation of literal keywords, as a SQL string literal."""
    return lit("(" + "|".join(re.escape(w.lower()) for w in words) + ")") if words else "'$^'"


def run_sql_file(wh: Warehouse, package: str, name: str, params: Mapping[str, str]) -> None:
    text = (resources.files(package) / name).read_text(encoding="utf-8")
    code = "\n".join(line.split("--", 1)[0] for line in text.splitlines())
    for i, statement in enumerate(s.strip() for s in code.split(";")):
        if statement:
            wh.run(f"{name}:{i + 1}", statement.format(**params))
