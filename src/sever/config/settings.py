"""Runtime settings: where the warehouse lives, which jurisdictions are of concern.

Reads `SEVER_*` environment variables; the CLI's flags override them.
"""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SEVER_")

    warehouse: Path = Path("warehouse/sever.duckdb")
    # DuckDB resource limits: the nightly job shares a 2-core box with others.
    threads: int | None = None
    # DuckDB's own limit. At 3 GB the rule-feature medians over 10M payments run out of
    # memory (holistic aggregates do not spill), so the process may peak above 4 GB.
    memory_limit: str = "4GB"
    # Phone numbers with no country prefix and no account country fall back to this.
    default_region: str = "US"


def get_settings() -> Settings:
    return Settings()
