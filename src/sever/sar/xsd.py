"""Validate FinCEN SAR XML against FinCEN's own XSD 1.1 schema, shipped as package data.

Reads `sever/sar/schema/EFL_SARXBatchSchema.xsd` (see the README beside it); writes
nothing. A failure is a `SchemaValidationError` listing every violation, so no caller
can store or write an invalid report by accident.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

import xmlschema

from sever.errors import SeverError

SCHEMA_FILE = "EFL_SARXBatchSchema.xsd"
SHOWN = 40  # violations listed in the message; all are on the exception
REASON_CHARS = 300  # an enumeration failure quotes the whole list


class SchemaValidationError(SeverError):
    """Generated XML does not validate; carries every violation."""

    def __init__(self, what: str, errors: list[str]) -> None:
        self.what = what
        self.errors = errors
        listed = "\n".join(f"  - {e}" for e in errors[:SHOWN])
        more = f"\n  ... and {len(errors) - SHOWN} more" if len(errors) > SHOWN else ""
        super().__init__(
            f"{what} does not validate against {SCHEMA_FILE} "
            f"({len(errors)} error(s)); nothing was written:\n{listed}{more}"
        )


def schema_path() -> Path:
    return Path(str(resources.files("sever.sar") / "schema" / SCHEMA_FILE))


@cache
def schema() -> xmlschema.XMLSchema11:
    """The FinCEN SAR batch schema as an XSD 1.1 validator (loaded once per process)."""
    return xmlschema.XMLSchema11(str(schema_path()))


def errors(xml_text: str) -> list[str]:
    """Every violation of the schema, as 'path: reason' lines; empty when valid."""
    found = []
    for err in schema().iter_errors(xml_text):
        reason = (err.reason or str(err)).strip().splitlines()[0]
        reason = reason if len(reason) <= REASON_CHARS else reason[:REASON_CHARS] + "..."
        found.append(f"{err.path or '/'}: {reason}")
    return found


def validate(xml_text: str, what: str = "SAR XML") -> None:
    """Raise `SchemaValidationError` unless `xml_text` validates."""
    found = errors(xml_text)
    if found:
        raise SchemaValidationError(what, found)
