"""`sever case ...`: open cases from alerts, follow their deadlines, approve, file or close.

Reads and writes the case tables through `sever.cases`; prints account ids and counts,
never a payer's identity or a raw identifier. Every change needs `--actor` (or
`$SEVER_ACTOR`) and is audited.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from sever.cli.alert_cmd import mask
from sever.cli.common import WarehouseOption, warehouse_from
from sever.errors import UserError

out = Console(width=None if Console().is_terminal else 160)

ALERT_COLS = ["alert_id", "subject_account_id", "role", "typology", "severity", "state", "n_txns"]
SUBJECT_COLS = ["account_id", "role", "kind", "kyc_level", "country"]
DOCUMENT_COLS = ["doc_id", "created_by", "narrative_source", "narrative_chars",
                 "include_restricted", "total_usd", "approved_by", "approved_at"]  # fmt: skip
AUDIT_COLS = ["at", "actor", "action", "from_state", "to_state", "note"]
CASE_FACTS = ("typologies", "detected_at", "subject_identified", "due_at", "prior_case_id",
              "prior_document_number", "opened_by", "opened_at", "filed_at", "bsa_id",
              "close_reason", "next_review_at")  # fmt: skip
ActorOption = typer.Option(..., "--actor", envvar="SEVER_ACTOR", help="Who acts (audited).")


def _table(title: str, rows: list[dict[str, Any]], cols: list[str]) -> Table:
    table = Table(title=title)
    for col in cols:
        table.add_column(col)
    for r in rows:
        table.add_row(*(mask(r.get(c)) if r.get(c) is not None else "" for c in cols))
    return table


def _print_case(case: dict[str, Any]) -> None:
    out.print(f"[bold]{case['case_id']}[/]  state [bold]{case['state']}[/]  ({case['typology']})")
    facts = Table(show_header=False, box=None)
    for key in CASE_FACTS:
        value = case.get(key)
        facts.add_row(key, mask(", ".join(value) if isinstance(value, list) else value))
    out.print(facts)
    if any(a["restricted"] for a in case["alerts"]):
        out.print(
            "[bold magenta]RESTRICTED[/]: some alerts touch minor_perpetrator material; drafts "
            "leave it out unless `sever sar draft --include-restricted`."
        )
    out.print(_table("alerts", case["alerts"], ALERT_COLS))
    out.print(_table("subjects (victims are never subjects)", case["subjects"], SUBJECT_COLS))
    out.print(_table("SAR documents", case["documents"], DOCUMENT_COLS))
    out.print(_table("audit trail", case["audit"], AUDIT_COLS))


def register(app: typer.Typer) -> None:
    case = typer.Typer(help="Investigation cases: open, show, list, due, approve, close.")
    app.add_typer(case, name="case")

    @case.command("open")
    def open_cmd(
        alert_ids: list[str] = typer.Argument(None, help="Alerts to escalate into the case."),
        actor: str = ActorOption,
        continues: str | None = typer.Option(
            None, "--continues", help="A filed case this continuing-activity case follows."
        ),
        warehouse: Path | None = WarehouseOption,
    ) -> None:
        """Escalate alerts into a new draft case and start its filing clock."""
        from sever.cases import open_case

        wh = warehouse_from(warehouse)
        try:
            row = open_case(wh, list(alert_ids or []), actor, continues=continues)
            subjects = wh.scalar(
                "cli:case:subjects",
                "SELECT count(*) FROM case_subjects WHERE case_id = ?",
                [row["case_id"]],
            )
        finally:
            wh.close()
        out.print(
            f"opened [bold]{row['case_id']}[/] ({row['typology']}, {subjects} subject(s)); "
            f"SAR due {row['due_at']:%Y-%m-%d}"
            + ("" if row["subject_identified"] else " (60 days: no subject identified)")
        )

    @case.command("show")
    def show(case_id: str = typer.Argument(...), warehouse: Path | None = WarehouseOption) -> None:
        """Show a case: alerts, subjects, SAR documents and the audit trail."""
        from sever.cases import get_case

        wh = warehouse_from(warehouse)
        try:
            found = get_case(wh, case_id)
        finally:
            wh.close()
        _print_case(found)

    @case.command("list")
    def list_cmd(
        state: str | None = typer.Option(None, help="draft, in_review, approved, filed, ..."),
        warehouse: Path | None = WarehouseOption,
    ) -> None:
        """List cases."""
        from sever.cases import list_cases

        wh = warehouse_from(warehouse)
        try:
            rows = list_cases(wh, state)
        finally:
            wh.close()
        cols = ["case_id", "state", "typology", "n_alerts", "n_subjects", "due_at", "bsa_id"]
        out.print(_table(f"cases ({len(rows)})", rows, cols))

    @case.command("due")
    def due_cmd(
        within: int | None = typer.Option(None, "--within", help="Only deadlines within N days."),
        as_of: datetime | None = typer.Option(None, "--as-of", help="Count days from (UTC)."),
        warehouse: Path | None = WarehouseOption,
    ) -> None:
        """Filing deadlines and continuing-activity reviews, soonest first."""
        from sever.cases import due

        wh = warehouse_from(warehouse)
        try:
            rows = due(wh, within_days=within, as_of=as_of)
        finally:
            wh.close()
        for r in rows:
            r["days_left"] = (
                f"[red]{r['days_left']} (overdue)[/]" if r["overdue"] else r["days_left"]
            )
        table = Table(title=f"deadlines ({len(rows)})")
        for col in ("case_id", "state", "typology", "kind", "due", "days_left"):
            table.add_column(col)
        for r in rows:
            table.add_row(r["case_id"], r["state"], r["typology"], r["kind"],
                          f"{r['due']:%Y-%m-%d %H:%M}", str(r["days_left"]))  # fmt: skip
        out.print(table)

    @case.command("approve")
    def approve_cmd(
        case_id: str = typer.Argument(...),
        actor: str = ActorOption,
        note: str | None = typer.Option(None, "--note", help="Why (audited)."),
        warehouse: Path | None = WarehouseOption,
    ) -> None:
        """Approve the case's latest SAR draft: that version is what gets exported and filed."""
        from sever.cases import approve

        wh = warehouse_from(warehouse)
        try:
            row = approve(wh, case_id, actor, note)
        finally:
            wh.close()
        out.print(f"{row['case_id']}: approved by {mask(actor)}")

    @case.command("close")
    def close_cmd(
        case_id: str = typer.Argument(...),
        actor: str = ActorOption,
        bsa_id: str | None = typer.Option(None, "--bsa-id", help="Filed: FinCEN's BSA id."),
        no_file: bool = typer.Option(False, "--no-file", help="Close without filing."),
        reason: str | None = typer.Option(None, "--reason", help="Why no SAR is filed."),
        warehouse: Path | None = WarehouseOption,
    ) -> None:
        """Record the filing (--bsa-id) or close without filing (--no-file --reason)."""
        from sever.cases import close_no_file, file_case

        if bool(bsa_id) == no_file:
            raise UserError("give either --bsa-id (the SAR was filed) or --no-file --reason TEXT")
        wh = warehouse_from(warehouse)
        try:
            if bsa_id:
                row = file_case(wh, case_id, actor, bsa_id)
            else:
                row = close_no_file(wh, case_id, actor, reason or "")
        finally:
            wh.close()
        tail = (
            f"; continuing-activity review due {row['next_review_at']:%Y-%m-%d}" if bsa_id else ""
        )
        out.print(f"{row['case_id']}: {row['state']}{tail}")
