"""Block-list configuration: the proposal mapping, expiry, recipients, where keys and releases live.

Reads `src/sever/config/blocklist.yaml` (or `$SEVER_BLOCKLIST_CONFIG`) and the
`SEVER_KEYS_DIR` / `SEVER_RELEASES_DIR` settings; writes nothing. Victims can never be
mapped to an entry and `allow` can never be proposed: the model refuses both.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from sever.blocklist.spec import ENTRY_ID_TYPES, AppliesTo
from sever.errors import UserError

SEVERITIES = ("low", "medium", "high", "critical")
NAME = r"^[a-z0-9][a-z0-9_-]{1,62}$"


class BlocklistSettings(BaseSettings):
    """Where the signing and recipient keys, the releases and the config file live."""

    model_config = SettingsConfigDict(env_prefix="SEVER_")

    keys_dir: Path = Path("keys")
    releases_dir: Path = Path("releases")
    blocklist_config: Path | None = None


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EntrySpec(_Strict):
    action: Literal["block", "review", "warn"]
    applies_to: AppliesTo
    reason_code: str = Field(pattern=r"^[A-Z0-9][A-Z0-9-]{2,63}$")


class MappingRow(_Strict):
    typology: Literal["financial_sextortion", "csam_purchase", "mule_network"]
    role: Literal["collector", "mule", "consumer", "other"]
    min_severity: Literal["low", "medium", "high", "critical"]
    entries: list[EntrySpec] = Field(min_length=1)

    def matches(self, typology: str, role: str, severity: str) -> bool:
        return (
            self.typology == typology
            and self.role == role
            and SEVERITIES.index(severity) >= SEVERITIES.index(self.min_severity)
        )


class Recipient(_Strict):
    name: str = Field(pattern=NAME)
    identifiers: Literal["hashed", "raw"] = "hashed"
    exports: list[Literal["csv", "stripe", "adyen"]] = []
    adyen_merchant_account: str | None = None

    @model_validator(mode="after")
    def _adyen(self) -> Recipient:
        if "adyen" in self.exports:
            if self.identifiers != "raw":
                raise ValueError(
                    f"recipient {self.name}: Adyen referral lists match raw values; "
                    "use identifiers: raw or drop the adyen export"
                )
            if not self.adyen_merchant_account:
                raise ValueError(f"recipient {self.name}: adyen needs adyen_merchant_account")
        return self


class BlocklistConfig(_Strict):
    expiry_days: int = Field(ge=1, le=3650)
    allow_expiry_days: int = Field(ge=1, le=3650)
    identifier_types: list[str] = Field(min_length=1)
    max_accounts_per_identifier: int = Field(ge=1)
    alert_states: list[Literal["new", "in_review", "escalated", "closed"]] = Field(min_length=1)
    mapping: list[MappingRow]
    recipients: list[Recipient] = Field(min_length=1)

    @field_validator("identifier_types")
    @classmethod
    def _known_types(cls, types: list[str]) -> list[str]:
        unknown = sorted(set(types) - set(ENTRY_ID_TYPES))
        if unknown:
            raise ValueError(f"unknown identifier types {unknown}; known: {list(ENTRY_ID_TYPES)}")
        return types

    @field_validator("recipients")
    @classmethod
    def _unique(cls, recipients: list[Recipient]) -> list[Recipient]:
        names = [r.name for r in recipients]
        if len(set(names)) != len(names):
            raise ValueError(f"recipient names must be unique, got {names}")
        return recipients

    def entries_for(self, typology: str, role: str, severity: str) -> list[EntrySpec]:
        """The first mapping row's entries for a subject; none for victims or no match."""
        if role == "victim" or severity not in SEVERITIES:
            return []
        row = next((m for m in self.mapping if m.matches(typology, role, severity)), None)
        return list(row.entries) if row else []

    def recipient(self, name: str) -> Recipient:
        for r in self.recipients:
            if r.name == name:
                return r
        known = ", ".join(r.name for r in self.recipients)
        raise UserError(f"no recipient {name!r} in the block-list config (known: {known})")


def default_path() -> Path:
    return Path(str(resources.files("sever.config") / "blocklist.yaml"))


def load(path: Path | str | None = None) -> BlocklistConfig:
    """The config at `path`, else `$SEVER_BLOCKLIST_CONFIG`, else the bundled defaults."""
    p = Path(path) if path else (BlocklistSettings().blocklist_config or default_path())
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
        return BlocklistConfig.model_validate(data)
    except FileNotFoundError:
        raise UserError(f"{p}: block-list config not found") from None
    except Exception as exc:  # pydantic or YAML: say which file
        text = re.sub(r"\n\s+For further information.*", "", str(exc))
        raise UserError(f"{p}: invalid block-list config: {text}") from None
