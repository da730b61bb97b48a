"""Detection configuration: every threshold and weight, loaded from YAML (no numbers in code)."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

from sever.config.settings import Settings, get_settings
from sever.errors import UserError

__all__ = ["DetectionConfig", "Settings", "get_settings", "load"]


class SignalWeights(BaseModel):
    status: dict[str, float]
    default_confidence: int
    recency_half_life_days: float
    harm: dict[str, float]


class Candidates(BaseModel):
    hops: int = Field(ge=0, le=3)
    signal_hops: int = Field(ge=0, le=3)
    max_degree: int
    max_component_nodes: int


class Severity(BaseModel):
    critical: float
    high: float
    medium: float
    low: float


class DetectionConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lookback_days: int
    night_start_hour: int
    night_end_hour: int
    minor_age: int
    young_age: int
    jurisdictions_of_concern: dict[str, list[str]]
    plea_keywords: list[str]
    innocuous_memo_keywords: list[str]
    shared_identifier_types: list[str]
    shared_identifier_max_accounts: int
    operator_identifier_types: list[str]
    signals: SignalWeights
    candidates: Candidates
    detectors: dict[str, dict[str, Any]]
    combiner: dict[str, Any]
    severity: Severity


def default_path() -> Path:
    return Path(str(resources.files("sever.config") / "detection.yaml"))


@cache
def load(path: str | None = None) -> DetectionConfig:
    p = Path(path) if path else default_path()
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
        return DetectionConfig.model_validate(data)
    except FileNotFoundError as exc:
        raise UserError(f"{p}: detection config not found") from exc
    except Exception as exc:  # pydantic or YAML: say which file
        raise UserError(f"{p}: invalid detection config: {exc}") from exc
