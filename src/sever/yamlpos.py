"""Where a validation error sits in a YAML file: a dotted field path and a line number.

Reads a composed YAML node tree (`yaml.compose`); writes nothing. Shared by every loader
of analyst-written YAML (rules, schedule) so each error says file, line and field.
"""

from __future__ import annotations

from typing import Any

import yaml


def where(loc: tuple[Any, ...]) -> str:
    """A pydantic error location as `jobs.nightly_scan.cron` / `cases[2].expect`."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def line_of(node: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """1-based line of the YAML node at `loc`, or of its closest parent."""
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            node = node.value[part] if part < len(node.value) else None
        else:
            node = None
        if node is None:
            break
        line = node.start_mark.line + 1
    return line
