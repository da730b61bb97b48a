"""`sever eval --data DIR --alerts FILE`: precision, recall and false positives against labels.

Reads `DIR/labels.csv` (ground truth; no other command reads it), `DIR/accounts.*` and
`DIR/transactions.*` when present, and a scan's `alerts.jsonl`. Prints the report to the
terminal; writes JSON and/or Markdown copies only where `--json` / `--markdown` say.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from sever.errors import ExitCode, UserError

# Wide when not on a terminal so ids and denominators are never cut in logs.
out = Console(width=None if Console().is_terminal else 160)
err = Console(stderr=True)


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text + "\n", encoding="utf-8")
    except OSError as exc:
        raise UserError(f"cannot write {path}: {exc}") from exc


def register(app: typer.Typer) -> None:
    @app.command("eval")
    def eval_(
        data: Annotated[
            Path, typer.Option("--data", help="Labelled dataset directory (labels.csv).")
        ],
        alerts: Annotated[Path, typer.Option("--alerts", help="A scan's alerts.jsonl.")],
        json_out: Annotated[
            Path | None, typer.Option("--json", help="Also write the result as JSON.")
        ] = None,
        markdown_out: Annotated[
            Path | None, typer.Option("--markdown", help="Also write the report as Markdown.")
        ] = None,
    ) -> None:
        """Score a scan's alerts against a labelled dataset, account by account.

        Suspects: accounts labelled collector, mule or consumer.
        Flagged: the account has at least one alert whose role is not victim.
        Reports precision, recall, F1, case recall, look-alikes, victims, external subjects,
        false positives and a score-threshold sweep; per typology and per role.
        Exits 2 when labels.csv is missing or alerts.jsonl is malformed (naming the lines).
        """
        from sever.evaluate import evaluate_paths
        from sever.evaluate.report import render_rich, to_json, to_markdown

        try:
            result = evaluate_paths(data, alerts)
            if json_out is not None:
                _write(json_out, to_json(result))
            if markdown_out is not None:
                _write(markdown_out, to_markdown(result))
        except UserError as exc:
            # Reported here too, so the exit code is 2 however the command is invoked.
            err.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
            raise typer.Exit(int(ExitCode.USER_ERROR)) from exc
        render_rich(result, out)
