"""The in-process screener: precedence, sides, expiry at screen time, tampered releases."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from realtime_fixtures import HMAC_KEY, RECIPIENT, E, soon, write_release

from sever.blocklist.signing import SignatureError
from sever.blocklist.spec import ENTRIES_FILE, MANIFEST_FILE
from sever.realtime import Party, Payment, ReleaseError, Screener


def pay(sender: Party, receiver: Party, **kw) -> Payment:
    return Payment(sender, receiver, amount=25.0, currency="USD", channel="p2p", **kw)


ALICE = Party("A1", {"email": ["Alice.Smith+promo@GoogleMail.com "]}, country="US")
BOB = Party("B1", {"phone": ["+1 415-555-2671"], "payment_handle": ["https://cash.app/$Bobby"]})


def load(releases: Path, public_path: Path, **kw) -> Screener:
    return Screener.load(releases, RECIPIENT, public_path, HMAC_KEY, **kw)


def test_no_match_passes(releases, private, public_path) -> None:
    write_release(releases, 1, [E("BE-1", "email", "someone@else.com")], private)
    d = load(releases, public_path).screen(pay(ALICE, BOB))
    assert (d.action, d.entry_ids, d.reason_codes, d.release_no) == ("pass", (), (), 1)


def test_identifiers_are_normalised_before_lookup(releases, private, public_path) -> None:
    entries = [
        E("BE-mail", "email", "alicesmith@gmail.com", "review", reason_code="sextortion"),
        E("BE-phone", "phone", "+14155552671", "warn", reason_code="victim_warning"),
        E("BE-handle", "payment_handle", "$bobby", "warn", reason_code="collector"),
    ]
    write_release(releases, 1, entries, private)
    d = load(releases, public_path).screen(pay(ALICE, BOB))
    assert d.action == "review"
    assert d.entry_ids == ("BE-mail", "BE-handle", "BE-phone")
    assert set(d.reason_codes) == {"sextortion", "victim_warning", "collector"}


@pytest.mark.parametrize(
    ("actions", "expected"),
    [
        (["warn", "review"], "review"),
        (["review", "block"], "block"),
        (["warn", "block", "review"], "block"),
        (["block", "allow"], "allow"),  # an upheld appeal overrides the same evidence
        (["warn"], "warn"),
    ],
)
def test_first_action_by_precedence_wins(releases, private, public_path, actions, expected):
    entries = [E(f"BE-{i}", "account_id", "B1", a) for i, a in enumerate(actions)]
    write_release(releases, 1, entries, private)
    d = load(releases, public_path).screen(pay(ALICE, BOB))
    assert d.action == expected
    assert d.entry_ids[0] == f"BE-{actions.index(expected)}"
    assert len(d.entry_ids) == len(actions)


@pytest.mark.parametrize(
    ("applies_to", "on_sender", "on_receiver"),
    [("payer", True, False), ("payee", False, True), ("either", True, True)],
)
def test_applies_to_the_right_side(
    releases, private, public_path, applies_to, on_sender, on_receiver
):
    write_release(releases, 1, [E("BE-1", "account_id", "X9", applies_to=applies_to)], private)
    s = load(releases, public_path)
    x9 = Party("X9")
    assert (s.screen(pay(x9, BOB)).action == "block") is on_sender
    assert (s.screen(pay(ALICE, x9)).action == "block") is on_receiver


def test_expired_entries_are_ignored_at_screen_time(releases, private, public_path) -> None:
    entries = [
        E("BE-old", "account_id", "B1", "block", expires_at=soon(-60)),
        E("BE-brief", "account_id", "B1", "review", expires_at=soon(1.5)),
        E("BE-warn", "account_id", "B1", "warn"),
    ]
    write_release(releases, 1, entries, private)
    s = load(releases, public_path)
    first = s.screen(pay(ALICE, BOB))
    assert (first.action, first.entry_ids) == ("review", ("BE-brief", "BE-warn"))
    time.sleep(1.6)  # the release did not change; the clock did
    assert s.screen(pay(ALICE, BOB)).action == "warn"


def test_raw_release_matches_normalised_values(releases, private, public_path) -> None:
    write_release(releases, 1, [E("BE-1", "email", "alicesmith@gmail.com")], private, hmac_key=None)
    s = Screener.load(releases, RECIPIENT, public_path)
    assert s.screen(pay(ALICE, BOB)).action == "block"


def test_a_type_prefix_keeps_identifier_types_apart(releases, private, public_path) -> None:
    write_release(releases, 1, [E("BE-1", "username", "b1")], private)
    assert load(releases, public_path).screen(pay(ALICE, BOB)).action == "pass"


def test_latest_release_is_loaded_unless_a_number_is_given(releases, private, public_path):
    write_release(releases, 1, [E("BE-1", "account_id", "B1", "warn")], private)
    write_release(releases, 2, [E("BE-2", "account_id", "B1", "review")], private)
    assert load(releases, public_path).screen(pay(ALICE, BOB)).release_no == 2
    assert load(releases, public_path, release_no=1).screen(pay(ALICE, BOB)).action == "warn"


def test_tampered_entries_fail_the_checksum(releases, private, public_path) -> None:
    path = write_release(releases, 1, [E("BE-1", "account_id", "B1", "block")], private)
    entries = path / ENTRIES_FILE
    entries.write_text(entries.read_text().replace('"block"', '"allow"'))
    with pytest.raises(SignatureError, match="does not match the signed checksum"):
        load(releases, public_path)


def test_tampered_manifest_fails_the_signature(releases, private, public_path) -> None:
    path = write_release(releases, 1, [E("BE-1", "account_id", "B1")], private)
    manifest = json.loads((path / MANIFEST_FILE).read_text())
    manifest["counts"]["total"] = 0
    (path / MANIFEST_FILE).write_text(json.dumps(manifest))
    with pytest.raises(SignatureError, match="signature does not verify"):
        load(releases, public_path)


def test_a_release_signed_by_another_key_is_refused(releases, public_path, tmp_path) -> None:
    from sever.blocklist import signing

    signing.generate(tmp_path / "other.key", tmp_path / "other.pub")
    write_release(
        releases, 1, [E("BE-1", "account_id", "B1")], signing.load_private(tmp_path / "other.key")
    )
    with pytest.raises(SignatureError, match="signed by key"):
        load(releases, public_path)


def test_hashed_release_needs_the_hmac_key(releases, private, public_path) -> None:
    write_release(releases, 1, [E("BE-1", "account_id", "B1")], private)
    with pytest.raises(ReleaseError, match="HMAC key"):
        Screener.load(releases, RECIPIENT, public_path)


def test_no_release_is_a_clear_error(releases, public_path) -> None:
    with pytest.raises(ReleaseError, match="no release for recipient"):
        load(releases, public_path)
