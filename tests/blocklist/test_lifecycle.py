"""Expiry, renewal, appeals and the allow override: what stays in force, and who decided."""

from __future__ import annotations

from datetime import timedelta

import pytest
from blocklist_world import T0, add_alert

from sever.blocklist import appeals, candidates, decisions, housekeeping, release, store
from sever.errors import UserError


def _entry(wh, subject: str, id_type: str, action: str) -> str:
    return wh.scalar(
        "t:entry",
        "SELECT entry_id FROM block_entries WHERE subject_account_id = ? AND id_type = ?"
        " AND action = ? AND source <> 'appeal' ORDER BY proposed_at DESC LIMIT 1",
        [subject, id_type, action],
    )


def _in_force(wh, at) -> set[str]:
    return {r["entry_id"] for r in release.in_force(wh, at)}


@pytest.fixture
def approved(wh, cfg):
    candidates.propose(wh, T0, cfg)
    ids = [
        r
        for (r,) in wh.rows(
            "t:c1",
            "SELECT entry_id FROM block_entries WHERE subject_account_id = 'C1' ORDER BY entry_id",
        )
    ]
    for entry_id in ids:
        decisions.approve(wh, entry_id, "ana", T0, cfg=cfg)
    return ids


def test_an_entry_expires_after_the_configured_days(wh, cfg, approved) -> None:
    day = timedelta(days=cfg.expiry_days)
    assert housekeeping.expire_entries(wh, T0 + day - timedelta(seconds=1)) == 0
    assert _in_force(wh, T0 + day - timedelta(seconds=1)) == set(approved)
    assert housekeeping.expire_entries(wh, T0 + day) == len(approved)
    assert _in_force(wh, T0 + day) == set()
    assert store.history(wh, approved[0])[-1]["action"] == "expired"


def test_renewal_keeps_an_entry_in_force_and_revives_an_expired_one(wh, cfg, approved) -> None:
    later = T0 + timedelta(days=100)
    renewed = decisions.renew(wh, approved[0], "kim", later, cfg=cfg)
    assert renewed["expires_at"] == later + timedelta(days=cfg.expiry_days)
    end = T0 + timedelta(days=cfg.expiry_days)
    housekeeping.expire_entries(wh, end)
    assert _in_force(wh, end) == {approved[0]}
    revived = decisions.renew(wh, approved[1], "kim", end, days=30, cfg=cfg)
    assert revived["state"] == "approved" and _in_force(wh, end) == {approved[0], approved[1]}
    assert [t["action"] for t in store.history(wh, approved[1])][-2:] == ["expired", "renewed"]


@pytest.mark.parametrize(
    ("state_sql", "message"),
    [
        ("UPDATE block_entries SET state = 'rejected'", "only approved, appealed or expired"),
        ("UPDATE block_entries SET state = 'removed'", "only approved, appealed or expired"),
    ],
)
def test_final_entries_cannot_be_renewed(wh, cfg, approved, state_sql, message) -> None:
    wh.run("t:final", state_sql + " WHERE entry_id = ?", [approved[0]])
    with pytest.raises(UserError, match=message):
        decisions.renew(wh, approved[0], "kim", T0, cfg=cfg)


def test_an_appealed_entry_stays_in_force_until_decided(wh, cfg, approved) -> None:
    appeal = appeals.file_appeal(wh, approved[0], "the account was stolen", "support.joe", T0)
    assert store.get(wh, approved[0])["state"] == "appealed"
    assert approved[0] in _in_force(wh, T0)
    with pytest.raises(UserError, match="another analyst decides"):
        appeals.decide(wh, appeal["appeal_id"], True, "ana", T0, cfg=cfg)
    decided = appeals.decide(wh, appeal["appeal_id"], False, "kim", T0, "evidence holds", cfg=cfg)
    assert decided["state"] == "denied" and store.get(wh, approved[0])["state"] == "approved"


def test_an_upheld_appeal_removes_the_evidence_and_writes_allow_overrides(
    wh, cfg, approved
) -> None:
    email_block = _entry(wh, "C1", "email", "block")
    appeal = appeals.file_appeal(wh, email_block, "not the collector", "support.joe", T0)
    decided = appeals.decide(wh, appeal["appeal_id"], True, "kim", T0, "mistaken identity", cfg=cfg)
    assert decided["state"] == "upheld"
    force = _in_force(wh, T0)
    assert not force & set(approved), "every entry on the same evidence is removed"
    allows = wh.records("t:allow", "SELECT * FROM block_entries WHERE action = 'allow'")
    assert {a["id_type"] for a in allows} == {"account_id", "email", "phone", "payment_handle"}
    assert all(
        a["source"] == "appeal"
        and a["appeal_id"] == appeal["appeal_id"]
        and a["override_of"] in approved
        and a["entry_id"] in force
        for a in allows
    )
    actions = [t["action"] for t in store.history(wh, email_block)]
    assert actions == ["proposed", "approved", "appealed", "appeal_upheld"]


def test_the_same_evidence_does_not_re_block_after_an_upheld_appeal(wh, cfg, approved) -> None:
    appeal = appeals.file_appeal(wh, approved[0], "not me", "support.joe", T0)
    appeals.decide(wh, appeal["appeal_id"], True, "kim", T0, cfg=cfg)
    wh.run("t:grow", "UPDATE alerts SET txn_ids = ['t9'] WHERE subject_account_id = 'C1'")
    counts = candidates.propose(wh, T0 + timedelta(days=1), cfg)
    live = wh.scalar(
        "t:live",
        "SELECT count(*) FROM block_entries WHERE subject_account_id = 'C1'"
        " AND action <> 'allow' AND state NOT IN ('removed')",
    )
    assert live == 0 and counts["proposed"] == 0


def test_new_evidence_after_an_appeal_needs_an_explicit_analyst_decision(wh, cfg, approved) -> None:
    appeal = appeals.file_appeal(wh, approved[0], "not me", "support.joe", T0)
    appeals.decide(wh, appeal["appeal_id"], True, "kim", T0, cfg=cfg)
    add_alert(
        wh,
        {
            "subject": "C1",
            "role": "collector",
            "typology": "mule_network",
            "severity": "high",
            "detectors": ["mule"],
        },
    )
    candidates.propose(wh, T0 + timedelta(days=1), cfg)
    new = _entry(wh, "C1", "email", "block")
    entry = store.get(wh, new)
    assert entry["state"] == "candidate" and "allow override" in entry["reason"]
    with pytest.raises(UserError, match="override-allow"):
        decisions.approve(wh, new, "ana", T0 + timedelta(days=1), cfg=cfg)
    decisions.approve(wh, new, "lee", T0 + timedelta(days=1), override_allow=True, cfg=cfg)
    force = release.in_force(wh, T0 + timedelta(days=1))
    assert not [e for e in force if e["action"] == "allow" and e["id_type"] == "email"]


def test_actors_are_required_and_system_is_reserved(wh, cfg, approved) -> None:
    with pytest.raises(UserError, match="actor is required"):
        decisions.renew(wh, approved[0], " ", T0, cfg=cfg)
    with pytest.raises(UserError, match="reserved"):
        appeals.file_appeal(wh, approved[0], "x", "system", T0)


def test_a_victim_entry_can_never_be_approved(wh, cfg) -> None:
    candidates.propose(wh, T0, cfg)
    entry = _entry(wh, "M1", "email", "review")
    wh.run(
        "t:victim",
        "INSERT INTO account_scores VALUES ('r2', 'M1', 'victim', 'mule_network',"
        " 0.9, 'high', [], [], [], [], [], [], NULL, NULL, NULL, false)",
    )
    with pytest.raises(UserError, match="can never be approved"):
        decisions.approve(wh, entry, "ana", T0, cfg=cfg)
