"""Options shared by several commands."""

from __future__ import annotations

from pathlib import Path

import typer

from sever.config import get_settings
from sever.warehouse import Warehouse, open_warehouse

# A period of whole UTC days, both ends included (feedback, reports).
DATE_FORMATS = ["%Y-%m-%d"]
FromOption = typer.Option(..., "--from", formats=DATE_FORMATS, help="First day (UTC).")
ToOption = typer.Option(..., "--to", formats=DATE_FORMATS, help="Last day (UTC), included.")

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
