"""Proposals: who may be proposed, idempotence, shadow hits, auto-approval."""

from __future__ import annotations

import pytest
from blocklist_world import RULE, T0, world

from sever.blocklist import candidates, decisions, store

EXPECT = world()["expect"]


def _proposed_types(wh) -> dict[str, list[str]]:
    rows = wh.rows(
        "t:types",
        "SELECT subject_account_id, list(DISTINCT id_type ORDER BY id_type) FROM block_entries"
        " GROUP BY ALL",
    )
    return dict(rows)


@pytest.mark.parametrize("account", sorted(EXPECT))
def test_only_suspects_evidence_is_proposed(wh, cfg, account) -> None:
    candidates.propose(wh, T0, cfg)
    assert _proposed_types(wh).get(account, []) == sorted(EXPECT[account])


def test_proposals_never_hold_a_victims_or_minor_perpetrator_value(wh, cfg) -> None:
    candidates.propose(wh, T0, cfg)
    values = {v for (v,) in wh.rows("t:values", "SELECT value_norm FROM block_entries")}
    assert not values & {"V1", "v1@example.net", "+15550002", "c2@example.net", "c5@example.net"}


def test_proposing_again_changes_nothing(wh, cfg) -> None:
    first = candidates.propose(wh, T0, cfg)
    before = wh.rows("t:all", "SELECT * FROM block_entries ORDER BY entry_id")
    audit = wh.scalar("t:audit", "SELECT count(*) FROM block_audit")
    second = candidates.propose(wh, T0.replace(day=2), cfg)
    assert first["proposed"] > 0 and second["proposed"] == 0
    assert second["known"] == first["proposed"]
    assert wh.rows("t:all", "SELECT * FROM block_entries ORDER BY entry_id") == before
    assert wh.scalar("t:audit", "SELECT count(*) FROM block_audit") == audit


def test_entry_ids_are_deterministic(wh, cfg) -> None:
    candidates.propose(wh, T0, cfg)
    row = wh.records(
        "t:one",
        "SELECT * FROM block_entries WHERE id_type = 'email'"
        " AND subject_account_id = 'C1' AND action = 'block'",
    )[0]
    assert row["entry_id"] == store.entry_id("email", "c1@example.net", "block", row["alert_id"])


def test_mapping_sets_actions_and_reason_codes(wh, cfg) -> None:
    candidates.propose(wh, T0, cfg)
    got = set(
        wh.rows(
            "t:map",
            "SELECT subject_account_id, action, applies_to, reason_code"
            " FROM block_entries WHERE id_type = 'account_id'",
        )
    )
    assert ("C1", "block", "payee", "SEV-FSX-COLLECTOR") in got
    assert ("C1", "warn", "payee", "SEV-FSX-PAYER-WARNING") in got
    assert ("M1", "review", "either", "SEV-MULE") in got
    assert ("K1", "block", "payer", "SEV-CSAM-BUYER") in got
    assert ("R1", "review", "either", "SEV-MULE") in got


def test_candidates_of_a_dismissed_alert_are_withdrawn(wh, cfg) -> None:
    candidates.propose(wh, T0, cfg)
    wh.run("t:dismiss", "UPDATE alerts SET state = 'dismissed' WHERE subject_account_id = 'M1'")
    counts = candidates.propose(wh, T0.replace(day=2), cfg)
    states = {
        s
        for (s,) in wh.rows(
            "t:m1", "SELECT DISTINCT state FROM block_entries WHERE subject_account_id = 'M1'"
        )
    }
    assert counts["withdrawn"] == 2 and states == {"rejected"}


def test_a_rule_approved_for_automatic_action_adds_approved_entries(wh, cfg) -> None:
    with pytest.raises(Exception, match="maker != checker"):
        decisions.approve_rule(wh, "cash_out_block@1", RULE["owner"], T0)
    decisions.approve_rule(wh, "cash_out_block@1", "lead.kim", T0, "fast cash-out is clear")
    counts = candidates.propose(wh, T0, cfg)
    rows = wh.records("t:auto", "SELECT * FROM block_entries WHERE subject_account_id = 'R1'")
    assert counts["auto_approved"] == len(rows) == 2
    assert all(r["state"] == "approved" and r["auto_approved"] and r["expires_at"] for r in rows)
    trail = store.history(wh, rows[0]["entry_id"])
    assert [t["action"] for t in trail] == ["proposed", "auto_approved"]
    assert any("approved for automatic action by lead.kim" in (t["note"] or "") for t in trail)
    others = wh.rows(
        "t:manual",
        "SELECT DISTINCT auto_approved FROM block_entries WHERE subject_account_id <> 'R1'",
    )
    assert others == [(False,)]


def test_a_revoked_rule_proposes_candidates_again(wh, cfg) -> None:
    decisions.approve_rule(wh, "cash_out_block@1", "lead.kim", T0)
    decisions.revoke_rule(wh, "cash_out_block@1", "lead.kim", T0)
    candidates.propose(wh, T0, cfg)
    assert wh.rows(
        "t:r1", "SELECT DISTINCT state FROM block_entries WHERE subject_account_id = 'R1'"
    ) == [("candidate",)]
