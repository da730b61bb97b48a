"""`sever screen` (one decision from JSON) and `sever serve`'s refusal of a bad release."""

from __future__ import annotations

import json

import typer
from realtime_fixtures import HMAC_KEY, RECIPIENT, E, clients_file, write_release
from test_service import PAYMENT
from typer.testing import CliRunner

from sever.blocklist.spec import ENTRIES_FILE
from sever.cli import serve_cmd

app = typer.Typer()
serve_cmd.register(app)
runner = CliRunner()


def test_screen_prints_the_decision(tmp_path, releases, private, public_path) -> None:
    write_release(releases, 1, [E("BE-h", "payment_handle", "$bobby", "warn", "payee")], private)
    (tmp_path / "hmac.key").write_text(HMAC_KEY.hex())
    (tmp_path / "p.json").write_text(json.dumps(PAYMENT))
    args = ["screen", str(tmp_path / "p.json"), "--releases", str(releases),
            "--recipient", RECIPIENT, "--public-key", str(public_path),
            "--hmac-key", str(tmp_path / "hmac.key")]  # fmt: skip
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert (out["action"], out["entry_ids"], out["payment_id"]) == ("warn", ["BE-h"], "p-1")
    (tmp_path / "p.json").write_text('{"amount": "x"}')
    r = runner.invoke(app, args)
    assert r.exit_code == 2 and "sender" in r.output


def test_serve_refuses_a_tampered_release_before_listening(
    tmp_path, releases, private, public_path
):
    path = write_release(releases, 1, [E("BE-1", "account_id", "B1")], private)
    (path / ENTRIES_FILE).write_text((path / ENTRIES_FILE).read_text().replace("block", "allow"))
    clients = clients_file(tmp_path / "clients.json", {"c": ("t", RECIPIENT)})
    (tmp_path / "hmac.key").write_text(HMAC_KEY.hex())
    args = ["serve", "--releases", str(releases), "--recipient", RECIPIENT,
            "--public-key", str(public_path), "--clients", str(clients),
            "--state-dir", str(tmp_path / "state"),
            "--hmac-key", str(tmp_path / "hmac.key")]  # fmt: skip
    r = runner.invoke(app, args)
    assert r.exit_code == 2 and "checksum" in r.output
