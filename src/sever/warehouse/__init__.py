"""The warehouse: one DuckDB file, a versioned schema, and the single SQL chokepoint."""

from __future__ import annotations

from sever.warehouse.db import Warehouse, open_warehouse

__all__ = ["Warehouse", "open_warehouse"]
