"""What an identifier normaliser is, and the registry that lists them.

A normaliser turns a raw identifier (as captured, or as shared in a signal) into
the canonical form used for matching. It has two faces that must agree:

- `normalise(raw, region=..., platform=...)`: the reference implementation in
  Python, used for real-time screening, for signals and as the test oracle;
- `sql(value, region, platform)`: an optional DuckDB SQL fast path for batch
  ingest. It returns two SQL expressions (normalised value, valid) that yield
  NULL for the value when the fast path cannot decide; those rows fall back to
  `normalise`. Property tests check that whenever the fast path decides, it
  agrees with `normalise`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Protocol


@dataclass(frozen=True, slots=True)
class Normalised:
    value: str  # canonical form; never empty for a non-empty input
    valid: bool  # False: kept and matchable, but flagged (bad checksum, impossible number)
    note: str | None = None  # why it is invalid, for the analyst


@dataclass(frozen=True, slots=True)
class SqlFastPath:
    value: str  # SQL expression: canonical value, or NULL when Python must decide
    valid: str  # SQL expression: BOOLEAN validity where `value` is not NULL


class Normaliser(Protocol):
    id_type: ClassVar[str]

    def normalise(
        self, raw: str, *, region: str | None = None, platform: str | None = None
    ) -> Normalised: ...

    def sql(self, value: str, region: str, platform: str) -> SqlFastPath | None:
        """SQL expressions over the given column expressions, or None (Python only)."""
        ...


class UnknownIdType(KeyError):
    pass


_REGISTRY: dict[str, Normaliser] = {}


def register(normaliser: Normaliser) -> Normaliser:
    """Add a normaliser; ids must be unique."""
    if normaliser.id_type in _REGISTRY:
        raise ValueError(f"duplicate normaliser for id_type {normaliser.id_type!r}")
    _REGISTRY[normaliser.id_type] = normaliser
    return normaliser


def get(id_type: str) -> Normaliser:
    try:
        return _REGISTRY[id_type]
    except KeyError:
        raise UnknownIdType(id_type) from None


def all_normalisers() -> dict[str, Normaliser]:
    return dict(_REGISTRY)
