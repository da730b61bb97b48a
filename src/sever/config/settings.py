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
    # DuckDB's own limit; Python's candidate graphs come on top. At 3 GB a full rule-feature
    # build over 10M payments runs out of memory (holistic medians do not spill), so a first
    # scan peaks above 4 GB; a nightly run (a day's rule features) fits at 3GB, which keeps a
    # 10M-payment night under 4 GB in all (bench/bench_scan.py).
    memory_limit: str = "4GB"
    # Phone numbers with no country prefix and no account country fall back to this.
    default_region: str = "US"


def get_settings() -> Settings:
    return Settings()
