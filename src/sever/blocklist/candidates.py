"""Propose block-list entries from alerts and live `block_candidate` rule hits.

Reads alerts, rule_hits, rule_versions, block_rule_auto, signal_hits, signals,
signal_tombstones, account_scores and account_identifiers; writes block_entries (new
candidates, or approved entries for a rule an analyst approved for automatic action)
and block_audit. Who is a suspect comes from the evidence; what each suspect gets comes
from the config mapping (typology + role + severity -> actions).

Never proposed: victims (role 'victim'), anything touching minor_perpetrator material
(restricted alerts, accounts with minor_perpetrator signal hits, values named by such a
signal), an alert whose only evidence is a signal match, a rule whose condition reads
nothing but signal scores, shadow rule hits, evidence resting on a deleted signal, any
identifier also held by a victim or restricted account, and identifiers shared by more
accounts than `max_accounts_per_identifier`. An identifier cleared by an upheld appeal
is not proposed again from the same evidence (alert, or rule on the same subject).

Entry ids are deterministic (`store.entry_id`), so proposing again is a no-op.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from pydantic import ValidationError

from sever.blocklist import guards, store
from sever.blocklist.config import BlocklistConfig, load
from sever.blocklist.sql import statements
from sever.rules.spec import Rule
from sever.warehouse import Warehouse

log = logging.getLogger("sever.blocklist")

PROPS_COLS = (
    "source VARCHAR, alert_id VARCHAR, rule_ref VARCHAR, source_ref VARCHAR, account_id VARCHAR,"
    " typology VARCHAR, role VARCHAR, severity VARCHAR, signal_ids VARCHAR[], action VARCHAR,"
    " applies_to VARCHAR, reason_code VARCHAR, reason VARCHAR, auto BOOLEAN, auto_by VARCHAR"
)


def _signal_only(rule: Rule) -> bool:
    """A condition that reads only signal scores is a signal match, not evidence."""
    return all(c.column == "signal_score" for c in rule.compiled.columns.values())


def _props(
    wh: Warehouse, cfg: BlocklistConfig, tombstoned: set[str], skipped: Counter[str]
) -> list[dict[str, Any]]:
    """One row per suspect and mapped action, from alerts and from rule hits."""
    sql = statements("proposals.sql")
    out: list[dict[str, Any]] = []

    def add(subject: dict[str, Any], base: dict[str, Any]) -> None:
        if subject["victim"]:
            skipped["victim"] += 1
        elif subject["restricted"]:
            skipped["restricted"] += 1
        elif subject["signal_only"]:
            skipped["signal_only"] += 1
        elif tombstoned & set(subject["signal_ids"]):
            skipped["deleted_signal"] += 1
        else:
            specs = cfg.entries_for(subject["typology"], subject["role"], subject["severity"])
            if not specs:
                skipped["unmapped"] += 1
            for spec in specs:
                out.append({**base, **spec.model_dump(), "signal_ids": list(subject["signal_ids"])})

    for a in wh.records(
        "blocklist:alert_subjects", sql["alert_subjects"], {"states": cfg.alert_states}
    ):
        why = f"alert {a['alert_id']}: {a['role']} in {a['typology']} ({a['severity']})"
        add(
            a,
            {
                "source": "alert",
                "alert_id": a["alert_id"],
                "rule_ref": None,
                "source_ref": a["alert_id"],
                "account_id": a["account_id"],
                "typology": a["typology"],
                "role": a["role"],
                "severity": a["severity"],
                "reason": why,
                "auto": False,
                "auto_by": None,
            },
        )
    for h in wh.records("blocklist:rule_subjects", sql["rule_subjects"]):
        try:
            rule = Rule.model_validate(json.loads(h["body"]))
        except ValidationError:  # written under an older vocabulary: an analyst decides
            skipped["rule_unreadable"] += 1
            continue
        subject = {
            **h,
            "role": rule.role,
            "typology": rule.typology,
            "severity": rule.severity,
            "victim": rule.role == "victim",
            "signal_only": _signal_only(rule),
        }
        why = f"rule {h['rule_ref']} hit on {h['day']}: {rule.role} in {rule.typology}"
        add(
            subject,
            {
                "source": "rule",
                "alert_id": None,
                "rule_ref": h["rule_ref"],
                "source_ref": f"rule:{rule.id}",
                "account_id": h["account_id"],
                "typology": rule.typology,
                "role": rule.role,
                "severity": rule.severity,
                "reason": f"{why} ({rule.severity})",
                "auto": h["auto_by"] is not None,
                "auto_by": h["auto_by"],
            },
        )
    return out


def _withdraw_dismissed(wh: Warehouse, at: datetime) -> int:
    """Candidates whose alert an analyst has since dismissed are rejected by the engine."""
    rows = wh.records(
        "blocklist:dismissed_candidates",
        f"SELECT {store.ENTRY_COLS} FROM block_entries e WHERE e.state = 'candidate'"
        " AND e.alert_id IN (SELECT alert_id FROM alerts WHERE state = 'dismissed')",
    )
    for row in rows:
        note = f"alert {row['alert_id']} was dismissed"
        store.move(wh, row, "rejected", at, store.SYSTEM, "rejected", note)
    return len(rows)


def propose(wh: Warehouse, now: datetime, cfg: BlocklistConfig | None = None) -> dict[str, Any]:
    """Propose entries from the current evidence; returns counts (idempotent).

    Counts: `proposed` (new candidates), `auto_approved` (new entries a rule approved for
    automatic action added), `known` (already proposed), `evidence_grown` (known entries
    that gained signals), `withdrawn` (candidates of since-dismissed alerts rejected, and
    entries whose value has since turned out protected removed), `excluded` per reason
    (protected, shared, appeal) and `skipped` subjects per reason.
    """
    cfg = cfg or load()
    at = store.utc_naive(now)
    sql = statements("proposals.sql")
    skipped: Counter[str] = Counter()
    with wh.transaction("blocklist:propose"):
        tombstoned = {
            s for (s,) in wh.rows("blocklist:tombstones", "SELECT signal_id FROM signal_tombstones")
        }
        props = _props(wh, cfg, tombstoned, skipped)
        wh.run("blocklist:props_table", f"CREATE OR REPLACE TEMP TABLE _bl_props ({PROPS_COLS})")
        if props:
            wh.run(
                "blocklist:props_load",
                "INSERT INTO _bl_props BY NAME SELECT unnest($rows, recursive := true)",
                {"rows": props},
            )
        params = {
            "types": cfg.identifier_types,
            "max_accounts": cfg.max_accounts_per_identifier,
            "now": at,
        }
        guards.prepare(wh)
        wh.run("blocklist:rows", sql["rows"], params)
        excluded = wh.records(
            "blocklist:excluded",
            "SELECT count(DISTINCT entry_id) FILTER (WHERE is_protected) AS protected,"
            " count(DISTINCT entry_id) FILTER (WHERE is_shared AND NOT is_protected) AS shared,"
            " count(DISTINCT entry_id) FILTER (WHERE is_overturned AND NOT is_protected"
            "   AND NOT is_shared) AS appeal,"
            " count(DISTINCT entry_id) FILTER (WHERE entry_id IN (SELECT entry_id FROM"
            "   block_entries)) AS known"
            " FROM _bl_rows",
        )[0]
        wh.run("blocklist:new", sql["new"])
        expires = at + timedelta(days=cfg.expiry_days)
        wh.run("blocklist:insert", sql["insert"], {"now": at, "expires": expires})
        wh.run("blocklist:audit_proposed", sql["audit_proposed"], {"now": at})
        wh.run("blocklist:audit_auto", sql["audit_auto"], {"now": at})
        new, auto = wh.rows(
            "blocklist:new_counts",
            "SELECT count(*), count(*) FILTER (WHERE auto AND NOT is_allowed) FROM _bl_new",
        )[0]
        grown = wh.scalar(
            "blocklist:grow_count",
            "SELECT count(*) FROM block_entries e JOIN (SELECT entry_id, list_distinct("
            "flatten(list(signal_ids))) AS s FROM _bl_rows GROUP BY entry_id) r USING (entry_id)"
            " WHERE e.state NOT IN ('rejected', 'removed') AND NOT list_has_all(e.signal_ids, r.s)",
        )
        wh.run("blocklist:grow_signals", sql["grow_signals"], {"now": at})
        withdrawn = _withdraw_dismissed(wh, at) + guards.remove_protected(wh, at)
        wh.drop("_bl_props", "_bl_rows", "_bl_new")
    counts = {
        "proposed": new - auto,
        "auto_approved": auto,
        "known": excluded.pop("known"),
        "evidence_grown": grown,
        "withdrawn": withdrawn,
        "excluded": excluded,
        "skipped": dict(sorted(skipped.items())),
    }
    log.info("block-list proposals: %s", counts)
    return counts
