"""Releases: contents, delta, deletion propagation, protection, signatures, exports, acks."""

from __future__ import annotations

import csv
import json
from datetime import timedelta
from pathlib import Path

import pytest
from blocklist_world import T0

from sever.blocklist import acks, appeals, candidates, decisions, keys, release
from sever.blocklist.signing import SignatureError
from sever.blocklist.spec import keyed_hash
from sever.blocklist.verify import verify_release
from sever.errors import UserError


def _publish(wh, cfg, dirs, at=T0):
    return {
        r.recipient: r
        for r in release.publish(
            wh, at, "ana", cfg=cfg, keys_dir=dirs["keys"], releases_dir=dirs["releases"]
        )
    }


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def _approve_all(wh, cfg, at=T0) -> list[str]:
    ids = [
        r
        for (r,) in wh.rows(
            "t:cands",
            "SELECT entry_id FROM block_entries WHERE state = 'candidate' ORDER BY entry_id",
        )
    ]
    for entry_id in ids:
        decisions.approve(wh, entry_id, "ana", at, cfg=cfg)
    return ids


@pytest.fixture
def published(wh, cfg, dirs):
    candidates.propose(wh, T0, cfg)
    ids = _approve_all(wh, cfg)
    return ids, _publish(wh, cfg, dirs)


def test_a_release_holds_the_approved_entries_keyed_per_recipient(wh, cfg, dirs, published) -> None:
    ids, results = published
    hashed = _lines(results["screener"].path / "entries.jsonl")
    raw = _lines(results["acquirer"].path / "entries.jsonl")
    assert {e["entry_id"] for e in hashed} == {e["entry_id"] for e in raw} == set(ids)
    key = keys.load_recipient("screener", dirs["keys"])
    by_id = {e["entry_id"]: e for e in hashed}
    for e in raw:
        assert by_id[e["entry_id"]]["key"] == keyed_hash(key, e["id_type"], e["key"])
    assert [e["key"] for e in hashed] == sorted(e["key"] for e in hashed)
    assert "c1@example.net" not in (results["screener"].path / "entries.jsonl").read_text()
    for r in results.values():
        assert verify_release(r.path, dirs["keys"] / "signing.pub").release_no == 1


def test_victims_and_minor_perpetrator_material_never_reach_a_release(wh, cfg, dirs) -> None:
    candidates.propose(wh, T0, cfg)
    _approve_all(wh, cfg)
    # M1 is found to be a victim after its entries were approved.
    wh.run(
        "t:victim",
        "INSERT INTO alerts SELECT * REPLACE ('AL-M1-victim' AS alert_id,"
        " 'victim' AS role) FROM alerts WHERE subject_account_id = 'M1'",
    )
    raw = _lines(_publish(wh, cfg, dirs)["acquirer"].path / "entries.jsonl")
    keys_ = {e["key"] for e in raw}
    forbidden = {
        "V1",
        "v1@example.net",
        "+15550002",
        "C2",
        "c2@example.net",
        "c5@example.net",
        "M1",
        "m1@example.net",
    }
    assert keys_ and not keys_ & forbidden


def test_nothing_new_means_no_new_release(wh, cfg, dirs, published) -> None:
    again = _publish(wh, cfg, dirs, T0 + timedelta(hours=1))
    assert all(
        not r.created and r.release_no == 1 and "unchanged" in r.note for r in again.values()
    )


def test_the_delta_lists_what_was_added_and_removed(wh, cfg, dirs, published) -> None:
    ids, first = published
    gone = ids[0]
    wh.run("t:remove", "UPDATE block_entries SET state = 'removed' WHERE entry_id = ?", [gone])
    add_rule = wh.scalar(
        "t:k1",
        "SELECT entry_id FROM block_entries WHERE state = 'approved'"
        " AND subject_account_id = 'K1' LIMIT 1",
    )
    decisions.renew(wh, add_rule, "kim", T0, cfg=cfg)  # a new expiry: same entry, same key
    candidates.propose(wh, T0, cfg)
    wh.run(
        "t:ident",
        "INSERT INTO account_identifiers VALUES ('K1', 'phone', '+15559999',"
        " '+15559999', true, '', NULL, NULL, 't', 't')",
    )
    candidates.propose(wh, T0 + timedelta(minutes=1), cfg)
    new = _approve_all(wh, cfg, T0 + timedelta(minutes=1))
    second = _publish(wh, cfg, dirs, T0 + timedelta(minutes=2))["acquirer"]
    delta = _lines(second.path / "delta.jsonl")
    assert {(d["change"], d["entry_id"]) for d in delta} == {("removed", gone)} | {
        ("added", n) for n in new
    }
    assert [d["key"] for d in delta if d["change"] == "added"] == ["+15559999"]
    manifest = json.loads((second.path / "manifest.json").read_text())
    assert (
        manifest["previous_no"],
        manifest["counts"]["added"],
        manifest["counts"]["removed"],
    ) == (1, len(new), 1)
    before = {e["entry_id"] for e in _lines(first["acquirer"].path / "entries.jsonl")}
    after = {e["entry_id"] for e in _lines(second.path / "entries.jsonl")}
    assert after == (before - {gone}) | set(new)


def test_the_next_release_drops_everything_derived_from_a_deleted_signal(
    wh, cfg, dirs, published
) -> None:
    wh.run(
        "t:tomb", "INSERT INTO signal_tombstones VALUES ('S1', 'EMAIL_ADDRESS', DATE '2026-03-02')"
    )
    second = _publish(wh, cfg, dirs, T0 + timedelta(days=1))["screener"]
    held = _lines(second.path / "entries.jsonl")
    derived = {
        r
        for (r,) in wh.rows(
            "t:s1", "SELECT entry_id FROM block_entries WHERE list_contains(signal_ids, 'S1')"
        )
    }
    assert derived and not derived & {e["entry_id"] for e in held}
    assert {d["entry_id"] for d in _lines(second.path / "delta.jsonl")} == derived
    notes = wh.rows("t:audit", "SELECT DISTINCT note FROM block_audit WHERE action = 'removed'")
    assert notes == [("signal(s) deleted by their owner: S1",)]
    candidates.propose(wh, T0 + timedelta(days=2), cfg)
    assert not wh.scalar(
        "t:again",
        "SELECT count(*) FROM block_entries WHERE state <> 'removed'"
        " AND list_contains(signal_ids, 'S1')",
    )


def test_an_upheld_appeal_turns_into_allow_lines_in_the_next_release(
    wh, cfg, dirs, published
) -> None:
    c1 = wh.scalar(
        "t:c1",
        "SELECT entry_id FROM block_entries WHERE subject_account_id = 'C1'"
        " AND id_type = 'email' AND action = 'block'",
    )
    appeal = appeals.file_appeal(wh, c1, "not me", "support.joe", T0)
    under = _publish(wh, cfg, dirs, T0 + timedelta(minutes=1))["acquirer"]
    assert json.loads((under.path / "manifest.json").read_text())["counts"]["under_appeal"] == 1
    appeals.decide(wh, appeal["appeal_id"], True, "kim", T0 + timedelta(minutes=2), cfg=cfg)
    after = _publish(wh, cfg, dirs, T0 + timedelta(minutes=3))["acquirer"]
    lines = [e for e in _lines(after.path / "entries.jsonl") if e["key"] == "c1@example.net"]
    assert [(e["action"], e["provenance_id"]) for e in lines] == [
        ("allow", appeal["appeal_id"].join(["appeal:", ""]))
    ]
    rules = (after.path / "exports" / "stripe" / "rules.txt").read_text().splitlines()
    verbs = [line.split()[0] for line in rules if not line.startswith("#")]
    assert verbs == sorted(verbs, key=["Allow", "Block", "Review"].index)
    assert "Allow if :email: in @sever_allow_email" in rules


@pytest.mark.parametrize(
    "tamper",
    ["entries", "manifest_counts", "export", "extra_file", "missing_file", "other_key"],
)
def test_a_tampered_release_is_rejected(wh, cfg, dirs, published, tamper, tmp_path) -> None:
    root = published[1]["screener"].path
    public = dirs["keys"] / "signing.pub"
    if tamper == "entries":
        text = (root / "entries.jsonl").read_text()
        (root / "entries.jsonl").write_text(text.replace('"block"', '"allow"', 1))
    elif tamper == "manifest_counts":
        m = json.loads((root / "manifest.json").read_text())
        m["counts"]["total"] += 1
        (root / "manifest.json").write_text(json.dumps(m))
    elif tamper == "export":
        with (root / "exports" / "entries.csv").open("a") as fh:
            fh.write("BE-x,email,k,allow,either,R,2027-01-01T00:00:00Z,AL-1,false\r\n")
    elif tamper == "extra_file":
        (root / "exports" / "extra.txt").write_text("x")
    elif tamper == "missing_file":
        (root / "delta.jsonl").unlink()
    else:
        from sever.blocklist import signing

        signing.generate(tmp_path / "other.key", tmp_path / "other.pub")
        public = tmp_path / "other.pub"
    with pytest.raises(SignatureError, match="failed verification; do not load it"):
        verify_release(root, public)


def test_a_tampered_manifest_signature_is_named(wh, cfg, dirs, published) -> None:
    root = published[1]["screener"].path
    m = json.loads((root / "manifest.json").read_text())
    m["recipient"] = "someone-else"
    (root / "manifest.json").write_text(json.dumps(m))
    with pytest.raises(SignatureError, match="signature does not verify"):
        verify_release(root, dirs["keys"] / "signing.pub")


def test_an_existing_release_is_never_overwritten(wh, cfg, dirs, published) -> None:
    wh.run("t:forget", "DELETE FROM block_releases")
    wh.run("t:forget2", "DELETE FROM block_release_entries")
    with pytest.raises(UserError, match="never overwritten"):
        _publish(wh, cfg, dirs, T0 + timedelta(days=1))


def test_adyen_export_follows_the_referral_import_layout(wh, cfg, dirs, published) -> None:
    path = published[1]["acquirer"].path / "exports" / "adyen" / "referrals_001.csv"
    rows = list(csv.reader(path.read_text().splitlines()))
    assert rows and all(len(r) == 5 and r[1] == "TestMerchant" for r in rows)
    assert {r[0] for r in rows} <= {"shopperemail", "shopperip", "phonenumber", "shopperreference"}
    assert {r[4] for r in rows} <= {"block", "trust", "delete"}
    assert ["shopperemail", "TestMerchant", "k1@example.net"] in [r[:3] for r in rows]
    assert not any(r[2] == "c1@example.net" for r in rows), "payee entries are not shopper lists"


def test_hashed_stripe_lists_use_metadata_keys(wh, cfg, dirs, published) -> None:
    folder = published[1]["screener"].path / "exports" / "stripe"
    lists = json.loads((folder / "value_lists.json").read_text())
    assert lists and all(v["item_type"] == "string" and v["alias"].endswith("_key") for v in lists)
    rules = (folder / "rules.txt").read_text()
    assert "Block if ::sever_payee_email_key:: in @sever_block_payee_email_key" in rules
    assert "Block if ::sever_email_key:: in @sever_block_email_key" in rules


def test_acknowledgements_show_who_runs_which_release(wh, cfg, dirs, published) -> None:
    acks.ack(wh, "psp-east", "screener", 1, T0 + timedelta(hours=1))
    with pytest.raises(UserError, match="never published"):
        acks.ack(wh, "psp-east", "screener", 7, T0)
    rows = {(r["recipient"], r["client_id"]): r for r in acks.status(wh)}
    assert rows[("screener", "psp-east")]["release_no"] == 1
    assert rows[("screener", "psp-east")]["behind"] == 0
    assert rows[("acquirer", None)]["latest_no"] == 1
