"""Housekeeping jobs: signal expiry, SAR deadline reminders, warehouse retention.

- signal_expiry reads signals; purges each signal past its `expired_on` (plus grace)
  from every per-signal table, as a deletion would but without a tombstone (the owner
  may renew it), and writes signal_expirations (id, type, owner, dates; no indicator).
- reminders reads cases (through `sever.cases.due`); writes only the run log.
- retention deletes transactions, quarantine rows and dq_results older than the
  configured months, never a transaction that is evidence of an alert in a case (nor,
  unless switched off, of an open alert). Nothing else is removed.
Each one is a single transaction: a kill leaves the warehouse as it was.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sever.ops.config import Reminders, Retention, SignalExpiry
from sever.ops.context import Context, JobResult


def signal_expiry(ctx: Context) -> JobResult:
    from sever.ingest.signals import purge

    job: SignalExpiry = ctx.job  # type: ignore[assignment]
    wh, now = ctx.wh, ctx.now_utc
    cut = now - timedelta(seconds=job.grace)
    wh.run(
        "ops:expiry:select",
        "CREATE OR REPLACE TEMP TABLE _expired AS SELECT signal_id, signal_type, owner,"
        " expired_on FROM signals WHERE expired_on IS NOT NULL AND expired_on <= ?",
        [cut],
    )
    by_owner = dict(
        wh.rows(
            "ops:expiry:owners",
            "SELECT owner, count(*) FROM _expired GROUP BY owner ORDER BY owner",
        )
    )
    total = sum(by_owner.values())
    if total:
        with wh.transaction("ops:expiry"):
            purge(wh, "_expired")
            wh.run(
                "ops:expiry:record",
                "INSERT INTO signal_expirations SELECT signal_id, signal_type, owner, expired_on, ?"
                " FROM _expired ON CONFLICT (signal_id) DO UPDATE SET"
                " expired_on = excluded.expired_on, purged_at = excluded.purged_at",
                [now],
            )
    wh.drop("_expired")
    remaining = wh.scalar(
        "ops:expiry:next",
        "SELECT min(expired_on) FROM signals WHERE expired_on IS NOT NULL",
    )
    record = {"expired_before": cut, "purged": total, "by_owner": by_owner, "next": remaining}
    summary = f"{total} expired signal(s) purged" if total else "no signal past its expiry"
    return JobResult(summary, record)


def reminders(ctx: Context) -> JobResult:
    from sever.cases import due

    job: Reminders = ctx.job  # type: ignore[assignment]
    rows = due(ctx.wh, within_days=job.within_days, as_of=ctx.now_utc)
    items = [
        {k: r[k] for k in ("case_id", "state", "typology", "kind", "due", "days_left", "overdue")}
        for r in rows
    ]
    overdue = [r for r in items if r["overdue"]]
    for r in items:
        when = (
            f"OVERDUE by {-r['days_left']} day(s)"
            if r["overdue"]
            else f"due in {r['days_left']} day(s)"
        )
        case = f"case {r['case_id']} ({r['state']})"
        ctx.say(f"reminders: {case}: {r['kind']} {when}, {r['due']:%Y-%m-%d}")
    summary = (
        f"{len(items)} deadline(s) within {job.within_days} days, {len(overdue)} overdue"
        if items
        else f"no deadline within {job.within_days} days"
    )
    return JobResult(summary, {"within_days": job.within_days, "reminders": items},
                     "warning" if overdue else "ok")  # fmt: skip


def _cutoff(ctx: Context, months: int) -> Any:
    return ctx.wh.scalar(
        "ops:retention:cutoff", "SELECT ?::TIMESTAMP - to_months(?)", [ctx.now_utc, months]
    )


KEPT = """
CREATE OR REPLACE TEMP TABLE _kept_txns AS
SELECT txn_id, bool_or(in_case) AS in_case
FROM (
    SELECT unnest(a.txn_ids) AS txn_id, c.alert_id IS NOT NULL AS in_case
    FROM alerts a
    LEFT JOIN (SELECT DISTINCT alert_id FROM case_alerts) c USING (alert_id)
    WHERE c.alert_id IS NOT NULL OR ($open AND list_contains($open_states, a.state))
)
GROUP BY txn_id
"""


def _transactions(ctx: Context, job: Retention) -> dict[str, Any]:
    from sever.alerts.lifecycle import OPEN_STATES

    wh = ctx.wh
    cut = _cutoff(ctx, job.transactions_months)
    wh.run(
        "ops:retention:kept",
        KEPT,
        {"open": job.keep_open_alert_evidence, "open_states": list(OPEN_STATES)},
    )
    old, case_kept, open_kept = wh.rows(
        "ops:retention:count",
        "SELECT count(*), count(*) FILTER (WHERE k.in_case),"
        " count(*) FILTER (WHERE NOT k.in_case) FROM transactions t"
        " LEFT JOIN _kept_txns k USING (txn_id) WHERE t.ts < ?",
        [cut],
    )[0]
    wh.run(
        "ops:retention:transactions",
        "DELETE FROM transactions t WHERE t.ts < ?"
        " AND NOT EXISTS (SELECT 1 FROM _kept_txns k WHERE k.txn_id = t.txn_id)",
        [cut],
    )
    return {
        "before": cut,
        "older": old,
        "deleted": old - case_kept - open_kept,
        "kept_case_evidence": case_kept,
        "kept_open_alert_evidence": open_kept,
    }


def _older(ctx: Context, what: str, months: int, count_sql: str, delete_sql: str) -> dict[str, Any]:
    cut = _cutoff(ctx, months)
    n = ctx.wh.scalar(f"ops:retention:{what}:count", count_sql, [cut])
    ctx.wh.run(f"ops:retention:{what}", delete_sql, [cut])
    return {"before": cut, "deleted": n}


def retention(ctx: Context) -> JobResult:
    job: Retention = ctx.job  # type: ignore[assignment]
    wh = ctx.wh
    record: dict[str, Any] = {}
    dq_where = "run_id IN (SELECT run_id FROM ingest_runs WHERE started_at < ?)"
    with wh.transaction("ops:retention"):
        if job.transactions_months:
            record["transactions"] = _transactions(ctx, job)
        if job.quarantine_months:
            record["quarantine"] = _older(
                ctx,
                "quarantine",
                job.quarantine_months,
                "SELECT count(*) FROM quarantine WHERE quarantined_at < ?",
                "DELETE FROM quarantine WHERE quarantined_at < ?",
            )
        if job.dq_results_months:
            record["dq_results"] = _older(
                ctx,
                "dq_results",
                job.dq_results_months,
                f"SELECT count(*) FROM dq_results WHERE {dq_where}",
                f"DELETE FROM dq_results WHERE {dq_where}",
            )
    wh.drop("_kept_txns")
    if any(r["deleted"] for r in record.values()):
        wh.run("ops:retention:checkpoint", "CHECKPOINT")  # give the space back now
    parts = [f"{r['deleted']} {name}" for name, r in record.items()]
    if "transactions" in record:
        t = record["transactions"]
        parts[0] += (
            f" (kept {t['kept_case_evidence']} case evidence,"
            f" {t['kept_open_alert_evidence']} open-alert evidence)"
        )
    summary = "deleted " + ", ".join(parts) if parts else "no retention period configured"
    return JobResult(summary, record)
