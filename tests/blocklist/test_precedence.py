"""Precedence: allow > block > review > warn, first match wins, resolved per payment side."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sever.blocklist.precedence import effective, resolve
from sever.blocklist.spec import PRECEDENCE, ReleaseEntry

CASES = [  # actions that match -> the one that decides
    (["warn"], "warn"),
    (["review", "warn"], "review"),
    (["warn", "block", "review"], "block"),
    (["block", "allow"], "allow"),
    (["allow", "warn"], "allow"),
    ([], None),
]


@pytest.mark.parametrize(("actions", "winner"), CASES)
def test_first_match_by_precedence_wins(actions, winner) -> None:
    assert resolve(actions) == winner


def test_the_documented_order() -> None:
    assert [a.value for a in PRECEDENCE] == ["allow", "block", "review", "warn"]


def _e(entry_id: str, action: str, applies_to: str, key: str = "k1") -> ReleaseEntry:
    return ReleaseEntry(
        entry_id=entry_id,
        id_type="email",
        key=key,
        action=action,
        applies_to=applies_to,
        reason_code="R-X",
        provenance_id="AL-1",
        expires_at=datetime(2027, 1, 1, tzinfo=UTC),
    )


def test_effective_resolves_each_side_over_the_entries_that_apply_to_it() -> None:
    entries = [
        _e("BE-1", "warn", "payee"),
        _e("BE-2", "block", "payee"),
        _e("BE-3", "review", "either"),
        _e("BE-4", "allow", "payer", key="k2"),
        _e("BE-5", "block", "either", key="k2"),
    ]
    won = {slot: e.entry_id for slot, e in effective(entries).items()}
    assert won == {
        ("payee", "email", "k1"): "BE-2",  # block beats review and warn
        ("payer", "email", "k1"): "BE-3",  # only the 'either' review applies to the payer
        ("payer", "email", "k2"): "BE-4",  # the allow override beats the block
        ("payee", "email", "k2"): "BE-5",  # the allow covers the payer side only
    }
