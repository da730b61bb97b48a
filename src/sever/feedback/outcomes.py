"""Collect, per shared signal, what analysts decided about its matches in a period.

Reads alert_audit, alerts, block_appeals, block_audit, block_entries, cases,
case_alerts, case_subjects, signals and signal_tombstones; writes nothing.

Four kinds of event count, each by the wall-clock time the engine recorded it:

- an alert's last decision in the period (escalated or dismissed; a later reopen in
  the period withdraws it). Victim alerts are left out: they protect a payer and say
  nothing about the suspect a signal names. A dismissal is *stale* when the signal had
  expired, or had not been active for `stale_after_days`, at the time of the decision.
- a block-list entry approved (by an analyst or an approved rule) with a restricting
  action (block, review, warn; never an `allow` override), for its subject account.
- a case filed, for each subject whose own alert in the case cites the signal.
- an appeal upheld: each entry it removed that had been in force (approved, appealed
  or expired; not a mere candidate of the same evidence) is *overturned*, for the
  signals it rested on. `appeals.decide` records the appeal id on the audit rows of
  every entry it removed, which ties the entries on the same evidence to it. An
  account with an overturned entry on a signal is not actioned by that signal in the
  period (see `sever.feedback.reactions`), even if the entry was approved in it.

Only signals the warehouse still holds are reported: a deleted signal (tombstoned) has
no row, so nothing about it is ever exported.
"""

from __future__ import annotations

from dataclasses import dataclass

from sever.feedback.reactions import SignalOutcomes
from sever.impact.period import Period
from sever.warehouse import Warehouse

RESTRICTING_ACTIONS = ("block", "review", "warn")
ONCE_IN_FORCE = ("approved", "appealed", "expired")  # states an entry reaches only approved

OUTCOMES_SQL = """
WITH decisions AS (
    -- each alert's last decision in the period; a reopen after it withdraws it. The audit
    -- log is append-only, so its row order breaks ties between equal timestamps.
    SELECT alert_id, last(to_state ORDER BY "at", rowid) AS decision, max("at") AS decided_at
    FROM alert_audit
    WHERE "at" >= $start AND "at" < $end
      AND ((action = 'state_changed' AND to_state IN ('escalated', 'dismissed'))
           OR action = 'reopened')
    GROUP BY alert_id
),
decided AS (
    SELECT d.decision, d.decided_at, a.alert_id, unnest(a.signal_ids) AS signal_id
    FROM decisions d JOIN alerts a USING (alert_id)
    WHERE d.decision IN ('escalated', 'dismissed') AND a.role <> 'victim'
),
approvals AS (
    SELECT DISTINCT e.entry_id, e.subject_account_id, e.signal_ids
    FROM block_audit b JOIN block_entries e USING (entry_id)
    WHERE b.action IN ('approved', 'auto_approved') AND b."at" >= $start AND b."at" < $end
      AND list_contains($restricting, e.action)
),
blocked AS (
    SELECT 'entry:' || entry_id AS action_ref, subject_account_id AS account_id,
           unnest(signal_ids) AS signal_id
    FROM approvals
),
filed AS (
    SELECT 'case:' || c.case_id AS action_ref, a.subject_account_id AS account_id,
           unnest(a.signal_ids) AS signal_id
    FROM cases c
    JOIN case_alerts ca ON ca.case_id = c.case_id
    JOIN alerts a ON a.alert_id = ca.alert_id
    JOIN case_subjects s ON s.case_id = c.case_id AND s.account_id = a.subject_account_id
    WHERE c.state = 'filed' AND c.filed_at >= $start AND c.filed_at < $end
),
overturned AS (
    -- entries an appeal upheld in the period removed, if they had ever been in force
    SELECT DISTINCT e.entry_id, e.subject_account_id, e.signal_ids
    FROM block_appeals p
    JOIN block_audit b ON b.appeal_id = p.appeal_id
    JOIN block_entries e ON e.entry_id = b.entry_id
    WHERE p.state = 'upheld' AND p.decided_at >= $start AND p.decided_at < $end
      AND b.action IN ('appeal_upheld', 'removed') AND b.to_state = 'removed'
      AND list_contains($once_in_force, b.from_state)
      AND list_contains($restricting, e.action)
),
wronged AS (
    SELECT 'entry:' || entry_id AS action_ref, subject_account_id AS account_id,
           unnest(signal_ids) AS signal_id
    FROM overturned
),
actioned AS (
    -- overturned beats actioned for the same signal and account (or the same entry)
    SELECT * FROM (SELECT * FROM blocked UNION SELECT * FROM filed) x
    WHERE NOT EXISTS (
        SELECT 1 FROM wronged w
        WHERE w.signal_id = x.signal_id
          AND (w.account_id = x.account_id OR w.action_ref = x.action_ref)
    )
),
live AS (
    SELECT s.* FROM signals s
    WHERE NOT EXISTS (SELECT 1 FROM signal_tombstones t WHERE t.signal_id = s.signal_id)
),
by_alert AS (
    SELECT x.signal_id,
           count(DISTINCT x.alert_id) FILTER (WHERE x.decision = 'escalated') AS confirmed,
           count(DISTINCT x.alert_id) FILTER (WHERE x.decision = 'dismissed' AND NOT x.stale)
               AS dismissed,
           count(DISTINCT x.alert_id) FILTER (WHERE x.decision = 'dismissed' AND x.stale)
               AS outdated
    FROM (
        SELECT d.*, coalesce(s.expired_on <= d.decided_at, false)
               OR coalesce(s.last_active, s.added_on)
                  < d.decided_at - to_days(CAST($stale_days AS INTEGER)) AS stale
        FROM decided d JOIN live s USING (signal_id)
    ) x
    GROUP BY x.signal_id
),
by_action AS (
    SELECT signal_id, count(DISTINCT account_id) AS accounts_actioned,
           count(DISTINCT action_ref) AS actions
    FROM actioned GROUP BY signal_id
),
by_overturn AS (
    SELECT signal_id, count(DISTINCT action_ref) AS overturned FROM wronged GROUP BY signal_id
)
SELECT s.owner, s.signal_id, s.signal_type,
       coalesce(b.accounts_actioned, 0) AS accounts_actioned,
       coalesce(b.actions, 0) AS actions,
       coalesce(a.confirmed, 0) AS confirmed,
       coalesce(a.dismissed, 0) AS dismissed,
       coalesce(a.outdated, 0) AS outdated,
       coalesce(o.overturned, 0) AS overturned
FROM live s
LEFT JOIN by_alert a USING (signal_id)
LEFT JOIN by_action b USING (signal_id)
LEFT JOIN by_overturn o USING (signal_id)
WHERE a.signal_id IS NOT NULL OR b.signal_id IS NOT NULL OR o.signal_id IS NOT NULL
ORDER BY s.owner, s.signal_id
"""


@dataclass(frozen=True)
class SignalFeedback:
    owner: str
    signal_id: str
    signal_type: str
    outcomes: SignalOutcomes


def collect(wh: Warehouse, period: Period, stale_after_days: int) -> list[SignalFeedback]:
    """Every live signal with at least one decision or action in the period."""
    rows = wh.records(
        "feedback:outcomes",
        OUTCOMES_SQL,
        {
            **period.params,
            "restricting": list(RESTRICTING_ACTIONS),
            "once_in_force": list(ONCE_IN_FORCE),
            "stale_days": stale_after_days,
        },
    )
    found = []
    for r in rows:
        counts = SignalOutcomes(
            accounts_actioned=r["accounts_actioned"],
            actions=r["actions"],
            overturned=r["overturned"],
            confirmed=r["confirmed"],
            dismissed=r["dismissed"],
            outdated=r["outdated"],
        )
        if counts.outcome() is not None:
            found.append(SignalFeedback(r["owner"], r["signal_id"], r["signal_type"], counts))
    return found
