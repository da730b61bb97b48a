"""What must hold in the warehouse at any moment, even right after a kill: one query each,
counting the rows that break it."""

from __future__ import annotations

from typing import Any

from sever.warehouse import Warehouse

CHECKS = {
    "a txn_id loaded twice": "SELECT count(*) - count(DISTINCT txn_id) FROM transactions",
    "a file's counts do not reconcile": (
        "SELECT count(*) FROM ingest_files WHERE rows_read <> loaded + quarantined + duplicates"
    ),
    "payments loaded without their file's record": (
        "SELECT count(*) FROM transactions t WHERE NOT EXISTS (SELECT 1 FROM ingest_files f"
        " WHERE f.run_id = t.run_id AND f.file_name = t.source_file)"
    ),
    "a file's record without all its payments": (
        "SELECT count(*) FROM ingest_files f WHERE f.table_name = 'transactions' AND f.loaded <>"
        " (SELECT count(*) FROM transactions t WHERE t.run_id = f.run_id"
        " AND t.source_file = f.file_name)"
    ),
    "quarantine rows and their file's count differ": """
        SELECT count(*) FROM (
            SELECT table_name, file_name, first_run_id AS run_id, count(*) AS n
            FROM quarantine GROUP BY ALL) q
        FULL JOIN (SELECT table_name, file_name, run_id, quarantined FROM ingest_files
                   WHERE quarantined > 0) f USING (table_name, file_name, run_id)
        WHERE coalesce(q.n, 0) <> coalesce(f.quarantined, 0)""",
    "a row quarantined twice": (
        "SELECT count(*) - count(DISTINCT (table_name, file_name, row_number)) FROM quarantine"
    ),
    "data-quality results without their file's record": (
        "SELECT count(*) FROM dq_results d WHERE NOT EXISTS (SELECT 1 FROM ingest_files f"
        " WHERE f.run_id = d.run_id AND f.table_name = d.table_name"
        " AND f.file_name = d.file_name)"
    ),
    "two open alerts for one subject, typology and class": """
        SELECT count(*) FROM (SELECT subject_account_id, typology, role = 'victim'
            FROM alerts WHERE state IN ('new', 'in_review', 'escalated')
            GROUP BY ALL HAVING count(*) > 1)""",
    "an alert without its creation audit": (
        "SELECT count(*) FROM alerts a WHERE NOT EXISTS (SELECT 1 FROM alert_audit u"
        " WHERE u.alert_id = a.alert_id AND u.action = 'created')"
    ),
    "an alert without the history row of the run that last changed it": (
        "SELECT count(*) FROM alerts a WHERE NOT EXISTS (SELECT 1 FROM alert_history h"
        " WHERE h.alert_id = a.alert_id AND h.run_id = a.updated_run_id)"
    ),
    "history or audit of an alert that does not exist": (
        "SELECT (SELECT count(*) FROM alert_history h WHERE h.alert_id NOT IN"
        " (SELECT alert_id FROM alerts)) + (SELECT count(*) FROM alert_audit u"
        " WHERE u.alert_id NOT IN (SELECT alert_id FROM alerts))"
    ),
    "signal hits or tags of a signal that is not stored": (
        "SELECT (SELECT count(*) FROM signal_hits WHERE signal_id NOT IN"
        " (SELECT signal_id FROM signals)) + (SELECT count(*) FROM signal_tags"
        " WHERE signal_id NOT IN (SELECT signal_id FROM signals))"
    ),
    "a deleted signal still stored": (
        "SELECT count(*) FROM signals WHERE signal_id IN (SELECT signal_id FROM signal_tombstones)"
    ),
    "signal hits missing (a match was half-written)": (
        # Every scan that finished saw hits on this data; an empty table is a torn match.
        "SELECT CASE WHEN (SELECT count(*) FROM scan_runs WHERE status = 'ok') > 0"
        " AND (SELECT count(*) FROM signal_hits) = 0 THEN 1 ELSE 0 END"
    ),
}

SNAPSHOT_TABLES = (
    "transactions", "accounts", "account_identifiers", "signals", "signal_tags",
    "signal_tombstones", "quarantine", "signal_hits", "alerts",
)  # fmt: skip

ALERTS = """
SELECT alert_id, subject_account_id, role, typology, round(score, 6) AS score, severity, state,
       reasons, detector_ids, rule_ids, signal_ids, related_account_ids, txn_ids,
       first_seen, last_seen, round(total_amount_usd, 4) AS total_usd, restricted,
       episode_start, previous_alert_id
FROM alerts ORDER BY alert_id
"""


def problems(wh: Warehouse) -> dict[str, int]:
    found = {name: wh.scalar(f"test:check:{name}", sql) for name, sql in CHECKS.items()}
    return {name: n for name, n in found.items() if n}


def alerts(wh: Warehouse) -> list[dict[str, Any]]:
    return wh.records("test:alerts", ALERTS)


def counts(wh: Warehouse) -> dict[str, int]:
    out = {t: wh.scalar(f"test:count:{t}", f"SELECT count(*) FROM {t}") for t in SNAPSHOT_TABLES}
    out["alerts created (audit)"] = wh.scalar(
        "test:count:created", "SELECT count(*) FROM alert_audit WHERE action = 'created'"
    )
    return out


def running(wh: Warehouse) -> dict[str, int]:
    """Rows still marked running anywhere (none once a run has finished)."""
    found = {
        t: wh.scalar(f"test:running:{t}", f"SELECT count(*) FROM {t} WHERE status = 'running'")
        for t in ("ops_runs", "scan_runs", "ingest_runs")
    }
    found["ops_partitions"] = wh.scalar(
        "test:running:partitions", "SELECT count(*) FROM ops_partitions WHERE state = 'running'"
    )
    return {t: n for t, n in found.items() if n}
