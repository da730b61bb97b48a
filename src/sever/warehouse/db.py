"""Open the DuckDB warehouse, apply migrations, and run every SQL statement.

Every statement in the project goes through `Warehouse.run`: it names the step,
logs the SQL at debug level (never the parameters: they may hold identifiers)
and turns any failure into `SqlError` carrying the statement.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb

from sever.errors import SqlError

log = logging.getLogger("sever.sql")


class Warehouse:
    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path | None) -> None:
        self.con = con
        self.path = path
        self.timings: dict[str, float] = {}

    def run(self, step: str, sql: str, params: Sequence[Any] | dict[str, Any] | None = None):
        """Execute one statement; return the DuckDB cursor for fetching."""
        log.debug("step=%s\n%s", step, sql)
        started = time.perf_counter()
        try:
            cur = self.con.execute(sql, params) if params is not None else self.con.execute(sql)
        except duckdb.Error as exc:
            raise SqlError(step, sql, exc) from exc
        self.timings[step] = self.timings.get(step, 0.0) + time.perf_counter() - started
        return cur

    def rows(self, step: str, sql: str, params=None) -> list[tuple]:
        return self.run(step, sql, params).fetchall()

    def scalar(self, step: str, sql: str, params=None) -> Any:
        row = self.run(step, sql, params).fetchone()
        return None if row is None else row[0]

    def records(self, step: str, sql: str, params=None) -> list[dict[str, Any]]:
        cur = self.run(step, sql, params)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]

    def pl(self, step: str, sql: str, params=None):
        """Result as a polars DataFrame (for small, already-aggregated results only)."""
        return self.run(step, sql, params).pl()

    @contextmanager
    def transaction(self, step: str) -> Iterator[None]:
        """All-or-nothing: a crash inside leaves the warehouse as it was."""
        self.run(f"{step}:begin", "BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.run(f"{step}:commit", "COMMIT")

    def beside(self) -> Warehouse:
        """A second connection to the same database, for work run beside this one's.

        It has its own transactions and temporary tables and its own `timings`
        (`merge_timings` adds them here); DuckDB runs both at once, in one process.
        """
        con = self.con.cursor()
        con.execute("SET TimeZone = 'UTC'")
        return Warehouse(con, self.path)

    def merge_timings(self, other: Warehouse) -> None:
        for step, seconds in other.timings.items():
            self.timings[step] = self.timings.get(step, 0.0) + seconds

    def drop(self, *names: str) -> None:
        """Drop temporary or staging relations, whether they are tables or views."""
        for name in names:
            kinds = self.rows(
                "drop:kind",
                "SELECT 'TABLE' FROM duckdb_tables() WHERE table_name = ? UNION ALL"
                " SELECT 'VIEW' FROM duckdb_views() WHERE view_name = ? AND NOT internal",
                [name, name],
            )
            for (kind,) in kinds:
                self.run(f"drop:{name}", f"DROP {kind} IF EXISTS {name}")

    def table_exists(self, name: str) -> bool:
        return bool(
            self.scalar(
                "table_exists",
                "SELECT count(*) FROM information_schema.tables WHERE table_name = ?",
                [name],
            )
        )

    def close(self) -> None:
        self.con.close()


def _migrations() -> list[tuple[int, str, str]]:
    folder = resources.files("sever.warehouse") / "migrations"
    found = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            version = int(entry.name.split("_", 1)[0])
            found.append((version, entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found)


def migrate(wh: Warehouse) -> int:
    """Apply pending migrations in order, each in its own transaction; return the version."""
    wh.run(
        "migrate:version_table",
        "CREATE TABLE IF NOT EXISTS schema_version ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)",
    )
    applied = {v for (v,) in wh.rows("migrate:applied", "SELECT version FROM schema_version")}
    current = max(applied, default=0)
    for version, name, sql in _migrations():
        if version in applied:
            continue
        with wh.transaction(f"migrate:{name}"):
            # Comments may hold ';' so they go before the split.
            code = "\n".join(line.split("--", 1)[0] for line in sql.splitlines())
            for statement in (s.strip() for s in code.split(";")):
                if statement:
                    wh.run(f"migrate:{name}", statement)
            wh.run(
                "migrate:record",
                "INSERT INTO schema_version VALUES (?, ?, now()::TIMESTAMP)",
                [version, name],
            )
        current = max(current, version)
    return current


def open_warehouse(
    path: Path | str | None, *, threads: int | None = None, memory_limit: str | None = "4GB"
) -> Warehouse:
    """Open (creating if needed) and migrate the warehouse; `None` opens an in-memory one."""
    config: dict[str, Any] = {}
    if threads:
        config["threads"] = threads
    if memory_limit:
        config["memory_limit"] = memory_limit
    target: Path | None = None
    if path is None or str(path) == ":memory:":
        con = duckdb.connect(":memory:", config=config)
    else:
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            con = duckdb.connect(str(target), config=config)
        except duckdb.IOException as exc:
            raise SqlError("open_warehouse", f"-- connect {target}", exc) from exc
    # Everything is stored and compared in UTC; local hours are derived from kept offsets.
    con.execute("SET TimeZone = 'UTC'")
    wh = Warehouse(con, target)
    migrate(wh)
    return wh
