"""The `sever` command line: one sub-command module per pipeline stage.

Exit codes: 0 ok, 1 the run found a problem (e.g. an unusable input file),
2 user error (bad arguments, configuration or rule), 3 external failure
(warehouse, file system).
"""

from __future__ import annotations

import logging
import sys

import typer
from rich.console import Console
from rich.logging import RichHandler

from sever.errors import SeverError

app = typer.Typer(
    name="sever",
    help="Disrupt the payments behind online child sexual exploitation.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
console = Console(stderr=True)


@app.callback()
def _root(
    verbose: int = typer.Option(0, "--verbose", "-v", count=True, help="-v info, -vv debug (SQL)"),
) -> None:
    level = {0: logging.WARNING, 1: logging.INFO}.get(verbose, logging.DEBUG)
    logging.basicConfig(
        level=level, format="%(message)s", handlers=[RichHandler(console=console, show_path=False)]
    )


def _register() -> None:
    # Imported here so `sever --help` stays fast and each stage owns its command module.
    from sever.cli import (
        alert_cmd,
        blocklist_cmd,
        case_cmd,
        eval_cmd,
        feedback_cmd,
        ingest_cmd,
        report_cmd,
        rules_cmd,
        sample_cmd,
        sar_cmd,
        scan_cmd,
        schedule_cmd,
        serve_cmd,
    )

    modules = (
        ingest_cmd,
        scan_cmd,
        schedule_cmd,
        alert_cmd,
        rules_cmd,
        case_cmd,
        sar_cmd,
        blocklist_cmd,
        serve_cmd,
        feedback_cmd,
        report_cmd,
        eval_cmd,
        sample_cmd,
    )
    for module in modules:
        module.register(app)


def main() -> None:
    _register()
    try:
        app()
    except SeverError as exc:
        console.print(f"[bold red]error:[/] {exc}", markup=True, highlight=False)
        sys.exit(int(exc.exit_code))
