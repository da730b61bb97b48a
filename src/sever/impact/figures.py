"""The impact figures for a period, each computed in SQL from the events the engine recorded.

Reads ingest_runs, ingest_files, scan_runs, account_scores, signal_hits, signals,
signal_tombstones, alerts, alert_audit, cases, case_audit, case_subjects, block_entries,
block_audit, block_appeals, block_releases, block_acks and screen_outcomes; writes
nothing. Every figure counts events by the wall-clock time (UTC) the engine stamped
them, `start <= at < end` (see `sever.impact.period`); a state "at period end" is
the last recorded move before `end` (audit logs are append-only: row order breaks ties
between equal timestamps), so a past period reads the same later on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sever.impact.period import Period
from sever.warehouse import Warehouse

ALERT_STATES = ("new", "in_review", "escalated", "dismissed", "closed")
ENTRY_STATES = ("candidate", "approved", "rejected", "appealed", "removed", "expired")
ENTRY_ACTIONS = ("block", "review", "warn", "allow")
RESTRICTING = ("block", "review", "warn")
SCREEN_ACTIONS = ("block", "review", "warn", "allow", "pass")

IN_PERIOD = "{col} >= $start AND {col} < $end"
AT = '"at"'  # the audit tables' time column (AT is a keyword in DuckDB)


def _in(col: str) -> str:
    return IN_PERIOD.format(col=col)


@dataclass
class ImpactFigures:
    period: Period
    signals: dict[str, int] = field(default_factory=dict)
    alerts_raised: list[dict[str, Any]] = field(default_factory=list)  # typology x state
    decisions: list[dict[str, Any]] = field(default_factory=list)  # typology x decision
    accounts: dict[str, int] = field(default_factory=dict)
    sars: dict[str, Any] = field(default_factory=dict)
    entries: list[dict[str, Any]] = field(default_factory=list)  # action x state at end
    entry_events: dict[str, int] = field(default_factory=dict)
    appeals: dict[str, int] = field(default_factory=dict)
    releases: dict[str, int] = field(default_factory=dict)
    screening: list[dict[str, Any]] = field(default_factory=list)  # by action

    @property
    def money_stopped_usd(self) -> float:
        return sum(r["amount_usd"] for r in self.screening if r["action"] == "block")

    @property
    def empty(self) -> bool:
        """Nothing at all happened in the period."""
        counts = [
            *self.signals.values(),
            *(r["alerts"] for r in self.alerts_raised),
            *(r["n"] for r in self.decisions),
            *self.accounts.values(),
            self.sars["opened"],
            self.sars["filed"],
            self.sars["closed_no_file"],
            *(r["proposed"] for r in self.entries),
            *self.entry_events.values(),
            *self.appeals.values(),
            *self.releases.values(),
            *(r["decisions"] for r in self.screening),
        ]
        return not any(counts)


def signal_figures(wh: Warehouse, period: Period) -> dict[str, int]:
    """Received (records ingest accepted), matched, expired and deleted signals."""
    p = period.params
    received = wh.scalar(
        "impact:signals:received",
        "SELECT coalesce(sum(f.loaded), 0) FROM ingest_files f JOIN ingest_runs r USING (run_id)"
        f" WHERE f.table_name = 'signals' AND {_in('r.started_at')}",
        p,
    )
    # account_scores keeps every scan's signal-carrying accounts; signal_hits only the
    # latest scan's, with the hits no scored account carries: take both when it is ours.
    matched = wh.scalar(
        "impact:signals:matched",
        f"""
        WITH runs AS (SELECT run_id, started_at FROM scan_runs WHERE {_in("started_at")}),
        scored AS (
            SELECT DISTINCT unnest(s.signal_ids) AS signal_id
            FROM account_scores s JOIN runs USING (run_id)
        ),
        latest AS (
            SELECT DISTINCT h.signal_id FROM signal_hits h
            WHERE (SELECT max(started_at) FROM scan_runs)
                  = (SELECT max(started_at) FROM runs)
        )
        SELECT count(*) FROM (SELECT * FROM scored UNION SELECT * FROM latest)
        """,
        p,
    )
    expired = wh.scalar(
        "impact:signals:expired",
        f"SELECT count(*) FROM signals WHERE {_in('expired_on')}",
        p,
    )
    deleted = wh.scalar(
        "impact:signals:deleted",
        "SELECT count(*) FROM signal_tombstones WHERE removed_on >= $first AND removed_on <= $last",
        {"first": period.first, "last": period.last},
    )
    return {"received": received, "matched": matched, "expired": expired, "deleted": deleted}


def alert_figures(wh: Warehouse, period: Period) -> tuple[list[dict], list[dict]]:
    """Alerts raised in the period by typology and state at its end; decisions taken in it."""
    raised = wh.records(
        "impact:alerts:raised",
        f"""
        WITH raised AS (
            SELECT alert_id, typology, CASE WHEN role = 'victim' THEN 'victim' ELSE 'suspect' END
                   AS kind
            FROM alerts WHERE {_in("created_at")}
        ),
        at_end AS (
            SELECT alert_id, last(to_state ORDER BY "at", rowid) AS state FROM alert_audit
            WHERE "at" < $end AND to_state IS NOT NULL GROUP BY alert_id
        )
        SELECT r.typology, r.kind, coalesce(e.state, 'new') AS state, count(*) AS alerts
        FROM raised r LEFT JOIN at_end e USING (alert_id)
        GROUP BY ALL ORDER BY ALL
        """,
        period.params,
    )
    decisions = wh.records(
        "impact:alerts:decisions",
        f"""
        SELECT a.typology, CASE WHEN x.action = 'reopened' THEN 'reopened' ELSE x.to_state END
               AS decision, count(*) AS n
        FROM alert_audit x JOIN alerts a USING (alert_id)
        WHERE {_in('x."at"')} AND (x.action = 'reopened' OR (x.action = 'state_changed'
              AND x.to_state IN ('escalated', 'dismissed', 'closed')))
        GROUP BY ALL ORDER BY ALL
        """,
        period.params,
    )
    return raised, decisions


ACTIONED_SQL = f"""
WITH blocked AS (
    SELECT DISTINCT e.subject_account_id AS account_id
    FROM block_audit b JOIN block_entries e USING (entry_id)
    WHERE b.action IN ('approved', 'auto_approved') AND {_in('b."at"')}
      AND list_contains($restricting, e.action) AND e.subject_account_id IS NOT NULL
),
reported AS (
    SELECT DISTINCT s.account_id FROM cases c JOIN case_subjects s USING (case_id)
    WHERE c.state = 'filed' AND {_in("c.filed_at")}
)
SELECT (SELECT count(*) FROM blocked) AS blocked,
       (SELECT count(*) FROM reported) AS reported,
       (SELECT count(*) FROM (SELECT * FROM blocked UNION SELECT * FROM reported)) AS total
"""


def account_figures(wh: Warehouse, period: Period) -> dict[str, int]:
    """Distinct accounts restricted by an approved entry or reported in a filed SAR."""
    return wh.records(
        "impact:accounts", ACTIONED_SQL, {**period.params, "restricting": list(RESTRICTING)}
    )[0]


def sar_figures(wh: Warehouse, period: Period) -> dict[str, Any]:
    """Cases opened, SARs filed (and on time: filed_at <= due_at), closures, overdue at end."""
    row = wh.records(
        "impact:sars",
        f"""
        WITH closed AS (
            SELECT case_id, min("at") AS closed_at FROM case_audit
            WHERE action = 'closed_no_file' GROUP BY case_id
        )
        SELECT
            count(*) FILTER (WHERE {_in("c.opened_at")}) AS opened,
            count(*) FILTER (WHERE c.state = 'filed' AND {_in("c.filed_at")}) AS filed,
            count(*) FILTER (WHERE c.state = 'filed' AND {_in("c.filed_at")}
                             AND c.filed_at <= c.due_at) AS on_time,
            count(*) FILTER (WHERE c.state = 'filed' AND {_in("c.filed_at")}
                             AND c.prior_case_id IS NOT NULL) AS continuing,
            count(*) FILTER (WHERE {_in("x.closed_at")}) AS closed_no_file,
            count(*) FILTER (WHERE c.opened_at < $end AND c.due_at < $end
                             AND (c.filed_at IS NULL OR c.filed_at >= $end)
                             AND (x.closed_at IS NULL OR x.closed_at >= $end)) AS overdue_at_end
        FROM cases c LEFT JOIN closed x USING (case_id)
        """,
        period.params,
    )[0]
    row["on_time_rate"] = row["on_time"] / row["filed"] if row["filed"] else None
    return row


def blocklist_figures(
    wh: Warehouse, period: Period
) -> tuple[list[dict], dict[str, int], dict[str, int], dict[str, int]]:
    """Entries proposed (by action and state at period end), entry events, appeals, releases."""
    p = period.params
    entries = wh.records(
        "impact:block:entries",
        f"""
        WITH at_end AS (
            SELECT entry_id, last(to_state ORDER BY "at", rowid) AS state FROM block_audit
            WHERE "at" < $end AND to_state IS NOT NULL GROUP BY entry_id
        )
        SELECT e.action, coalesce(x.state, e.state) AS state, count(*) AS proposed
        FROM block_entries e LEFT JOIN at_end x USING (entry_id)
        WHERE {_in("e.proposed_at")}
        GROUP BY ALL ORDER BY ALL
        """,
        p,
    )
    events = dict(
        wh.rows(
            "impact:block:events",
            f"SELECT action, count(*) FROM block_audit WHERE {_in(AT)}"
            " GROUP BY action ORDER BY action",
            p,
        )
    )
    appeals = wh.records(
        "impact:block:appeals",
        f"""
        SELECT count(*) FILTER (WHERE {_in("filed_at")}) AS filed,
               count(*) FILTER (WHERE state = 'upheld' AND {_in("decided_at")}) AS upheld,
               count(*) FILTER (WHERE state = 'denied' AND {_in("decided_at")}) AS denied,
               count(*) FILTER (WHERE filed_at < $end
                                AND (decided_at IS NULL OR decided_at >= $end)) AS open_at_end,
               count(DISTINCT entry_id) FILTER (WHERE state = 'upheld' AND {_in("decided_at")})
                   AS overturned_entries
        FROM block_appeals
        """,
        p,
    )[0]
    releases = wh.records(
        "impact:block:releases",
        f"""
        SELECT (SELECT count(DISTINCT release_no) FROM block_releases
                WHERE {_in("created_at")}) AS published,
               (SELECT count(*) FROM block_acks WHERE {_in("reported_at")}) AS acknowledged
        """,
        p,
    )[0]
    return entries, events, appeals, releases


def screening_figures(wh: Warehouse, period: Period) -> list[dict[str, Any]]:
    """Real-time decisions in the period by action: how many and how much (USD)."""
    return wh.records(
        "impact:screening",
        f"""
        SELECT action, count(*) AS decisions, coalesce(sum(amount_usd), 0)::DOUBLE AS amount_usd,
               count(*) FILTER (WHERE amount_usd IS NULL) AS without_amount
        FROM screen_outcomes WHERE {_in("decided_at")}
        GROUP BY action
        ORDER BY list_position($order, action), action
        """,
        {**period.params, "order": list(SCREEN_ACTIONS)},
    )


def gather(wh: Warehouse, period: Period) -> ImpactFigures:
    raised, decisions = alert_figures(wh, period)
    entries, events, appeals, releases = blocklist_figures(wh, period)
    return ImpactFigures(
        period=period,
        signals=signal_figures(wh, period),
        alerts_raised=raised,
        decisions=decisions,
        accounts=account_figures(wh, period),
        sars=sar_figures(wh, period),
        entries=entries,
        entry_events=events,
        appeals=appeals,
        releases=releases,
        screening=screening_figures(wh, period),
    )
