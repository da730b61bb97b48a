"""`sever ingest DATA_DIR`: validate and load a delivery; print what happened to every row."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from sever.cli.common import WarehouseOption, warehouse_from
from sever.errors import ExitCode
from sever.ingest.load import load_label

# Wide when not on a terminal so file names and reasons are never cut in logs.
out = Console(width=None if Console().is_terminal else 160)


def render(report) -> None:
    """Per-file counts, then every failed expectation, then unusable files."""
    table = Table(title=f"ingest {report.run_id}", show_lines=False)
    for col in ("table", "file", "read", "loaded", "quarantined", "duplicates", "load", "status"):
        table.add_column(
            col,
            justify="right" if col in ("read", "loaded", "quarantined", "duplicates") else "left",
        )
    for f in report.files:
        status = "[green]ok[/]" if f.status == "ok" else f"[red]{f.status}[/]"
        table.add_row(
            f.table,
            f.file_name,
            str(f.rows_read),
            str(f.loaded),
            str(f.quarantined),
            str(f.duplicates),
            load_label(f.method),
            status,
        )
    out.print(table)
    failed = [(f, r) for f in report.files for r in f.dq if not r["success"]]
    if failed:
        dq = Table(title="data quality: expectations with unexpected rows")
        for col in ("file", "expectation", "column", "unexpected", "of", "handling"):
            dq.add_column(col)
        for f, r in failed:
            dq.add_row(
                f.file_name,
                r["expectation_type"],
                r["column"] or "",
                str(r["unexpected_count"]),
                str(r["element_count"]),
                r["severity"],
            )
        out.print(dq)
    for f in report.unusable:
        out.print(f"[bold red]unusable file[/] {f.file_name}: {f.problem}", highlight=False)
    quarantined = sum(f.quarantined for f in report.files)
    if quarantined:
        out.print(
            f"{quarantined} row(s) quarantined with reasons: "
            "see `sever quarantine` or table `quarantine`."
        )


def register(app: typer.Typer) -> None:
    @app.command("ingest")
    def ingest(
        data_dir: Path = typer.Argument(..., help="Directory holding the contract's files."),
        warehouse: Path | None = WarehouseOption,
        report_dir: Path = typer.Option(Path("reports/runs"), help="Where to write the DQ JSON."),
        wait: int = typer.Option(0, help="Seconds to wait if another run holds the warehouse."),
    ) -> None:
        """Validate and load transactions, accounts, identifiers, signals and fx rates.

        Bad rows are quarantined with every reason; exits 1 only when a file is unusable.
        """
        from sever.config import get_settings
        from sever.ingest import run_ingest
        from sever.ops import lock, runlog

        with lock.hold(
            warehouse or get_settings().warehouse, wait=wait, what="sever ingest", on_wait=out.print
        ):
            wh = warehouse_from(warehouse)
            try:
                runlog.recover(wh, datetime.now(UTC).replace(tzinfo=None))
                report = run_ingest(wh, data_dir, report_dir=report_dir)
            finally:
                wh.close()
        render(report)
        if report.unusable:
            raise typer.Exit(int(ExitCode.FAILED))

    @app.command("quarantine")
    def quarantine(
        warehouse: Path | None = WarehouseOption,
        table: str | None = typer.Option(None, help="Only this table."),
        limit: int = typer.Option(50, help="How many rows to show."),
    ) -> None:
        """List quarantined rows: file, row and every reason."""
        wh = warehouse_from(warehouse)
        try:
            rows = wh.rows(
                "cli:quarantine",
                "SELECT table_name, file_name, row_number, array_to_string(reasons, '; ')"
                " FROM quarantine WHERE ? IS NULL OR table_name = ?"
                " ORDER BY table_name, file_name, row_number LIMIT ?",
                [table, table, limit],
            )
        finally:
            wh.close()
        t = Table(title="quarantine")
        for col in ("table", "file", "row", "reasons"):
            t.add_column(col)
        for r in rows:
            t.add_row(*(str(v) for v in r))
        out.print(t)
