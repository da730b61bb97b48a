"""`sever rules ...`: exit codes and messages an analyst sees."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from sever.cli import rules_cmd
from sever.ingest import run_ingest
from sever.rules.cases import write_ledger
from sever.rules.files import load_rule_file
from sever.warehouse import open_warehouse

RULES = Path(__file__).resolve().parents[2] / "rules"
RULE = "collector_minor_fan_in"
app = typer.Typer()


@app.callback()
def _root() -> None:
    """Test app holding only the rules commands."""


rules_cmd.register(app)
runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, ["rules", *args])


@pytest.fixture
def rules_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "rules"
    folder.mkdir()
    shutil.copy(RULES / f"{RULE}.yaml", folder)
    return folder


@pytest.fixture
def warehouse(tmp_path: Path, rules_dir: Path) -> Path:
    rf = load_rule_file(rules_dir / f"{RULE}.yaml")
    write_ledger(rf.rule.cases[0].ledger, tmp_path / "data")
    (tmp_path / "data" / "labels.csv").write_text(
        "account_id,role,typology,case_id\nC1,collector,financial_sextortion,c1\n"
    )
    path = tmp_path / "wh.duckdb"
    wh = open_warehouse(path, memory_limit=None)
    try:
        run_ingest(wh, tmp_path / "data")
    finally:
        wh.close()
    return path


BAD = """
id: bad_rule
version: 1
title: Broken on purpose
description: Every kind of mistake an analyst can make at once.
typology: financial_sextortion
scope: payee
window: 24h
condition: "distinct_minor_payer >= 3; drop table alerts"
severity: urgent
action: alert
mode: live
owner: someone
explanation: "{distinct_payers_48h} payers"
red_flags: [5]
"""


def test_validate_reports_every_problem_with_file_line_and_caret(rules_dir: Path) -> None:
    (rules_dir / "bad_rule.yaml").write_text(BAD)
    result = run("validate", "--rules", str(rules_dir))
    assert result.exit_code == 2
    text = result.output
    assert f"ok {rules_dir / RULE}.yaml" in text.replace("\n", "")
    assert "bad_rule.yaml:9: condition:" in text
    assert "';' is not allowed" in text and "^" in text
    assert "bad_rule.yaml:10: severity: Input should be 'low', 'medium', 'high' or" in text
    assert "the engine computes no 48h window" in text


def test_validate_refuses_sql_and_unknown_windows(rules_dir: Path) -> None:
    text = BAD.replace('"distinct_minor_payer >= 3; drop table alerts"', "distinct_payers_48h > 1")
    (rules_dir / "bad_rule.yaml").write_text(text.replace("urgent", "high"))
    result = run("validate", str(rules_dir / "bad_rule.yaml"))
    assert (
        result.exit_code == 2 and "distinct_payers is computed for: 24h, 72h, 30d" in result.output
    )


def test_validate_refuses_a_rule_window_the_engine_cannot_compute(rules_dir: Path) -> None:
    text = (rules_dir / f"{RULE}.yaml").read_text().replace("window: 72h", "window: 48h")
    (rules_dir / f"{RULE}.yaml").write_text(text)
    result = run("validate", "--rules", str(rules_dir))
    assert result.exit_code == 2
    assert "window: Input should be '24h', '72h' or '30d'" in result.output


def test_test_passes_and_a_wrong_expectation_fails(rules_dir: Path) -> None:
    assert run("test", "--rules", str(rules_dir)).exit_code == 0
    path = rules_dir / f"{RULE}.yaml"
    path.write_text(
        path.read_text().replace("- {account: K1, hit: false}", "- {account: K1, hit: true}")
    )
    result = run("test", "--rules", str(rules_dir))
    assert result.exit_code == 1
    assert "K1: expected a hit on 2026-10-05, got none (features that day:" in result.output


def test_backtest_a_rule_and_a_draft_file(rules_dir: Path, warehouse: Path, tmp_path) -> None:
    args = ["--from", "2026-10-01", "--to", "2026-10-05", "-w", str(warehouse)]
    result = run(
        "backtest",
        RULE,
        "--rules",
        str(rules_dir),
        *args,
        "--data",
        str(tmp_path / "data"),
        "--json",
        str(tmp_path / "bt.json"),
    )
    assert result.exit_code == 0, result.output
    assert "1 hits (account-days) on 1 accounts." in result.output
    assert "precision 100.0%, recall 100.0%" in result.output
    saved = json.loads((tmp_path / "bt.json").read_text())
    assert saved["per_day"] == [{"day": "2026-10-05", "hits": 1, "accounts": 1, "new_accounts": 1}]
    draft = tmp_path / "draft.yaml"
    draft.write_text((rules_dir / f"{RULE}.yaml").read_text().replace(">= 4 and", ">= 6 and"))
    result = run("backtest", str(draft), *args)
    assert result.exit_code == 0 and "0 hits (account-days)" in result.output
    assert run("backtest", "no_such_rule", "--rules", str(rules_dir), *args).exit_code == 2


def test_publish_approve_and_diff(rules_dir: Path, warehouse: Path) -> None:
    w = ["-w", str(warehouse)]
    assert run("publish", RULE, "--by", "analyst.lee", "--rules", str(rules_dir), *w).exit_code == 0
    refused = run("approve", f"{RULE}@1", "--by", "analyst.maria", *w)
    assert refused.exit_code == 2 and "maker != checker" in refused.output
    assert run("approve", f"{RULE}@1", "--by", "analyst.kim", *w).exit_code == 0
    listing = run("list", "--rules", str(rules_dir), *w)
    assert "live approved" in listing.output
    path = rules_dir / f"{RULE}.yaml"
    path.write_text(path.read_text().replace("severity: high", "severity: critical"))
    again = run("publish", RULE, "--by", "analyst.lee", "--rules", str(rules_dir), *w)
    assert again.exit_code == 2 and "is published with hash" in again.output
    assert run("validate", "--rules", str(rules_dir), *w).exit_code == 2
    diff = run("diff", RULE, "--rules", str(rules_dir), *w)
    assert "-severity: high" in diff.output and "+severity: critical" in diff.output


def test_schema_is_json() -> None:
    result = run("schema")
    assert result.exit_code == 0
    assert json.loads(result.output)["title"] == "sever analyst rule"
