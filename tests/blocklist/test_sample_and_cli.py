"""End to end on the bundled sample through the CLI: propose, approve, release, verify, ack."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from sever.blocklist import keys
from sever.blocklist.spec import keyed_hash
from sever.cli import blocklist_cmd
from sever.warehouse import open_warehouse


@pytest.fixture(scope="module")
def env(module_db: Path) -> dict[str, str]:
    root = module_db.parent
    return {
        "SEVER_WAREHOUSE": str(module_db),
        "SEVER_KEYS_DIR": str(root / "keys"),
        "SEVER_RELEASES_DIR": str(root / "releases"),
        "SEVER_ACTOR": "analyst.ana",
    }


def _run(env: dict[str, str], *args: str):
    app = typer.Typer()
    blocklist_cmd.register(app)
    return CliRunner().invoke(app, ["blocklist", *args], env=env)


def test_the_sample_goes_from_alerts_to_a_verified_acknowledged_release(env) -> None:
    assert _run(env, "keys", "init").exit_code == 0
    result = _run(env, "candidates", "--propose", "--state", "all", "--limit", "1000")
    assert result.exit_code == 0, result.output
    wh = open_warehouse(Path(env["SEVER_WAREHOUSE"]))
    try:
        ids = [r for (r,) in wh.rows("t:c", "SELECT entry_id FROM block_entries ORDER BY 1")]
        victims = set(
            wh.rows(
                "t:v",
                "SELECT DISTINCT i.id_type, i.value_norm FROM account_identifiers i JOIN alerts a"
                " ON a.subject_account_id = i.account_id WHERE a.role = 'victim' OR a.restricted",
            )
        )
    finally:
        wh.close()
    assert ids and victims
    assert _run(env, "approve", *ids).exit_code == 0
    result = _run(env, "release")
    assert result.exit_code == 0 and "R000001" in result.output, result.output
    root = Path(env["SEVER_RELEASES_DIR"]) / "R000001" / "screener"
    assert _run(env, "verify", str(root)).exit_code == 0
    assert (
        _run(env, "ack", "--client", "psp-1", "--recipient", "screener", "--release", "1").exit_code
        == 0
    )
    status = _run(env, "status")
    assert status.exit_code == 0 and "psp-1" in status.output
    manifest = json.loads((root / "manifest.json").read_text())
    assert manifest["counts"]["total"] == len(ids)
    raw_keys = (root / "entries.jsonl").read_text()
    key = keys.load_recipient("screener", Path(env["SEVER_KEYS_DIR"]))
    held = {json.loads(line)["key"] for line in raw_keys.splitlines()}
    assert not held & {keyed_hash(key, t, v) for t, v in victims}
    (root / "entries.jsonl").write_text(raw_keys.replace('"block"', '"allow"'))
    tampered = _run(env, "verify", str(root))
    assert tampered.exit_code == 1 and "REJECTED" in tampered.output
