"""`sever alert ...`: list, inspect, move and export alerts.

Alerts carry account ids, never raw identifiers; as a second guard anything that looks
like an email address or an international phone number in free text is masked.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from sever.cli.common import WarehouseOption, warehouse_from

out = Console(width=None if Console().is_terminal else 160)

OutOption = typer.Option(..., "--out", help="Directory for alerts.jsonl.")

_EMAIL = re.compile(r"[^\s@<>()\[\],;:\"']+@[^\s@<>()\[\],;:\"']+\.[A-Za-z]{2,}")
_PHONE = re.compile(r"\+\d[\d\s().-]{6,}\d")
_SEVERITY_STYLE = {"low": "dim", "medium": "yellow", "high": "red", "critical": "bold red"}


def mask(text: Any) -> str:
    """Text safe to print: markup escaped, email- and phone-like strings masked."""
    if text is None:
        return ""
    if isinstance(text, datetime):
        return text.strftime("%Y-%m-%d %H:%M:%SZ")
    if isinstance(text, float):
        return f"{text:.3f}"
    return escape(_PHONE.sub("<phone>", _EMAIL.sub("<email>", str(text))))


def _usd(value: float | None) -> str:
    return "" if value is None else f"{value:,.2f}"


def _severity(value: str) -> str:
    return f"[{_SEVERITY_STYLE.get(value, '')}]{value}[/]"


def _print_alert(alert: dict[str, Any]) -> None:
    out.print(f"[bold]{mask(alert['alert_id'])}[/]  state [bold]{alert['state']}[/]")
    if alert["restricted"]:
        out.print(
            "[bold magenta]RESTRICTED[/]: touches minor_perpetrator material; never copy it "
            "into a block list, and into a SAR only by an explicit analyst decision."
        )
    if alert["role"] == "victim":
        out.print("[bold cyan]VICTIM[/]: a person to protect, never a block-list or SAR subject.")
    facts = Table(show_header=False, box=None)
    facts.add_column(style="bold")
    facts.add_column()
    for key in (
        "subject_account_id",
        "role",
        "typology",
        "score",
        "severity",
        "first_seen",
        "last_seen",
        "total_amount_usd",
        "episode_start",
        "previous_alert_id",
        "created_run_id",
        "updated_run_id",
        "created_at",
        "updated_at",
        "last_activity_at",
    ):
        value = alert[key]
        facts.add_row(key, _usd(value) if key == "total_amount_usd" else mask(value))
    for key in ("detector_ids", "rule_ids", "signal_ids", "related_account_ids", "txn_ids"):
        values = alert[key] or []
        facts.add_row(f"{key} ({len(values)})", mask(", ".join(values)))
    out.print(facts)
    out.print("[bold]reasons[/]")
    for reason in alert["reasons"]:
        out.print(f"  - {mask(reason)}")
    history = Table(title="history (per run)")
    for col in ("run", "outcome", "score", "severity", "txns", "+txns", "signals", "last_seen"):
        history.add_column(col)
    for h in alert["history"]:
        history.add_row(
            mask(h["run_id"]),
            h["outcome"],
            mask(h["score"]),
            h["severity"],
            str(h["n_txns"]),
            str(len(h["txn_ids_added"])),
            str(h["n_signals"]),
            mask(h["last_seen"]),
        )
    out.print(history)
    audit = Table(title="audit trail")
    for col in ("at", "actor", "action", "from", "to", "run", "note"):
        audit.add_column(col)
    for a in alert["audit"]:
        audit.add_row(
            mask(a["at"]),
            mask(a["actor"]),
            a["action"],
            a["from_state"] or "",
            a["to_state"] or "",
            mask(a["run_id"]),
            mask(a["note"]),
        )
    out.print(audit)


def register(app: typer.Typer) -> None:
    alert = typer.Typer(help="Review alerts: list, show, change state, export.")
    app.add_typer(alert, name="alert")

    @alert.command("list")
    def list_cmd(
        warehouse: Path | None = WarehouseOption,
        state: str | None = typer.Option(None, help="new, in_review, escalated, dismissed, closed"),
        typology: str | None = typer.Option(None, help="e.g. financial_sextortion"),
        role: str | None = typer.Option(None, help="collector, mule, victim, consumer, other"),
        min_severity: str = typer.Option("low", help="low, medium, high or critical"),
        limit: int = typer.Option(100, min=1, help="How many alerts to show."),
    ) -> None:
        """List alerts, most severe first."""
        from sever.alerts import list_alerts

        wh = warehouse_from(warehouse)
        try:
            rows = list_alerts(
                wh,
                state=state,
                typology=typology,
                role=role,
                min_severity=min_severity,
                limit=limit,
            )
        finally:
            wh.close()
        table = Table(title=f"alerts ({len(rows)})")
        for col in (
            "alert",
            "subject",
            "role",
            "typology",
            "score",
            "severity",
            "state",
            "txns",
            "related",
            "usd",
            "last seen",
        ):
            table.add_column(
                col, justify="right" if col in ("score", "txns", "related", "usd") else "left"
            )
        for r in rows:
            flag = " [magenta]R[/]" if r["restricted"] else ""
            table.add_row(
                mask(r["alert_id"]) + flag,
                mask(r["subject_account_id"]),
                r["role"],
                mask(r["typology"]),
                mask(r["score"]),
                _severity(r["severity"]),
                r["state"],
                str(r["n_txns"]),
                str(r["n_related"]),
                _usd(r["total_amount_usd"]),
                mask(r["last_seen"]),
            )
        out.print(table)

    @alert.command("show")
    def show(
        alert_id: str = typer.Argument(..., help="The alert id, e.g. AL-0123456789abcdef."),
        warehouse: Path | None = WarehouseOption,
    ) -> None:
        """Show one alert: all its evidence, its history per run and its audit trail."""
        from sever.alerts import get_alert

        wh = warehouse_from(warehouse)
        try:
            found = get_alert(wh, alert_id)
        finally:
            wh.close()
        _print_alert(found)

    @alert.command("set-state")
    def set_state_cmd(
        alert_id: str = typer.Argument(..., help="The alert id."),
        state: str = typer.Argument(..., help="new, in_review, escalated, dismissed, closed"),
        actor: str = typer.Option(..., "--actor", help="Who makes the change (audited)."),
        note: str | None = typer.Option(None, "--note", help="Why (audited)."),
        reopen: bool = typer.Option(False, "--reopen", help="Reopen a dismissed/closed alert."),
        warehouse: Path | None = WarehouseOption,
    ) -> None:
        """Move an alert to another state; illegal moves are refused (exit 2)."""
        from sever.alerts import set_state

        wh = warehouse_from(warehouse)
        try:
            moved = set_state(wh, alert_id, state, actor, note, reopen=reopen)
        finally:
            wh.close()
        out.print(
            f"{mask(moved.alert_id)}: {moved.from_state} -> {moved.to_state} "
            f"by {mask(moved.actor)} ({moved.action})"
        )

    @alert.command("export")
    def export(
        out_dir: Path = OutOption,
        run_id: str | None = typer.Option(
            None, "--run-id", help="Alerts that scan created or saw (default: all open alerts)."
        ),
        warehouse: Path | None = WarehouseOption,
    ) -> None:
        """Write alerts.jsonl in the data contract's format, sorted by alert_id."""
        from sever.alerts import export_jsonl

        wh = warehouse_from(warehouse)
        try:
            path = export_jsonl(wh, out_dir, run_id=run_id)
        finally:
            wh.close()
        with path.open(encoding="utf-8") as fh:
            count = sum(1 for _ in fh)
        out.print(f"wrote {count} alert(s) to {escape(str(path))}")
