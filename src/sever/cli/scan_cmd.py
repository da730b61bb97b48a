"""`sever scan DATA_DIR --out DIR`: the nightly job, with progress and a run report."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import typer
from rich.console import Console

from sever.cli.common import WarehouseOption, warehouse_from
from sever.errors import ExitCode

out = Console(width=None if Console().is_terminal else 160)


def register(app: typer.Typer) -> None:
    @app.command("scan")
    def scan_cmd(
        data_dir: Path = typer.Argument(..., help="Delivery directory to ingest first."),
        out_dir: Path = typer.Option(..., "--out", help="Where alerts.jsonl and the report go."),
        warehouse: Path | None = WarehouseOption,
        as_of: datetime | None = typer.Option(None, help="Scan as of (default: latest payment)."),
        lookback_days: int | None = typer.Option(None, help="Days before as-of to look at."),
        config: Path | None = typer.Option(None, help="Detection config YAML."),
        rules: Path = typer.Option(Path("rules"), "--rules", help="Folder of analyst rules."),
        wait: int = typer.Option(0, help="Seconds to wait if another run holds the warehouse."),
    ) -> None:
        """Ingest, match signals, build features, score graphs, update alerts, export."""
        from sever.config import get_settings, load
        from sever.ops import lock, runlog
        from sever.scan.run import scan

        cfg = load(str(config) if config else None)
        with lock.hold(
            warehouse or get_settings().warehouse, wait=wait, what="sever scan", on_wait=out.print
        ):
            wh = warehouse_from(warehouse)
            try:
                runlog.recover(wh, datetime.now(UTC).replace(tzinfo=None))
                with out.status("scanning") as status:
                    result = scan(
                        wh,
                        data_dir,
                        out_dir,
                        cfg,
                        as_of=as_of,
                        lookback_days=lookback_days,
                        rules_dir=rules if rules.is_dir() else None,
                        stage_hook=lambda s: status.update(f"scan: {s}"),
                    )
            finally:
                wh.close()
        rec = result.record
        ingest = rec["counts"].get("ingest", {})
        out.print(f"[bold]scan {result.run_id}[/] as of {rec['as_of']}", highlight=False)
        for table, c in ingest.items():
            out.print(f"  ingest {table}: {c}", highlight=False)
        out.print(
            f"  signal hits: {rec['counts']['signal_hits']}; candidates: "
            f"{rec['counts']['candidates']}; alerts: {rec['counts']['alerts']}",
            highlight=False,
        )
        out.print("  timings (s): " + ", ".join(f"{k} {v}" for k, v in rec["timings_s"].items()))
        out.print(f"  wrote {out_dir / 'alerts.jsonl'}, {out_dir / 'report.md'}")
        if rec["unusable_files"]:
            out.print(f"[red]unusable files:[/] {', '.join(rec['unusable_files'])}")
            raise typer.Exit(int(ExitCode.FAILED))
