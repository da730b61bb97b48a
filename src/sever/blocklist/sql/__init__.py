"""The block-list SQL, one file per job, each statement under a `-- name: step` header."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

_HEADER = re.compile(r"^-- name: (\w+)\s*$", re.MULTILINE)


@cache
def statements(file: str) -> dict[str, str]:
    """Named statements of `sql/<file>`, comments kept (DuckDB ignores them)."""
    text = (resources.files("sever.blocklist.sql") / file).read_text(encoding="utf-8")
    parts = _HEADER.split(text)
    return {
        name: body.strip().rstrip(";") for name, body in zip(parts[1::2], parts[2::2], strict=True)
    }
