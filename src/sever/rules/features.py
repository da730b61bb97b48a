"""Build the rule feature tables when the ledger changed, and the scores rules can read.

Reads transactions, accounts, fx_rates (through `features/sql/05_rule_windows.sql`),
account_scores and signal_hits; writes f_rule_account_day, f_rule_pair_day, one
`rule_feature_builds` row per build, and the temporary table `_rule_scores`. The tables
cover all stored history and are rebuilt only when their inputs or the configuration
changed (a fingerprint of row counts, last loads and parameters).
"""

from __future__ import annotations

import hashlib
import json
import time
from datetime import datetime
from importlib import resources
from typing import Any

from sever.config import DetectionConfig, load
from sever.features import params
from sever.match import ACCOUNT_SIGNAL_SQL
from sever.sqlutil import run_sql_file
from sever.warehouse import Warehouse

SQL_PACKAGE, SQL_FILE = "sever.features.sql", "05_rule_windows.sql"


def _params(cfg: DetectionConfig) -> dict[str, str]:
    # The file uses no scan window: as_of / window_from are placeholders it never reads.
    epoch = datetime(1970, 1, 1)
    return params(cfg, epoch, epoch)


def fingerprint(wh: Warehouse, cfg: DetectionConfig) -> str:
    state = wh.rows(
        "rules:fingerprint",
        "SELECT (SELECT count(*) FROM transactions), (SELECT max(run_id) FROM transactions),"
        " (SELECT count(*) FROM accounts), (SELECT max(updated_at) FROM accounts),"
        " (SELECT count(*) FROM fx_rates), (SELECT sum(usd_rate) FROM fx_rates)",
    )[0]
    sql = (resources.files(SQL_PACKAGE) / SQL_FILE).read_text(encoding="utf-8")
    blob = json.dumps([list(state), _params(cfg), sql], default=str, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()


def ensure_rule_features(
    wh: Warehouse, cfg: DetectionConfig | None = None, *, force: bool = False
) -> dict[str, Any]:
    """Build the tables unless the last build saw the same inputs; say what happened."""
    cfg = cfg or load()
    fp = fingerprint(wh, cfg)
    last = wh.records(
        "rules:last_build",
        "SELECT fingerprint, seconds, account_day_rows, pair_day_rows FROM rule_feature_builds"
        " ORDER BY built_at DESC LIMIT 1",
    )
    present = wh.table_exists("f_rule_account_day") and wh.table_exists("f_rule_pair_day")
    if not force and present and last and last[0]["fingerprint"] == fp:
        return {"built": False, "seconds": 0.0, "account_day_rows": last[0]["account_day_rows"]}
    started = time.perf_counter()
    run_sql_file(wh, SQL_PACKAGE, SQL_FILE, _params(cfg))
    seconds = round(time.perf_counter() - started, 3)
    rows = wh.rows(
        "rules:build_rows",
        "SELECT (SELECT count(*) FROM f_rule_account_day), (SELECT count(*) FROM f_rule_pair_day)",
    )[0]
    wh.run(
        "rules:record_build",
        "INSERT INTO rule_feature_builds VALUES (now()::TIMESTAMP, ?, ?, ?, ?)",
        [fp, seconds, rows[0], rows[1]],
    )
    return {"built": True, "seconds": seconds, "account_day_rows": rows[0]}


def score_run(wh: Warehouse, run_id: str | None) -> str | None:
    """The run whose detector scores rules read: this one if it has any, else the latest."""
    found = wh.scalar(
        "rules:score_run",
        "SELECT s.run_id FROM account_scores s LEFT JOIN scan_runs r USING (run_id)"
        " WHERE len(s.detector_ids) > 0"
        " ORDER BY (s.run_id = ?) DESC, r.started_at DESC NULLS LAST, s.run_id DESC LIMIT 1",
        [run_id or ""],
    )
    return found


def prepare_scores(wh: Warehouse, run_id: str | None) -> str | None:
    """Write `_rule_scores` (one row per scored or signal-matched account); return the run."""
    source = score_run(wh, run_id)
    wh.run(
        "rules:scores",
        f"""
        CREATE OR REPLACE TEMP TABLE _rule_scores AS
        WITH det AS (
            SELECT account_id,
                   max(score) FILTER (WHERE role = 'collector') AS collector_score,
                   max(score) FILTER (WHERE role = 'mule') AS mule_score,
                   max(score) FILTER (WHERE role = 'victim') AS victim_score,
                   max(score) FILTER (WHERE role = 'consumer') AS consumer_score
            FROM account_scores
            WHERE run_id = $run AND len(detector_ids) > 0  -- detectors only, not rule rows
            GROUP BY account_id
        ),
        sig AS ({ACCOUNT_SIGNAL_SQL})
        SELECT coalesce(det.account_id, sig.account_id) AS account_id,
               det.collector_score, det.mule_score, det.victim_score, det.consumer_score,
               sig.signal_score
        FROM det FULL OUTER JOIN sig ON sig.account_id = det.account_id
        """,
        {"run": source or ""},
    )
    return source
