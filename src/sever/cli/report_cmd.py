"""`sever report impact`: what the engine achieved in a period, as Markdown and HTML.

Reads the signal, alert, case, block-list and screening tables through `sever.impact`;
writes impact.md, impact.html and chart PNGs. Internal: the report counts SARs.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import typer
from rich.console import Console

from sever.cli.common import FromOption, ToOption, WarehouseOption, warehouse_from
from sever.errors import UserError

out = Console(width=None if Console().is_terminal else 160)


def register(app: typer.Typer) -> None:
    report = typer.Typer(help="Reports over the warehouse.")
    app.add_typer(report, name="report")

    @report.command("impact")
    def impact_cmd(
        first: datetime = FromOption,
        last: datetime = ToOption,
        out_dir: Path = typer.Option(Path("reports"), "--out", help="Folder for the report."),
        fmt: str = typer.Option("both", "--format", help="md, html or both."),
        warehouse: Path | None = WarehouseOption,
    ) -> None:
        """Signals, alerts, accounts actioned, SARs, block list and money stopped, with charts.

        Events count by the UTC day the engine recorded them, both ends included.
        """
        from sever.impact.period import Period
        from sever.impact.report import FORMATS, write_report

        if fmt not in FORMATS:
            raise UserError(f"--format must be one of {', '.join(FORMATS)}, got {fmt!r}")
        period = Period.of(first, last)
        wh = warehouse_from(warehouse)
        try:
            written = write_report(wh, period, out_dir, fmt)
        finally:
            wh.close()
        for kind, path in written.items():
            out.print(f"wrote {kind}: {path}", highlight=False)
