"""`sever alert list|show|set-state|export` against a warehouse file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from sever.alerts import upsert_alerts
from sever.cli import alert_cmd
from sever.errors import UserError
from sever.warehouse import open_warehouse

app = typer.Typer()


@app.callback()
def _root() -> None:
    """Test app holding only the alert commands."""


alert_cmd.register(app)


@pytest.fixture
def wh_path(tmp_path: Path) -> Path:
    path = tmp_path / "wh.duckdb"
    wh = open_warehouse(path, memory_limit=None)
    try:
        for account, role, severity in (
            ("sub-col", "collector", "critical"),
            ("sub-vic", "victim", "low"),
        ):
            wh.run(
                "test:score",
                "INSERT INTO account_scores VALUES ('r1', ?, ?, 'financial_sextortion', 0.9, ?,"
                " ['Sender kid@example.com paid 3 times, phone +1 415 555 0100', '[bold]x[/]'],"
                " ['graph'], ['r@1'], [], [], ['t1'], TIMESTAMP '2024-05-01 10:00',"
                " TIMESTAMP '2024-05-01 11:00', 300.0, false)",
                [account, role, severity],
            )
        upsert_alerts(wh, "r1", 0.5)
    finally:
        wh.close()
    return path


def _run(wh_path: Path, *args: str):
    return CliRunner().invoke(app, ["alert", *args, "--warehouse", str(wh_path)])


def _alert_id(wh_path: Path, subject: str) -> str:
    wh = open_warehouse(wh_path, memory_limit=None)
    try:
        return wh.scalar("t", "SELECT alert_id FROM alerts WHERE subject_account_id = ?", [subject])
    finally:
        wh.close()


def test_list_filters(wh_path) -> None:
    result = _run(wh_path, "list")
    assert result.exit_code == 0, result.output
    assert "sub-col" in result.output and "sub-vic" in result.output
    high = _run(wh_path, "list", "--min-severity", "high")
    assert "sub-col" in high.output and "sub-vic" not in high.output
    victims = _run(wh_path, "list", "--role", "victim")
    assert "sub-vic" in victims.output and "sub-col" not in victims.output
    bad = _run(wh_path, "list", "--state", "open")
    assert isinstance(bad.exception, UserError)


def test_show_masks_identifiers_and_prints_the_audit_trail(wh_path) -> None:
    alert_id = _alert_id(wh_path, "sub-col")
    result = _run(wh_path, "show", alert_id)
    assert result.exit_code == 0, result.output
    assert "kid@example.com" not in result.output and "555 0100" not in result.output
    assert "<email>" in result.output and "<phone>" in result.output
    assert "[bold]x[/]" in result.output
    assert "audit trail" in result.output and "created" in result.output
    assert "VICTIM" in _run(wh_path, "show", _alert_id(wh_path, "sub-vic")).output


def test_set_state_and_illegal_move(wh_path) -> None:
    alert_id = _alert_id(wh_path, "sub-col")
    ok = _run(wh_path, "set-state", alert_id, "in_review", "--actor", "alice", "--note", "mine")
    assert ok.exit_code == 0, ok.output
    assert "new -> in_review by alice" in ok.output
    bad = _run(wh_path, "set-state", alert_id, "new", "--actor", "alice")
    assert isinstance(bad.exception, UserError)
    assert "cannot move from in_review to new" in str(bad.exception)
    assert "alice" in _run(wh_path, "show", alert_id).output


def test_export(wh_path, tmp_path) -> None:
    result = _run(wh_path, "export", "--out", str(tmp_path / "out"), "--run-id", "r1")
    assert result.exit_code == 0, result.output
    assert "wrote 2 alert(s)" in result.output
    lines = (tmp_path / "out" / "alerts.jsonl").read_text().splitlines()
    assert sorted(json.loads(line)["role"] for line in lines) == ["collector", "victim"]
