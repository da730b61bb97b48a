"""`sever eval` through the CLI: the report, its JSON/Markdown copies and clean user errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from sever.cli.eval_cmd import register
from sever.errors import UserError
from sever.evaluate.load import read_alerts, read_labels

DATA = Path(__file__).parent / "data"
SMALL = DATA / "small"


def _app() -> typer.Typer:
    # A root of its own: the lead wires `eval` into `sever.cli`; here only the command is tested.
    app = typer.Typer()

    @app.callback()
    def _root() -> None:
        """Test root."""

    register(app)
    return app


def _eval(*args: str):
    return CliRunner().invoke(_app(), ["eval", *args])


def test_eval_prints_report_and_writes_json_and_markdown(tmp_path: Path) -> None:
    out_json, out_md = tmp_path / "r" / "eval.json", tmp_path / "eval.md"
    result = _eval("--data", str(SMALL), "--alerts", str(DATA / "alerts.jsonl"),
                   "--json", str(out_json), "--markdown", str(out_md))  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "precision (flagged suspects / flagged)" in result.output
    assert "3 / 7 (0.429)" in result.output
    assert "victims flagged as suspects: 1: V2" in result.output
    data = json.loads(out_json.read_text())
    assert data["overall"]["flagged_suspects"] == 3
    assert data["lookalikes"]["flagged_ids"] == ["L1"]
    md = out_md.read_text()
    assert md.startswith("# evaluation of ")
    assert "| recall (flagged suspects / suspects) | 3 / 6 (0.500) |" in md
    assert "## score-threshold sweep" in md


def test_malformed_alert_line_exits_2_naming_the_line() -> None:
    result = _eval("--data", str(SMALL), "--alerts", str(DATA / "malformed_alerts.jsonl"))
    assert result.exit_code == 2, result.output
    assert "2 malformed alert line(s)" in result.output
    assert "line 3: not valid JSON" in result.output
    assert "line 4: role 'Victim' is not one of" in result.output


def test_missing_labels_exits_2(tmp_path: Path) -> None:
    shutil.copy(SMALL / "accounts.csv", tmp_path / "accounts.csv")
    result = _eval("--data", str(tmp_path), "--alerts", str(DATA / "alerts.jsonl"))
    assert result.exit_code == 2
    assert "no labels.csv" in result.output


def test_missing_alerts_file_exits_2(tmp_path: Path) -> None:
    result = _eval("--data", str(SMALL), "--alerts", str(tmp_path / "nope.jsonl"))
    assert result.exit_code == 2
    assert "alerts file not found" in result.output


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("[1, 2]", "not a JSON object"),
        ('{"role": "mule", "score": 0.5}', "subject_account_id missing"),
        ('{"subject_account_id": 12, "role": "mule", "score": 0.5}', "subject_account_id"),
        ('{"subject_account_id": "A", "role": "mule"}', "score missing"),
        ('{"subject_account_id": "A", "role": "mule", "score": true}', "score missing"),
        ('{"subject_account_id": "A", "role": "mule", "score": 1.5}', "outside 0-1"),
        ('{"subject_account_id": "A", "role": "mule", "score": 0.5, "typology": 3}', "typology"),
    ],
)
def test_alert_line_problems(tmp_path: Path, line: str, problem: str) -> None:
    path = tmp_path / "alerts.jsonl"
    path.write_text('{"subject_account_id": "A", "role": "mule", "score": 0.5}\n' + line + "\n")
    with pytest.raises(UserError, match=r"line 2: .*" + problem):
        read_alerts(path)


def test_labels_problems(tmp_path: Path) -> None:
    (tmp_path / "labels.csv").write_text("account_id,kind\nA,mule\n")
    with pytest.raises(UserError, match="missing required column"):
        read_labels(tmp_path)
    (tmp_path / "labels.csv").write_text("account_id,role\nA,mule\nB,\nA,collector\n")
    with pytest.raises(UserError, match=r"empty account_id or role on line\(s\) 3"):
        read_labels(tmp_path)
    (tmp_path / "labels.csv").write_text("account_id,role\nA,mule\nA,collector\n")
    with pytest.raises(UserError, match="listed twice: A"):
        read_labels(tmp_path)
