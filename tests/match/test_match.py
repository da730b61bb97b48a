"""Signal matching: which hits count, how they weigh, and what stays restricted."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from sever.config import load
from sever.ingest import run_ingest
from sever.match import ACCOUNT_SIGNAL_SQL, match_signals
from sever.warehouse import open_warehouse

AS_OF = datetime(2026, 10, 31)
BASE = {
    "type": "EMAIL_ADDRESS",
    "owner": "platform_a",
    "tags": ["sextortion"],
    "status": "MALICIOUS",
    "confidence": 90,
    "added_on": "2026-09-01T00:00:00Z",
    "last_active": "2026-10-25T00:00:00Z",
}


def _scan(tmp_path: Path, signals: list[dict], emails: dict[str, str]):
    (tmp_path / "accounts.csv").write_text(
        "account_id,opened_at,kind\n"
        + "".join(f"{a},2026-01-01T00:00:00Z,individual\n" for a in emails)
    )
    (tmp_path / "account_identifiers.csv").write_text(
        "account_id,id_type,value\n" + "".join(f"{a},email,{e}\n" for a, e in emails.items())
    )
    (tmp_path / "signals.jsonl").write_text("".join(json.dumps(s) + "\n" for s in signals))
    wh = open_warehouse(None)
    run_ingest(wh, tmp_path)
    match_signals(wh, load(), AS_OF)
    return wh


def _hits(wh) -> dict[str, float]:
    return dict(wh.rows("t:hits", "SELECT signal_id, weight FROM signal_hits"))


def test_normalised_forms_match_and_expired_or_benign_signals_do_not(tmp_path: Path) -> None:
    wh = _scan(
        tmp_path,
        [
            {**BASE, "id": "live", "indicator": "Jo.Doe+x@Gmail.com"},
            {
                **BASE,
                "id": "expired",
                "indicator": "jodoe@gmail.com",
                "expired_on": "2026-10-01T00:00:00Z",
            },
            {**BASE, "id": "benign", "indicator": "jodoe@gmail.com", "status": "NON_MALICIOUS"},
        ],
        {"A1": "JoDoe@gmail.com"},
    )
    hits = _hits(wh)
    assert set(hits) == {"live", "benign"}
    assert hits["benign"] == 0.0  # kept as a record of the match, weighs nothing
    assert hits["live"] > 0.8


def test_stale_signals_weigh_less_and_independent_owners_add_up(tmp_path: Path) -> None:
    wh = _scan(
        tmp_path,
        [
            {**BASE, "id": "fresh", "indicator": "a@x.org"},
            {**BASE, "id": "stale", "indicator": "b@x.org", "last_active": "2026-01-01T00:00:00Z"},
            {**BASE, "id": "own1", "indicator": "c@x.org", "owner": "platform_a", "confidence": 60},
            {**BASE, "id": "own2", "indicator": "c@x.org", "owner": "bank_b", "confidence": 60},
            {
                **BASE,
                "id": "same1",
                "indicator": "d@x.org",
                "owner": "platform_a",
                "confidence": 60,
            },
            {
                **BASE,
                "id": "same2",
                "indicator": "d@x.org",
                "owner": "platform_a",
                "confidence": 60,
            },
        ],
        {"A1": "a@x.org", "A2": "b@x.org", "A3": "c@x.org", "A4": "d@x.org"},
    )
    hits = _hits(wh)
    assert hits["fresh"] > 2 * hits["stale"]
    score = dict(wh.rows("t:acct", f"SELECT account_id, signal_score FROM ({ACCOUNT_SIGNAL_SQL})"))
    # Two owners corroborate; one owner repeating itself does not.
    assert score["A3"] > score["A4"] == pytest.approx(hits["same1"])


def test_minor_perpetrator_signal_matches_but_marks_the_account_restricted(tmp_path: Path) -> None:
    wh = _scan(
        tmp_path,
        [
            {
                **BASE,
                "id": "mp",
                "indicator": "kid@x.org",
                "tags": ["sextortion", "minor_perpetrator"],
            }
        ],
        {"A1": "kid@x.org"},
    )
    row = wh.records("t:acct", f"SELECT * FROM ({ACCOUNT_SIGNAL_SQL})")[0]
    assert row["restricted"] is True and row["signal_ids"] == ["mp"]


def test_account_signal_summary_does_not_depend_on_the_order_hits_are_stored() -> None:
    # Four owners' weights whose float product differs in the last bit by order, and two
    # harms equally common: the summary (score, ids, harm) must read the same every run.
    hits = [
        ("a1", f"s{i}", "email", owner, harm, weight, False, None)
        for i, (owner, harm, weight) in enumerate(
            [
                ("o1", "sextortion", 0.1),
                ("o2", "csam", 0.7),
                ("o3", "sextortion", 0.3),
                ("o4", "csam", 0.9),
            ]
        )
    ]
    seen = set()
    for order in (hits, hits[::-1], hits[1:] + hits[:1], hits[2:] + hits[:2]):
        wh = open_warehouse(None, threads=1, memory_limit=None)
        for h in order:
            wh.run("t:hit", "INSERT INTO signal_hits VALUES (?, ?, ?, ?, ?, ?, ?, ?)", list(h))
        row = wh.rows("t:sum", f"SELECT signal_score, signal_ids, harm FROM ({ACCOUNT_SIGNAL_SQL})")
        seen.add((row[0][0], tuple(row[0][1]), row[0][2]))
        wh.close()
    assert len(seen) == 1, seen
    assert next(iter(seen))[1] == ("s0", "s1", "s2", "s3")
