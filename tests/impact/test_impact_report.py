"""The impact report on the scanned sample after a period of analyst work.

Built once per module: three cases through the real case workflow (one SAR filed on
time, one filed late, one closed without filing), one alert dismissed, and block-list
and screening rows inserted as their contract (0006_blocklist.sql) defines them, some
of them dated long before the period so that the period filter has something to drop.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from sever.alerts.lifecycle import set_state
from sever.cases import approve, close_no_file, file_case, open_case
from sever.config import load
from sever.impact.figures import ImpactFigures, gather
from sever.impact.period import Period
from sever.impact.report import CONFIDENTIAL, write_report
from sever.sar.config import load_institution
from sever.sar.documents import draft
from sever.warehouse import Warehouse, open_warehouse

ROOT = Path(__file__).parents[2]
INSTITUTION = ROOT / "src" / "sever" / "config" / "institution.example.yaml"
NOW = datetime.now(UTC).replace(tzinfo=None)
OLD = datetime(2001, 1, 15, 12, 0)
TODAY = Period(NOW.date() - timedelta(days=1), NOW.date() + timedelta(days=1))
EMPTY = Period(date(2001, 2, 1), date(2001, 2, 28))
ANALYST, CHECKER = "ana", "checker"


Step = tuple[str, str | None, str]


def _entry(
    wh: Warehouse,
    entry_id: str,
    action: str,
    subject: str,
    at: datetime,
    steps: list[Step],
    override_of: str | None = None,
) -> None:
    """A block entry and its audit trail: steps are (action, from_state, to_state)."""
    state = steps[-1][2]
    wh.run(
        "t:entry",
        "INSERT INTO block_entries (entry_id, id_type, value_norm, action, applies_to,"
        " reason_code, reason, source, subject_account_id, signal_ids, override_of, state,"
        " auto_approved, proposed_at, updated_at) VALUES (?, 'account_id', ?, ?, 'payee',"
        " 'OCSE', 'text', 'alert', ?, [], ?, ?, false, ?, ?)",
        [entry_id, subject, action, subject, override_of, state, at, at],
    )
    for i, (act, frm, to) in enumerate(steps):
        wh.run(
            "t:audit",
            'INSERT INTO block_audit (entry_id, "at", actor, action, from_state, to_state, note)'
            " VALUES (?, ?, ?, ?, ?, ?, NULL)",
            [entry_id, at + timedelta(seconds=i), ANALYST, act, frm, to],
        )


def _blocklist(wh: Warehouse, s1: str, s2: str) -> None:
    proposed = ("proposed", None, "candidate")
    approved = ("approved", "candidate", "approved")
    _entry(wh, "BE-1", "block", s1, NOW, [proposed, approved, ("appealed", "approved", "appealed")])
    _entry(wh, "BE-2", "review", s2, NOW,
           [proposed, approved, ("appealed", "approved", "appealed"),
            ("appeal_upheld", "appealed", "removed")])  # fmt: skip
    _entry(wh, "BE-3", "allow", s2, NOW, [proposed, approved], override_of="BE-2")
    _entry(wh, "BE-4", "warn", s1, NOW, [proposed])
    _entry(wh, "BE-old", "block", "acct_long_gone", OLD, [proposed, approved])
    wh.run(
        "t:appeals",
        "INSERT INTO block_appeals VALUES"
        " ('AP-000001', 'BE-2', ?, 'customer', 'not me', 'upheld', ?, ?, 'cleared'),"
        " ('AP-000002', 'BE-1', ?, 'customer', 'not me', 'open', NULL, NULL, NULL),"
        " ('AP-000000', 'BE-old', ?, 'customer', 'old', 'denied', ?, ?, 'kept')",
        [NOW, CHECKER, NOW, NOW, OLD, CHECKER, OLD],
    )
    wh.run(
        "t:releases",
        "INSERT INTO block_releases VALUES"
        " (7, 'stripe', ?, 'ana', 6, 3, 2, 0, 'x', 'p', '{}'),"
        " (7, 'adyen', ?, 'ana', 6, 3, 2, 0, 'y', 'q', '{}'),"
        " (1, 'stripe', ?, 'ana', NULL, 1, 1, 0, 'z', 'r', '{}')",
        [NOW, NOW, OLD],
    )
    wh.run(
        "t:acks",
        "INSERT INTO block_acks VALUES ('psp', 'stripe', 7, ?, ?, 'http'),"
        " ('psp', 'stripe', 1, ?, ?, 'cli')",
        [NOW, NOW, OLD, OLD],
    )


SCREENED = [  # (action, amount_usd, when)
    ("block", 100.0, NOW), ("block", 250.5, NOW), ("block", None, NOW), ("review", 80.0, NOW),
    ("warn", 20.0, NOW), ("pass", 1000.0, NOW), ("allow", 5.0, NOW), ("block", 999.0, OLD),
]  # fmt: skip


def _screening(wh: Warehouse) -> None:
    for i, (action, amount, at) in enumerate(SCREENED):
        wh.run(
            "t:screen",
            "INSERT INTO screen_outcomes VALUES (?, 'psp', 'stripe', 7, ?, ?, ?, 'p2p', [], [])",
            [f"D{i}", at, action, amount],
        )


@pytest.fixture(scope="module")
def scenario(module_db: Path) -> dict:
    wh = open_warehouse(module_db, memory_limit=None)
    detection, institution = load(), load_institution(INSTITUTION)
    try:
        collectors = [
            a for (a,) in wh.rows(
                "t:collectors",
                "SELECT alert_id FROM alerts WHERE role = 'collector' ORDER BY alert_id",
            )
        ]  # fmt: skip
        on_time = open_case(wh, [collectors[0]], ANALYST)["case_id"]
        late = open_case(wh, [collectors[1]], ANALYST)["case_id"]
        unfiled = open_case(wh, [collectors[2]], ANALYST)["case_id"]
        for case_id, bsa in ((on_time, "31000000000001"), (late, "31000000000002")):
            draft(wh, case_id, ANALYST, detection, institution)
            approve(wh, case_id, CHECKER)
            if case_id == late:
                # Detected long ago: the engine's clock cannot be wound back, so the test
                # moves the deadline the workflow computed into the past before filing.
                wh.run("t:late", "UPDATE cases SET due_at = ? WHERE case_id = ?",
                       [NOW - timedelta(days=3), case_id])  # fmt: skip
            file_case(wh, case_id, CHECKER, bsa)
        close_no_file(wh, unfiled, CHECKER, "activity explained by the customer's business")
        dismissed = wh.scalar(
            "t:dismiss",
            "SELECT min(alert_id) FROM alerts WHERE state = 'new' AND role <> 'victim'",
        )
        set_state(wh, dismissed, "dismissed", ANALYST, "benign")
        subjects = [
            a for (a,) in wh.rows(
                "t:subjects",
                "SELECT DISTINCT s.account_id FROM case_subjects s JOIN cases c USING (case_id)"
                " WHERE c.state = 'filed' ORDER BY 1",
            )
        ]  # fmt: skip
        s1, s2 = wh.rows(
            "t:others",
            "SELECT DISTINCT subject_account_id FROM alerts WHERE role <> 'victim'"
            " AND NOT list_contains(?, subject_account_id) ORDER BY 1 LIMIT 2",
            [subjects],
        )
        _blocklist(wh, s1[0], s2[0])
        _screening(wh)
        oracle = {
            "alerts": wh.rows(
                "t:oracle",
                "SELECT typology, CASE WHEN role = 'victim' THEN 'victim' ELSE 'suspect' END,"
                " state, count(*) FROM alerts GROUP BY ALL ORDER BY ALL",
            ),
            "hit_signals": wh.scalar("t:hits", "SELECT count(DISTINCT signal_id) FROM signal_hits"),
            "filed_subjects": subjects,
        }
    finally:
        wh.close()
    return {"db": module_db, **oracle}


def _gather(db: Path, period: Period) -> ImpactFigures:
    wh = open_warehouse(db, memory_limit=None)
    try:
        return gather(wh, period)
    finally:
        wh.close()


def test_signal_and_alert_figures(scenario) -> None:
    fig = _gather(scenario["db"], TODAY)
    # The sample delivers 300 signal records, 7 of them withdrawals; none expire now.
    assert fig.signals == {
        "received": 300,
        "matched": scenario["hit_signals"],
        "expired": 0,
        "deleted": 7,
    }
    raised = [(r["typology"], r["kind"], r["state"], r["alerts"]) for r in fig.alerts_raised]
    assert raised == [tuple(r) for r in scenario["alerts"]]
    states = {}
    for _, _, state, n in raised:
        states[state] = states.get(state, 0) + n
    assert states["escalated"] == 3 and states["dismissed"] == 1
    decided = {}
    for r in fig.decisions:
        decided[r["decision"]] = decided.get(r["decision"], 0) + r["n"]
    assert decided == {"escalated": 3, "dismissed": 1}


def test_sars_accounts_blocklist_and_screening(scenario) -> None:
    fig = _gather(scenario["db"], TODAY)
    assert fig.sars == {
        "opened": 3,
        "filed": 2,
        "on_time": 1,
        "continuing": 0,
        "closed_no_file": 1,
        "overdue_at_end": 0,
        "on_time_rate": 0.5,
    }
    # Two accounts restricted by approved block/review entries (the allow override and
    # the warn candidate do not count), plus the filed SARs' subjects.
    filed = len(scenario["filed_subjects"])
    assert fig.accounts == {"blocked": 2, "reported": filed, "total": 2 + filed}
    entries = {(r["action"], r["state"]): r["proposed"] for r in fig.entries}
    assert entries == {
        ("allow", "approved"): 1,
        ("block", "appealed"): 1,
        ("review", "removed"): 1,
        ("warn", "candidate"): 1,
    }
    assert fig.entry_events == {"appeal_upheld": 1, "appealed": 2, "approved": 3, "proposed": 4}
    assert fig.appeals == {
        "filed": 2,
        "upheld": 1,
        "denied": 0,
        "open_at_end": 1,
        "overturned_entries": 1,
    }
    assert fig.releases == {"published": 1, "acknowledged": 1}
    screening = {r["action"]: (r["decisions"], r["amount_usd"], r["without_amount"])
                 for r in fig.screening}  # fmt: skip
    assert screening == {
        "block": (3, 350.5, 1),
        "review": (1, 80.0, 0),
        "warn": (1, 20.0, 0),
        "allow": (1, 5.0, 0),
        "pass": (1, 1000.0, 0),
    }
    assert [r["action"] for r in fig.screening] == ["block", "review", "warn", "allow", "pass"]
    assert fig.money_stopped_usd == 350.5
    assert not fig.empty


def test_markdown_and_html_with_charts(scenario, tmp_path: Path) -> None:
    wh = open_warehouse(scenario["db"], memory_limit=None)
    try:
        written = write_report(wh, TODAY, tmp_path)
    finally:
        wh.close()
    charts = sorted(k for k in written if k.startswith("chart:"))
    assert charts == ["chart:alerts.png", "chart:blocklist.png", "chart:screening.png",
                      "chart:signals.png"]  # fmt: skip
    assert all(written[k].stat().st_size > 5_000 for k in charts)
    md = written["md"].read_text()
    assert CONFIDENTIAL in md and "Impact report: " + TODAY.label() in md
    for row in ("| SARs filed | 2 |", "| filed on time | 1 |", "| on-time rate | 50% |",
                "| entries overturned | 1 |", "| total (distinct) |", "$350.50",
                "![Alerts by typology and outcome](alerts.png)"):  # fmt: skip
        assert row in md, row
    assert "No activity" not in md
    html = written["html"].read_text()
    assert CONFIDENTIAL in html and html.count("data:image/png;base64,") == 4
    for secret in ("CASE-", "AL-", "acct_", "31000000000001"):
        assert secret not in md and secret not in html


def test_an_empty_period_gives_a_valid_report_saying_so(scenario, tmp_path: Path) -> None:
    fig = _gather(scenario["db"], EMPTY)
    assert fig.empty and fig.sars["on_time_rate"] is None and fig.money_stopped_usd == 0
    wh = open_warehouse(scenario["db"], memory_limit=None)
    try:
        written = write_report(wh, EMPTY, tmp_path)
    finally:
        wh.close()
    assert sorted(written) == ["html", "md"] and not list(tmp_path.glob("*.png"))
    md = written["md"].read_text()
    assert "No activity was recorded in this period" in md and CONFIDENTIAL in md
    assert "| on-time rate | n/a (nothing filed) |" in md
    assert "No activity was recorded" in written["html"].read_text()


def test_the_old_rows_count_in_their_own_period(scenario) -> None:
    fig = _gather(scenario["db"], Period(date(2001, 1, 1), date(2001, 1, 31)))
    assert fig.money_stopped_usd == 999.0
    assert fig.accounts["blocked"] == 1 and fig.appeals["denied"] == 1
    assert fig.releases == {"published": 1, "acknowledged": 1}
    assert fig.sars["filed"] == 0 and not fig.alerts_raised


def test_cli_writes_the_chosen_format(scenario, tmp_path: Path) -> None:
    import typer
    from typer.testing import CliRunner

    from sever.cli import report_cmd
    from sever.errors import UserError

    app = typer.Typer()
    report_cmd.register(app)
    base = ["report", "impact", "-w", str(scenario["db"]), "--out", str(tmp_path)]
    period = ["--from", TODAY.first.isoformat(), "--to", TODAY.last.isoformat()]
    result = CliRunner().invoke(app, [*base, *period, "--format", "md"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "impact.md").is_file() and not (tmp_path / "impact.html").exists()
    result = CliRunner().invoke(app, [*base, *period, "--format", "pdf"])
    assert isinstance(result.exception, UserError)
