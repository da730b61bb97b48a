"""Options shared by several commands."""

from __future__ import annotations

from pathlib import Path

import typer

from sever.config import get_settings
from sever.warehouse import Warehouse, open_warehouse

WarehouseOption = typer.Option(
    None,
    "--warehouse",
    "-w",
    help="DuckDB warehouse file (default: $SEVER_WAREHOUSE or ./warehouse/sever.duckdb).",
)


def warehouse_from(path: Path | None) -> Warehouse:
    settings = get_settings()
    return open_warehouse(
        path or settings.warehouse, threads=settings.threads, memory_limit=settings.memory_limit
    )
