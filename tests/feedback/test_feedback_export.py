"""Outcome feedback on the scanned sample after real analyst work.

The scenario (built once per module through the real alert and case APIs, with block
entries inserted as the block-list contract defines them):

- a restricted collector alert citing a minor-perpetrator signal and two other owners'
  signals is escalated into a case, drafted, approved and filed;
- an alert citing a single signal is dismissed; another is dismissed and then reopened;
- a block entry is approved against a suspect for one signal; an `allow` override and
  a mere candidate cite another;
- afterwards the owner of one of the case's signals deletes it (a real ingest).
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from sever.alerts.lifecycle import set_state
from sever.cases import approve, file_case, open_case
from sever.config import load
from sever.feedback import export
from sever.impact.period import Period
from sever.ingest import run_ingest
from sever.sar.config import load_institution
from sever.sar.documents import draft
from sever.warehouse import Warehouse, open_warehouse

ROOT = Path(__file__).parents[2]
SAMPLE = ROOT / "data_samples" / "small"
INSTITUTION = ROOT / "src" / "sever" / "config" / "institution.example.yaml"
ANALYST = "ana"
NOW = datetime.now(UTC).replace(tzinfo=None)
TODAY = Period(NOW.date() - timedelta(days=1), NOW.date() + timedelta(days=1))
LONG_AGO = Period(date(2001, 1, 1), date(2001, 1, 31))
FOREVER = 36_500  # days: nothing counts as stale


def _one(wh: Warehouse, sql: str, params=None) -> str:
    rows = wh.rows("t:pick", sql, params)
    assert rows, sql
    return rows[0][0]


def _entry(wh: Warehouse, entry_id: str, action: str, subject: str, signals: list[str],
           approved: bool) -> None:  # fmt: skip
    """One block entry as the block-list stage writes it, with its audit trail."""
    state = "approved" if approved else "candidate"
    wh.run(
        "t:entry",
        "INSERT INTO block_entries (entry_id, id_type, value_norm, action, applies_to,"
        " reason_code, reason, source, subject_account_id, signal_ids, state, auto_approved,"
        " proposed_at, decided_by, decided_at, expires_at, updated_at) VALUES (?, 'account_id',"
        " ?, ?, 'payee', 'OCSE_SIGNAL', 'analyst text', 'alert', ?, ?, ?, false, ?, ?, ?, ?, ?)",
        [entry_id, subject, action, subject, signals, state, NOW,
         ANALYST if approved else None, NOW if approved else None,
         NOW + timedelta(days=180) if approved else None, NOW],
    )  # fmt: skip
    wh.run(
        "t:audit",
        'INSERT INTO block_audit (entry_id, "at", actor, action, from_state, to_state, note)'
        " VALUES (?, ?, 'system', 'proposed', NULL, 'candidate', NULL)",
        [entry_id, NOW],
    )
    if approved:
        wh.run(
            "t:audit",
            'INSERT INTO block_audit (entry_id, "at", actor, action, from_state, to_state, note)'
            " VALUES (?, ?, ?, 'approved', 'candidate', 'approved', NULL)",
            [entry_id, NOW, ANALYST],
        )


def _delete_signal(wh: Warehouse, signal_id: str, folder: Path) -> None:
    """The owner withdraws the signal: its own record with should_delete, through ingest."""
    for raw in (SAMPLE / "signals.jsonl").read_text().splitlines():
        record = json.loads(raw)
        if record["id"] == signal_id:
            folder.mkdir(parents=True)
            (folder / "signals.jsonl").write_text(json.dumps({**record, "should_delete": True}))
            run_ingest(wh, folder)
            return
    raise AssertionError(f"signal {signal_id} not in the sample")


@pytest.fixture(scope="module")
def scenario(module_db: Path, tmp_path_factory) -> dict:
    wh = open_warehouse(module_db, memory_limit=None)
    try:
        minor = _one(wh, "SELECT signal_id FROM signals WHERE minor_perpetrator"
                         " AND signal_id IN (SELECT unnest(signal_ids) FROM alerts)")  # fmt: skip
        filed_alert, subject, filed_signals = wh.rows(
            "t:pick",
            "SELECT alert_id, subject_account_id, signal_ids FROM alerts"
            " WHERE role = 'collector' AND list_contains(signal_ids, ?)"
            " AND (SELECT count(DISTINCT owner) FROM signals"
            "      WHERE list_contains(alerts.signal_ids, signal_id)) >= 3"
            " ORDER BY alert_id LIMIT 1",
            [minor],
        )[0]
        taken = list(filed_signals)
        # A suspect alert on a single signal the case does not touch: dismissed.
        dismissed_alert, dismissed_signal = wh.rows(
            "t:pick",
            "SELECT alert_id, signal_ids[1] FROM alerts WHERE role <> 'victim'"
            " AND len(signal_ids) = 1 AND NOT list_has_any(signal_ids, ?) ORDER BY alert_id",
            [taken],
        )[0]
        taken.append(dismissed_signal)
        # A suspect alert with a signal nothing else decides: dismissed, then reopened.
        reopened_alert, reopened_signal = wh.rows(
            "t:pick",
            "SELECT alert_id, signal_id FROM (SELECT alert_id, unnest(signal_ids) AS signal_id"
            " FROM alerts WHERE role <> 'victim' AND alert_id NOT IN (?, ?))"
            " WHERE NOT list_contains(?, signal_id) ORDER BY alert_id, signal_id",
            [filed_alert, dismissed_alert, taken],
        )[0]
        taken.append(reopened_signal)
        blocked_subject, blocked_signal = wh.rows(
            "t:pick",
            "SELECT subject_account_id, signal_id FROM (SELECT subject_account_id,"
            " unnest(signal_ids) AS signal_id FROM alerts WHERE role <> 'victim')"
            " WHERE NOT list_contains(?, signal_id) ORDER BY ALL",
            [taken],
        )[0]
        taken.append(blocked_signal)
        allow_signal = _one(
            wh,
            "SELECT signal_id FROM signals WHERE NOT list_contains(?, signal_id)"
            " AND owner NOT IN (SELECT owner FROM signals WHERE list_contains(?, signal_id))"
            " ORDER BY signal_id",
            [taken, taken],
        )

        case = open_case(wh, [filed_alert], ANALYST)
        draft(wh, case["case_id"], ANALYST, load(), load_institution(INSTITUTION))
        approve(wh, case["case_id"], "checker")
        filed = file_case(wh, case["case_id"], "checker", "31000000000001")
        set_state(wh, dismissed_alert, "in_review", ANALYST)
        set_state(wh, dismissed_alert, "dismissed", ANALYST, "benign: family payments")
        set_state(wh, reopened_alert, "dismissed", ANALYST)
        set_state(wh, reopened_alert, "in_review", ANALYST, reopen=True)
        _entry(wh, "BE-blocked", "block", blocked_subject, [blocked_signal], approved=True)
        _entry(wh, "BE-allow", "allow", "acct_cleared", [allow_signal], approved=True)
        _entry(wh, "BE-candidate", "review", "acct_maybe", [allow_signal], approved=False)

        # The owner of one of the case's other signals withdraws it afterwards.
        deleted = _one(
            wh,
            "SELECT signal_id FROM signals WHERE list_contains(?, signal_id)"
            " AND signal_id <> ? ORDER BY signal_id",
            [list(filed_signals), minor],
        )
        _delete_signal(wh, deleted, tmp_path_factory.mktemp("deletion") / "d1")
        owners = dict(wh.rows("t:owners", "SELECT signal_id, owner FROM signals"))
        raw_indicators = [
            json.loads(line)["indicator"]
            for line in (SAMPLE / "signals.jsonl").read_text().splitlines()
        ]
        accounts = [a for (a,) in wh.rows("t:accounts", "SELECT account_id FROM accounts")]
    finally:
        wh.close()
    return {
        "db": module_db,
        "minor": minor,
        "filed_signals": [s for s in filed_signals if s != deleted],
        "filed_subject": subject,
        "case_id": filed["case_id"],
        "bsa_id": filed["bsa_id"],
        "dismissed_signal": dismissed_signal,
        "reopened_signal": reopened_signal,
        "blocked_signal": blocked_signal,
        "allow_signal": allow_signal,
        "deleted": deleted,
        "owners": owners,
        "raw_indicators": raw_indicators,
        "accounts": accounts,
        "alerts": [filed_alert, dismissed_alert, reopened_alert],
    }


def _export(db: Path, out: Path, period: Period = TODAY, stale: int = FOREVER):
    wh = open_warehouse(db, memory_limit=None)
    try:
        return export(wh, period, out, stale_after_days=stale)
    finally:
        wh.close()


def _lines(out: Path) -> dict[str, dict[str, dict]]:
    """{owner file stem: {descriptor id: line}}."""
    found: dict[str, dict[str, dict]] = {}
    for path in sorted(out.glob("*.jsonl")):
        lines = [json.loads(x) for x in path.read_text().splitlines()]
        assert [x["id"] for x in lines] == sorted(x["id"] for x in lines)
        found[path.stem] = {x["id"]: x for x in lines}
    return found


HELPFUL = ["HELPFUL", "SAW_THIS_TOO", "REVIEWED"]


def test_each_owner_gets_its_own_signals_outcomes(scenario, tmp_path: Path) -> None:
    s = scenario
    files = _lines(tmp_path) if _export(s["db"], tmp_path) else {}
    owner = s["owners"]
    expected = {
        **{sid: (HELPFUL, 1, 1, 0) for sid in s["filed_signals"]},  # filed SAR: "actioned"
        s["dismissed_signal"]: (["NOT_HELPFUL", "REVIEWED"], 0, 0, 1),
        s["blocked_signal"]: (HELPFUL, 1, 0, 0),  # approved block entry
    }
    got = {sid: line for lines in files.values() for sid, line in lines.items()}
    assert set(got) == set(expected)
    for sid, (reactions, actioned, confirmed, dismissed) in expected.items():
        assert files[owner[sid]][sid] == {
            "id": sid,
            "type": got[sid]["type"],
            "reactions": reactions,
            "counts": {
                "accounts_actioned": actioned,
                "entries_overturned": 0,
                "matches_confirmed": confirmed,
                "matches_dismissed": dismissed,
                "matches_outdated": 0,
            },
        }
    # Only owners with a decision get a file; each line sits in its own owner's file.
    assert set(files) == {owner[sid] for sid in expected}


def test_deleted_reopened_allow_and_candidate_give_nothing(scenario, tmp_path: Path) -> None:
    s = scenario
    _export(s["db"], tmp_path)
    text = "".join(p.read_text() for p in tmp_path.iterdir())
    for sid in (s["deleted"], s["reopened_signal"], s["allow_signal"]):
        assert sid not in text


def test_minor_perpetrator_feedback_goes_to_its_owner_only(scenario, tmp_path: Path) -> None:
    s = scenario
    _export(s["db"], tmp_path)
    holders = [p.stem for p in tmp_path.glob("*.jsonl") if s["minor"] in p.read_text()]
    assert holders == [s["owners"][s["minor"]]]


def test_no_identifier_account_alert_case_or_sar_leaves(scenario, tmp_path: Path) -> None:
    s = scenario
    _export(s["db"], tmp_path)
    for path in tmp_path.iterdir():
        text = path.read_text()
        for secret in (s["case_id"], s["bsa_id"], *s["alerts"], "CASE-", "AL-", "BE-", "acct_"):
            assert secret not in text, (path.name, secret)
        assert "SAR" not in text.upper().replace("SAW_THIS_TOO", "")
        assert not any(ind in text for ind in s["raw_indicators"] if len(ind) > 5)
        assert not any(a in text for a in s["accounts"])
    for lines in _lines(tmp_path).values():
        assert all(set(x) == {"id", "type", "reactions", "counts"} for x in lines.values())


def test_a_stale_signal_dismissed_is_outdated(scenario, tmp_path: Path) -> None:
    s = scenario
    wh = open_warehouse(s["db"], memory_limit=None)
    try:
        last = wh.scalar(
            "t:last",
            "SELECT coalesce(last_active, added_on) FROM signals WHERE signal_id = ?",
            [s["dismissed_signal"]],
        )
    finally:
        wh.close()
    assert last < NOW - timedelta(days=2)  # the sample's signals are older than that
    _export(s["db"], tmp_path, stale=1)
    line = _lines(tmp_path)[s["owners"][s["dismissed_signal"]]][s["dismissed_signal"]]
    assert line["reactions"] == ["OUTDATED", "REVIEWED"]
    assert line["counts"]["matches_outdated"] == 1 and line["counts"]["matches_dismissed"] == 0
    # Confirmed and actioned signals stay helpful however old they are.
    line = _lines(tmp_path)[s["owners"][s["blocked_signal"]]][s["blocked_signal"]]
    assert line["reactions"] == HELPFUL


def test_re_export_gives_the_same_bytes(scenario, tmp_path: Path) -> None:
    s = scenario
    _export(s["db"], tmp_path / "a")
    _export(s["db"], tmp_path / "b")
    _export(s["db"], tmp_path / "a")
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "b").iterdir())
    assert "summary.json" in names and len(names) > 1
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    summary = json.loads((tmp_path / "a" / "summary.json").read_text())
    assert summary["period"]["from"] == TODAY.first.isoformat()
    assert summary["totals"]["descriptors"] == sum(o["descriptors"] for o in summary["owners"])


def test_an_empty_period_exports_a_summary_and_clears_old_files(scenario, tmp_path: Path) -> None:
    s = scenario
    _export(s["db"], tmp_path)
    assert list(tmp_path.glob("*.jsonl"))
    result = _export(s["db"], tmp_path, LONG_AGO)
    assert result.files == [] and not list(tmp_path.glob("*.jsonl"))
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["owners"] == [] and summary["totals"]["descriptors"] == 0


def test_cli_exports_and_refuses_a_reversed_period(scenario, tmp_path: Path) -> None:
    import typer
    from typer.testing import CliRunner

    from sever.cli import feedback_cmd
    from sever.errors import UserError

    app = typer.Typer()
    feedback_cmd.register(app)
    args = ["feedback", "export", "--out", str(tmp_path / "cli"), "-w", str(scenario["db"])]
    args += ["--stale-after-days", str(FOREVER)]
    period = ["--from", TODAY.first.isoformat(), "--to", TODAY.last.isoformat()]
    result = CliRunner().invoke(app, [*args, *period])
    assert result.exit_code == 0, result.output
    _export(scenario["db"], tmp_path / "api")
    for path in (tmp_path / "api").iterdir():
        assert (tmp_path / "cli" / path.name).read_bytes() == path.read_bytes()
    reversed_ = ["--from", TODAY.last.isoformat(), "--to", TODAY.first.isoformat()]
    result = CliRunner().invoke(app, [*args, *reversed_])
    assert isinstance(result.exception, UserError)
