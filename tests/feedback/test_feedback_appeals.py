"""Upheld block-list appeals fed back as NOT_HELPFUL, through the real block-list API.

The scenario (built once per module on the scanned sample): the engine proposes entries
from the sample's alerts, then

- suspect A: every entry of one alert but one is approved today, as is every entry of
  A's other alert on the same signals; an appeal on the first is upheld today, which
  removes the whole alert's entries (the unapproved candidate among them);
- suspect B, who shares a signal with A: one alert's entries approved today; an appeal
  on one of them is denied;
- suspect C, whose signals no one else's evidence cites: one alert's entries approved
  three days ago, an appeal upheld today.

Approvals are by "ana", appeals filed by "support.joe" and decided by "kim": neither the
approver nor the appellant may decide.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from sever.blocklist import appeals, candidates, decisions
from sever.errors import UserError
from sever.feedback import export
from sever.impact.period import Period
from sever.warehouse import Warehouse, open_warehouse

APPROVER, APPELLANT, DECIDER = "ana", "support.joe", "kim"
NOW = datetime.now(UTC).replace(tzinfo=None)
EARLIER = NOW - timedelta(days=3)
TODAY = Period(NOW.date() - timedelta(days=1), NOW.date() + timedelta(days=1))
THAT_DAY = Period(EARLIER.date(), EARLIER.date())
FOREVER = 36_500  # days: nothing counts as stale
HELPFUL = ["HELPFUL", "SAW_THIS_TOO", "REVIEWED"]
WRONG = ["NOT_HELPFUL", "REVIEWED"]


def _families(wh: Warehouse) -> dict[tuple[str, str], dict]:
    """{(subject, alert): {"entries": [entry ids], "signals": set}} for proposed entries."""
    found: dict[tuple[str, str], dict] = {}
    for subject, alert, entry_id, signals in wh.rows(
        "t:families",
        "SELECT subject_account_id, alert_id, entry_id, signal_ids FROM block_entries"
        " WHERE source = 'alert' AND len(signal_ids) > 0 ORDER BY ALL",
    ):
        family = found.setdefault((subject, alert), {"entries": [], "signals": set()})
        family["entries"].append(entry_id)
        family["signals"].update(signals)
    return found


def _pick(families: dict[tuple[str, str], dict]) -> dict:
    """A with two alerts, B sharing a signal with A, C with signals no one else has."""
    by_subject: dict[str, set[str]] = {}
    for (subject, _), f in families.items():
        by_subject.setdefault(subject, set()).update(f["signals"])

    def private(subject: str) -> set[str]:
        others = set().union(*(s for x, s in by_subject.items() if x != subject))
        return by_subject[subject] - others

    for (a, alert_a), fa in sorted(families.items()):
        others_a = [k for k in families if k[0] == a and k != (a, alert_a)]
        if len(fa["entries"]) < 2 or not others_a or not private(a):
            continue
        for (b, alert_b), fb in sorted(families.items()):
            if b != a and fa["signals"] & fb["signals"] and private(b):
                c = next(
                    k
                    for k in sorted(families)
                    if k[0] not in {a, b} and families[k]["signals"] <= private(k[0])
                )
                return {
                    "a": (a, alert_a),
                    "a_other": others_a[0],
                    "b": (b, alert_b),
                    "c": c,
                    "private_a": private(a),
                    "shared": fa["signals"] & fb["signals"],
                    "private_b": private(b),
                    "private_c": families[c]["signals"],
                }
    raise AssertionError("the sample has no such suspects")


def _export(wh: Warehouse, out: Path, period: Period = TODAY) -> dict[str, dict]:
    """Export and read back {descriptor id: line} over every owner file."""
    export(wh, period, out, stale_after_days=FOREVER)
    return {
        x["id"]: x
        for path in sorted(out.glob("*.jsonl"))
        for x in map(json.loads, path.read_text().splitlines())
    }


@pytest.fixture(scope="module")
def scenario(module_db: Path, tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("appeals")
    wh = open_warehouse(module_db, memory_limit=None)
    try:
        candidates.propose(wh, EARLIER)
        families = _families(wh)
        p = _pick(families)
        fa, fb, fc = (families[p[k]] for k in ("a", "b", "c"))
        left_candidate = fa["entries"][-1]
        for entry_id in fc["entries"]:
            decisions.approve(wh, entry_id, APPROVER, EARLIER)
        for entry_id in [*fa["entries"][:-1], *families[p["a_other"]]["entries"], *fb["entries"]]:
            decisions.approve(wh, entry_id, APPROVER, NOW)
        before = _export(wh, out / "before")

        upheld = appeals.file_appeal(wh, fa["entries"][0], "not the collector", APPELLANT, NOW)
        for who in (APPROVER, APPELLANT):  # maker != checker
            with pytest.raises(UserError, match="another analyst decides"):
                appeals.decide(wh, upheld["appeal_id"], True, who, NOW)
        decided = appeals.decide(wh, upheld["appeal_id"], True, DECIDER, NOW, "stolen account")
        appeal_c = appeals.file_appeal(wh, fc["entries"][0], "wrong person", APPELLANT, NOW)
        appeals.decide(wh, appeal_c["appeal_id"], True, DECIDER, NOW)
        removed = dict(
            wh.rows(
                "t:states",
                "SELECT entry_id, state FROM block_entries WHERE list_contains(?, entry_id)",
                [fa["entries"]],
            )
        )
        after = _export(wh, out / "upheld")
        that_day = _export(wh, out / "that_day", THAT_DAY)

        denied = appeals.file_appeal(wh, fb["entries"][0], "not me", APPELLANT, NOW)
        appeals.decide(wh, denied["appeal_id"], False, DECIDER, NOW, "evidence holds")
        denied_state = wh.scalar(
            "t:state", "SELECT state FROM block_entries WHERE entry_id = ?", [fb["entries"][0]]
        )
        _export(wh, out / "denied")
        secrets = [
            upheld["appeal_id"],
            appeal_c["appeal_id"],
            denied["appeal_id"],
            *decided["allow_entries"],
            *(x for (x,) in wh.rows("t:ids", "SELECT entry_id FROM block_entries")),
            *(x for (x,) in wh.rows("t:values", "SELECT value_norm FROM block_entries")),
            *(x for (x,) in wh.rows("t:accounts", "SELECT account_id FROM accounts")),
        ]
    finally:
        wh.close()
    return {
        **p,
        "out": out,
        "before": before,
        "after": after,
        "that_day": that_day,
        "overturned_a": len(fa["entries"]) - 1,
        "overturned_c": len(fc["entries"]),
        "removed": removed,
        "left_candidate": left_candidate,
        "denied_state": denied_state,
        "secrets": secrets,
    }


def _shape(line: dict) -> tuple[list[str], int, int]:
    counts = line["counts"]
    return line["reactions"], counts["accounts_actioned"], counts["entries_overturned"]


def test_the_upheld_appeal_removed_the_whole_alert_including_a_candidate(scenario) -> None:
    assert set(scenario["removed"].values()) == {"removed"}
    assert scenario["left_candidate"] in scenario["removed"]


def test_before_the_appeal_every_approved_signal_was_helpful(scenario) -> None:
    s = scenario
    for sid in s["private_a"] | s["shared"] | s["private_b"]:
        assert s["before"][sid]["reactions"] == HELPFUL
        assert s["before"][sid]["counts"]["entries_overturned"] == 0


def test_overturned_beats_the_same_periods_approval_for_the_same_account(scenario) -> None:
    """A's other alert still restricts A on the same signals: A is not actioned."""
    s = scenario
    for sid in s["private_a"]:
        assert _shape(s["after"][sid]) == (WRONG, 0, s["overturned_a"])


def test_overturned_beats_another_accounts_action_which_still_counts(scenario) -> None:
    s = scenario
    for sid in s["shared"]:
        assert _shape(s["after"][sid]) == (WRONG, 1, s["overturned_a"])
    for sid in s["private_b"]:
        assert _shape(s["after"][sid]) == (HELPFUL, 1, 0)


def test_an_appeal_counts_when_decided_and_the_approvals_period_stays_helpful(scenario) -> None:
    s = scenario
    for sid in s["private_c"]:
        assert _shape(s["after"][sid]) == (WRONG, 0, s["overturned_c"])
        assert _shape(s["that_day"][sid]) == (HELPFUL, 1, 0)
    assert set(s["that_day"]) == s["private_c"]
    assert s["after"][next(iter(s["private_c"]))]["counts"] == {
        "accounts_actioned": 0,
        "entries_overturned": s["overturned_c"],
        "matches_confirmed": 0,
        "matches_dismissed": 0,
        "matches_outdated": 0,
    }


def test_a_denied_appeal_changes_nothing(scenario) -> None:
    out = scenario["out"]
    assert scenario["denied_state"] == "approved"
    names = sorted(p.name for p in (out / "upheld").iterdir())
    assert names == sorted(p.name for p in (out / "denied").iterdir())
    for name in names:
        assert (out / "upheld" / name).read_bytes() == (out / "denied" / name).read_bytes()


def test_the_summary_counts_overturned_outcomes(scenario) -> None:
    summary = json.loads((scenario["out"] / "upheld" / "summary.json").read_text())
    assert summary["mapping"]["overturned"] == WRONG
    expected = len(scenario["private_a"] | scenario["shared"] | scenario["private_c"])
    assert summary["totals"]["outcomes"]["overturned"] == expected
    assert sum(o["entries_overturned"] for o in summary["owners"]) == sum(
        line["counts"]["entries_overturned"] for line in scenario["after"].values()
    )


def test_no_appeal_entry_account_or_identifier_leaves(scenario) -> None:
    for folder in ("upheld", "that_day", "denied"):
        for path in (scenario["out"] / folder).iterdir():
            text = path.read_text()
            for marker in ("AP-", "BE-", "AL-", "acct_"):
                assert marker not in text, (path, marker)
            leaked = [x for x in scenario["secrets"] if x and len(x) > 5 and x in text]
            assert not leaked, (path, leaked[:3])
