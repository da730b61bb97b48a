"""Analyst rules at screen time: which apply to one payment, live vs shadow, the effect."""

from __future__ import annotations

from pathlib import Path

from realtime_fixtures import HMAC_KEY, RECIPIENT, E, write_release

from sever.realtime import Party, Payment, Screener
from sever.realtime.rules import load_rule_set, rule_set
from sever.rules.spec import Rule

RULES = Path(__file__).resolve().parents[2] / "rules"


def rule(rule_id: str, scope: str, condition: str, **kw) -> Rule:
    body = {
        "id": rule_id,
        "version": 1,
        "title": "a test rule",
        "description": "what it catches, for the test",
        "typology": "financial_sextortion",
        "scope": scope,
        "window": "24h",
        "condition": condition,
        "severity": "high",
        "action": "review",
        "mode": "live",
        "owner": "analyst.test",
        "explanation": "hit",
        "red_flags": [1],
    } | kw
    return Rule.model_validate(body)


MINOR_PAYER = rule("minor_payer", "payer", "is_minor and account_age_days < 30")
THIN_PAYEE = rule(
    "thin_payee", "payee", "kyc_level = 'none' and account_age_days < 7",
    typology="csam_purchase", action="block_candidate",
)  # fmt: skip
PAIR_ABROAD = rule(
    "pair_abroad", "pair", "payer.country != payee.country and payer.age < 18", action="alert"
)
WINDOWED = rule("windowed", "payee", "distinct_minor_payers >= 3")
SCORED = rule("scored", "payee", "collector_score > 0.5 and kind = 'individual'")

KID = Party("K1", country="US", attributes={"is_minor": True, "age": 15, "account_age_days": 3})
ADULT = Party(
    "A1", country="US", attributes={"is_minor": False, "age": 40, "account_age_days": 900}
)
THIN = Party("T1", country="NG", attributes={"kyc_level": "none", "account_age_days": 2})


def pay(sender: Party, receiver: Party) -> Payment:
    return Payment(sender, receiver, amount=50.0, currency="USD", channel="gift_card")


def screener(releases, private, public_path, rules) -> Screener:
    write_release(releases, 1, [E("BE-1", "account_id", "T1", "warn")], private)
    return Screener.load(releases, RECIPIENT, public_path, HMAC_KEY, rules=rules)


def test_rules_needing_history_or_scores_are_not_applicable() -> None:
    rs = rule_set([(r, "live", "approved") for r in (MINOR_PAYER, WINDOWED, SCORED)])
    assert [r.ref for r in rs.applicable] == ["minor_payer@1"]
    why = dict(rs.not_applicable)
    assert "distinct_minor_payers_24h" in why["windowed@1"]
    assert "collector_score" in why["scored@1"]


def test_shipped_rules_all_need_history() -> None:
    rs = load_rule_set(RULES, None)
    assert not rs.applicable and rs.not_applicable


def test_live_rule_hits_set_the_action(releases, private, public_path) -> None:
    rs = rule_set([(MINOR_PAYER, "live", "approved"), (THIN_PAYEE, "live", "approved")])
    s = screener(releases, private, public_path, rs)
    # a minor paying: the victim-protection warning, never a hold of the child's payment
    d = s.screen(pay(KID, ADULT))
    assert (d.action, d.rule_hits, d.reason_codes) == (
        "warn",
        ("minor_payer@1",),
        ("rule:minor_payer@1",),
    )
    # a block candidate holds the payment for review (a block needs an analyst)
    d = s.screen(pay(ADULT, THIN))
    assert d.action == "review" and d.rule_hits == ("thin_payee@1",)
    assert d.entry_ids == ("BE-1",) and d.reason_codes == ("csam_purchase", "rule:thin_payee@1")
    assert s.screen(pay(ADULT, ADULT)).action == "pass"


def test_shadow_rules_are_reported_but_never_change_the_action(releases, private, public_path):
    rs = rule_set([(MINOR_PAYER, "shadow", "published, awaiting approval")])
    d = screener(releases, private, public_path, rs).screen(pay(KID, ADULT))
    assert (d.action, d.rule_hits, d.shadow_hits, d.reason_codes) == (
        "pass",
        (),
        ("minor_payer@1",),
        (),
    )


def test_alert_rules_report_without_changing_the_action(releases, private, public_path) -> None:
    s = screener(releases, private, public_path, rule_set([(PAIR_ABROAD, "live", "approved")]))
    kid_abroad = Party("K2", country="GB", attributes={"age": 14})
    d = s.screen(pay(kid_abroad, ADULT))
    assert (d.action, d.rule_hits) == ("pass", ("pair_abroad@1",))


def test_unknown_attributes_are_null_and_null_is_no_hit(releases, private, public_path) -> None:
    s = screener(releases, private, public_path, rule_set([(MINOR_PAYER, "live", "approved")]))
    assert s.screen(pay(Party("U1"), ADULT)).rule_hits == ()


def test_disabled_rules_are_skipped() -> None:
    off = rule("off_rule", "payer", "is_minor", mode="disabled")
    rs = rule_set([(off, "shadow", "declared disabled")])
    assert not rs.applicable and not rs.not_applicable
