"""`sever feedback export`: outcomes per signal owner, as ThreatExchange reactions.

Reads the alert, case, block-list and signal tables through `sever.feedback`; writes one
JSON Lines file per owner and `summary.json`. The files hold descriptor ids, reactions
and counts only: no identifiers, accounts, victims, case ids, and never a SAR as such.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from sever.cli.common import FromOption, ToOption, WarehouseOption, warehouse_from

out = Console(width=None if Console().is_terminal else 160)


def register(app: typer.Typer) -> None:
    feedback = typer.Typer(help="Outcome feedback to the signal-sharing program.")
    app.add_typer(feedback, name="feedback")

    @feedback.command("export")
    def export_cmd(
        first: datetime = FromOption,
        last: datetime = ToOption,
        out_dir: Path = typer.Option(..., "--out", help="Folder for <owner>.jsonl and summary."),
        stale_after_days: int = typer.Option(
            365, "--stale-after-days", min=1, help="A dismissal on a signal this old: OUTDATED."
        ),
        warehouse: Path | None = WarehouseOption,
    ) -> None:
        """Export analysts' decisions of the period per signal owner (same period, same bytes).

        Escalated or actioned (blocked, restricted or reported) -> HELPFUL, SAW_THIS_TOO;
        dismissed, or a block it led to overturned on appeal -> NOT_HELPFUL; dismissed on a
        stale signal -> OUTDATED. Deleted
        signals get nothing; each line goes only to the signal's own owner.
        """
        from sever.feedback import export
        from sever.impact.period import Period

        period = Period.of(first, last)
        wh = warehouse_from(warehouse)
        try:
            result = export(wh, period, out_dir, stale_after_days=stale_after_days)
        finally:
            wh.close()
        table = Table(title=f"feedback {period.label()}")
        for col in ("owner", "file", "descriptors"):
            table.add_column(col)
        for f in result.files:
            table.add_row(f.owner, f.path.name, str(f.descriptors))
        out.print(table)
        if not result.files:
            out.print("no analyst decisions on live signals in this period: no owner files")
        out.print(f"wrote {result.summary}")
