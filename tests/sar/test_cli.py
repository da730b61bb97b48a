"""The `sever case` and `sever sar` commands, wired as `sever.cli` wires them: the README
walk-through from the scanned sample to an exported SAR, and the errors on the way."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from sar_synthetic import find_ring
from typer.testing import CliRunner

from sever.cli import case_cmd, sar_cmd
from sever.errors import UserError
from sever.warehouse import open_warehouse

runner = CliRunner()
INSTITUTION = Path(__file__).parents[2] / "src" / "sever" / "config" / "institution.example.yaml"


@pytest.fixture
def ring(wh_path) -> dict[str, str]:
    """The ring's alerts, read through a connection closed before the CLI opens the file."""
    wh = open_warehouse(wh_path)
    try:
        return find_ring(wh)
    finally:
        wh.close()


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def _root() -> None:
        """sever"""

    case_cmd.register(app)
    sar_cmd.register(app)
    return app


def _run(args: list[str], wh_path, **env):
    return runner.invoke(_app(), [*args, "--warehouse", str(wh_path)], env=env or None)


def test_readme_walkthrough(wh_path, ring, tmp_path) -> None:
    ring_ids = [ring["collector"], ring["mule"], ring["victim"]]
    opened = _run(["case", "open", *ring_ids, "--actor", "ana"], wh_path)
    assert opened.exit_code == 0, opened.output
    assert "opened CASE-000001" in opened.output and "2 subject(s)" in opened.output
    drafted = _run(["sar", "draft", "CASE-000001", "--actor", "ana"], wh_path,
                   SEVER_INSTITUTION=str(INSTITUTION))  # fmt: skip
    assert drafted.exit_code == 0, drafted.output
    assert "valid against the XSD" in drafted.output
    assert _run(["sar", "validate", "CASE-000001"], wh_path).exit_code == 0
    approved = _run(["case", "approve", "CASE-000001"], wh_path, SEVER_ACTOR="bob")
    assert approved.exit_code == 0 and "approved by bob" in approved.output
    exported = _run(["sar", "export", "CASE-000001", "--out", str(tmp_path)], wh_path)
    assert exported.exit_code == 0, exported.output
    xml = tmp_path / "CASE-000001" / "CASE-000001_fincen_sar.xml"
    assert xml.exists()
    assert runner.invoke(_app(), ["sar", "validate", "--file", str(xml)]).exit_code == 0
    due = _run(["case", "due"], wh_path)
    assert "CASE-000001" in due.output and "filing" in due.output
    filed = _run(["case", "close", "CASE-000001", "--actor", "bob", "--bsa-id", "31000123456789"],
                 wh_path)  # fmt: skip
    assert filed.exit_code == 0 and "filed" in filed.output
    shown = _run(["case", "show", "CASE-000001"], wh_path)
    for action in ("opened", "drafted", "approved", "filed"):
        assert action in shown.output
    listed = _run(["case", "list", "--state", "filed"], wh_path)
    assert "31000123456789" in listed.output


def test_cli_errors_are_user_errors(wh_path, ring, tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("SEVER_INSTITUTION", raising=False)
    victim_only = _run(["case", "open", ring["victim"], "--actor", "ana"], wh_path)
    assert isinstance(victim_only.exception, UserError)
    assert "no subject" in str(victim_only.exception)
    _run(["case", "open", ring["collector"], "--actor", "ana"], wh_path)
    no_config = _run(["sar", "draft", "CASE-000001", "--actor", "ana"], wh_path)
    assert isinstance(no_config.exception, UserError)
    assert "transmitter.tcc" in str(no_config.exception)
    both = _run(["case", "close", "CASE-000001", "--actor", "bob"], wh_path)
    assert isinstance(both.exception, UserError) and "--bsa-id" in str(both.exception)
    bad = tmp_path / "bad.xml"
    bad.write_text("<fc2:EFilingBatchXML xmlns:fc2='www.fincen.gov/base'/>", encoding="utf-8")
    invalid = runner.invoke(_app(), ["sar", "validate", "--file", str(bad)])
    assert invalid.exit_code == 1 and "schema error" in invalid.output
