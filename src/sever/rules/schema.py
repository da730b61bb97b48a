"""The JSON Schema of a rule file, for editors (YAML language server) and other tools.

Reads the `Rule` model; returns a JSON-ready dict. `sever rules schema` prints it and
`rules/rule.schema.json` is its committed copy (a test keeps the two equal).
"""

from __future__ import annotations

from typing import Any

from sever.rules.spec import Rule


def rule_schema() -> dict[str, Any]:
    schema = Rule.model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://sever.invalid/rules/rule.schema.json",
        **schema,
        "title": "sever analyst rule",
    }
