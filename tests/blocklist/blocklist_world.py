"""A small hand-built block-list world (world.yaml) written into a warehouse."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from sever.rules.files import canonical, content_hash
from sever.rules.spec import Rule
from sever.warehouse import Warehouse

HERE = Path(__file__).parent
T0 = datetime(2026, 3, 1, 12, 0)
RULE = {
    "id": "cash_out_block",
    "version": 1,
    "title": "Mule cashes out fast",
    "description": "Receives from several payers and forwards nearly all of it at once.",
    "typology": "mule_network",
    "scope": "payee",
    "window": "72h",
    "condition": "distinct_payers >= 2 and forwarded_share >= 0.9",
    "severity": "high",
    "action": "block_candidate",
    "mode": "live",
    "owner": "analyst.maria",
    "explanation": "received {in_usd:,.2f} USD from {distinct_payers} payers",
    "red_flags": [7],
}


def world() -> dict[str, Any]:
    return yaml.safe_load((HERE / "world.yaml").read_text(encoding="utf-8"))


def alert_id(subject: str, typology: str) -> str:
    return f"AL-{subject}-{typology[:3]}"


def add_alert(wh: Warehouse, a: dict[str, Any]) -> str:
    aid = alert_id(a["subject"], a["typology"])
    wh.run(
        "t:alert",
        "INSERT INTO alerts VALUES (?, ?, ?, ?, 0.9, ?, ['r'], ?, [], ?, [], [], NULL, NULL,"
        " 100.0, ?, ?, NULL, NULL, 'run1', 'run1', ?, ?, ?)",
        [
            aid,
            a["subject"],
            a["role"],
            a["typology"],
            a["severity"],
            a.get("detectors", []),
            a.get("signals", []),
            a.get("restricted", False),
            a.get("state", "new"),
            T0,
            T0,
            T0,
        ],
    )
    for s in a.get("signals", []):
        mp = bool(
            wh.scalar("t:mp", "SELECT minor_perpetrator FROM signals WHERE signal_id = ?", [s])
        )
        wh.run(
            "t:hit",
            "INSERT OR IGNORE INTO signal_hits VALUES (?, ?, 'email', 'p', NULL, 0.5, ?, NULL)",
            [a["subject"], s, mp],
        )
    return aid


def add_rule_hit(wh: Warehouse, ref: str, account: str, mode: str, day: date) -> None:
    rule = Rule.model_validate(RULE)
    h = content_hash(canonical(rule))
    rule_id, version = ref.split("@")
    body = json.dumps(rule.model_dump(mode="json", exclude={"cases"}), sort_keys=True)
    wh.run(
        "t:rule_version",
        "INSERT OR IGNORE INTO rule_versions VALUES (?, ?, ?, ?, ?, 'analyst.maria', 'published')",
        [rule_id, int(version), h, body, T0],
    )
    wh.run(
        "t:rule_hit",
        "INSERT INTO rule_hits VALUES ('run1', ?, ?, ?, NULL, ?, ?, 'block_candidate', '{}')",
        [ref, h, account, day, mode],
    )


def build(wh: Warehouse, w: dict[str, Any]) -> None:
    for account, ids in w["identifiers"].items():
        for id_type, value in ids.items():
            wh.run(
                "t:ident",
                "INSERT INTO account_identifiers"
                " VALUES (?, ?, ?, ?, true, '', NULL, NULL, 't', 't')",
                [account, id_type, value, value],
            )
    for s in w["signals"]:
        wh.run(
            "t:signal",
            "INSERT INTO signals VALUES (?, 'EMAIL_ADDRESS', ?, ?, true, 'p', 'MALICIOUS', 90,"
            " '', ?, NULL, NULL, ?, 't', 't')",
            [s["id"], s["id_type"], s["indicator"], T0, s.get("minor_perpetrator", False)],
        )
    for a in w["alerts"]:
        add_alert(wh, a)
    for r in w["rules"]:
        add_rule_hit(wh, r["ref"], r["account"], r["mode"], T0.date())
