"""set_state: legal moves only, an actor always, every move in the audit log."""

from __future__ import annotations

from datetime import datetime

import pytest

from sever.alerts import TRANSITIONS, get_alert, set_state, upsert_alerts
from sever.errors import UserError


@pytest.fixture
def alert_id(wh, score) -> str:
    score("r1", "c1")
    upsert_alerts(wh, "r1", 0.5)
    return wh.scalar("test:id", "SELECT alert_id FROM alerts")


def _audit(wh, alert_id: str) -> list[dict]:
    return get_alert(wh, alert_id)["audit"]


def test_audit_records_actor_from_to_and_note(wh, alert_id) -> None:
    moved = set_state(wh, alert_id, "in_review", "alice", "taking it")
    assert (moved.from_state, moved.to_state, moved.action) == ("new", "in_review", "state_changed")
    set_state(wh, alert_id, "escalated", "bob", "SAR likely")
    set_state(wh, alert_id, "closed", "carol")
    rows = [
        (a["actor"], a["action"], a["from_state"], a["to_state"], a["note"])
        for a in _audit(wh, alert_id)
    ]
    assert rows == [
        ("system", "created", None, "new", None),
        ("alice", "state_changed", "new", "in_review", "taking it"),
        ("bob", "state_changed", "in_review", "escalated", "SAR likely"),
        ("carol", "state_changed", "escalated", "closed", None),
    ]
    assert all(a["at"] is not None for a in _audit(wh, alert_id))
    assert get_alert(wh, alert_id)["state"] == "closed"


def test_illegal_transition_is_rejected_without_an_audit_row(wh, alert_id) -> None:
    before = _audit(wh, alert_id)
    with pytest.raises(UserError) as err:
        set_state(wh, alert_id, "escalated", "alice")
    message = str(err.value)
    assert alert_id in message and "from new to escalated" in message
    assert "in_review" in message and "dismissed" in message
    assert _audit(wh, alert_id) == before
    assert get_alert(wh, alert_id)["state"] == "new"


@pytest.mark.parametrize("actor", ["", "   ", "system"])
def test_actor_is_required_and_cannot_be_the_engine(wh, alert_id, actor) -> None:
    with pytest.raises(UserError, match="actor"):
        set_state(wh, alert_id, "in_review", actor)
    assert len(_audit(wh, alert_id)) == 1


def test_unknown_state_and_unknown_alert(wh, alert_id) -> None:
    with pytest.raises(UserError, match="unknown alert state 'open'"):
        set_state(wh, alert_id, "open", "alice")
    with pytest.raises(UserError, match="no alert 'AL-nope'"):
        set_state(wh, "AL-nope", "in_review", "alice")


def test_finished_alert_reopens_only_explicitly(wh, alert_id) -> None:
    set_state(wh, alert_id, "dismissed", "alice", "benign")
    with pytest.raises(UserError, match=r"in_review \(with reopen\)"):
        set_state(wh, alert_id, "in_review", "bob")
    moved = set_state(wh, alert_id, "in_review", "bob", "new information", reopen=True)
    assert moved.action == "reopened" and moved.from_state == "dismissed"
    with pytest.raises(UserError, match="only a dismissed or closed alert can be reopened"):
        set_state(wh, alert_id, "in_review", "bob", reopen=True)


def test_reopen_refused_while_another_alert_is_open_for_the_subject(wh, score, alert_id) -> None:
    set_state(wh, alert_id, "dismissed", "alice")
    score("r2", "c1", txn_ids=["t1", "t2"], last_seen=datetime(2024, 6, 1))
    upsert_alerts(wh, "r2", 0.5)
    other = wh.scalar("test:other", "SELECT alert_id FROM alerts WHERE state = 'new'")
    with pytest.raises(UserError, match=f"alert {other} is already open"):
        set_state(wh, alert_id, "in_review", "bob", reopen=True)


def test_every_state_has_a_transition_entry() -> None:
    assert set(TRANSITIONS) == {"new", "in_review", "escalated", "dismissed", "closed"}
