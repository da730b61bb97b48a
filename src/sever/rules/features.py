"""Build the rule feature tables when the ledger changed, and the scores rules can read.

Reads transactions, accounts, fx_rates (through `features/sql/05_rule_windows.sql`),
account_scores and signal_hits; writes f_rule_account_day, f_rule_pair_day,
f_rule_pair_kept, f_rule_pair_first, f_rule_fx_seen, one `rule_feature_builds` row per
build, and the temporary table `_rule_scores`. The tables cover all stored history. An
incremental build rewrites only the days from the first one that new payments, fx rates or
account changes touch, for the accounts active on those days only: a nightly one (a few
days) reads those days' payments and the kept pair-days before them, a longer one the
accounts' payments from 30 days before. A change of SQL or parameters, or payments removed
(retention), bring a full build.
"""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta
from importlib import resources
from typing import Any

from sever.config import DetectionConfig, load
from sever.features import params
from sever.features.reuse import fingerprint, ledger_state
from sever.match import ACCOUNT_SIGNAL_SQL
from sever.rules import windows
from sever.rules.windows import pair_context, windows_sql
from sever.sqlutil import lit, run_sql_file
from sever.warehouse import Warehouse

SQL_PACKAGE, SQL_FILE = "sever.features.sql", "05_rule_windows.sql"
# The longest median (72 h): the days it reads before the first one written.
MEDIAN_DAYS = 3
# What a build writes, by the name of its parameter in the SQL file ({x_into}).
TABLES = {
    "account_day": "f_rule_account_day",
    "pair_day": "f_rule_pair_day",
    "kept": "f_rule_pair_kept",
}


def _params(cfg: DetectionConfig) -> dict[str, str]:
    # The file uses no scan window: as_of / window_from are placeholders it never reads.
    epoch = datetime(1970, 1, 1)
    return params(cfg, epoch, epoch)


def static_fingerprint(cfg: DetectionConfig) -> str:
    """What forces a full build when it changes: the SQL text and the parameters."""
    sql = (resources.files(SQL_PACKAGE) / SQL_FILE).read_text(encoding="utf-8")
    forms = [windows_sql(kept, "0") for kept in (False, True)] + [pair_context("0")]
    return fingerprint(_params(cfg), sql, forms)


def _changed_from(wh: Warehouse, last: dict[str, Any], total: int) -> date | str | None:
    """The first day the inputs changed since `last` build, None if nothing did, or 'full'.

    New payments rewrite from their first day; a new or changed fx rate from its date; an
    account inserted or updated since the build from its first payment. Payments that
    disappeared (retention) force a full build.
    """
    seen = list(last["txn_runs"] or [])
    new = wh.rows(
        "rules:incr:new_txns",
        "SELECT count(*), min(CAST(ts AS DATE)) FROM transactions"
        " WHERE NOT list_contains(?, run_id)",
        [seen],
    )[0]
    if total != (last["txn_rows"] or 0) + new[0]:
        return "full"
    fx = wh.scalar(
        "rules:incr:fx",
        "SELECT min(date) FROM ((SELECT * FROM fx_rates EXCEPT SELECT * FROM f_rule_fx_seen)"
        " UNION ALL (SELECT * FROM f_rule_fx_seen EXCEPT SELECT * FROM fx_rates))",
    )
    acct = wh.scalar(
        "rules:incr:accounts",
        "WITH changed AS (SELECT account_id FROM accounts WHERE updated_at >= ?)"
        " SELECT min(CAST(ts AS DATE)) FROM transactions"
        " WHERE sender_id IN (SELECT account_id FROM changed)"
        " OR receiver_id IN (SELECT account_id FROM changed)",
        [last["started_at"]],
    )
    days = [d for d in (new[1], fx, acct) if d is not None]
    return min(days) if days else None


def ensure_rule_features(
    wh: Warehouse, cfg: DetectionConfig | None = None, *, force: bool = False
) -> dict[str, Any]:
    """Bring the tables up to date with the ledger; say what happened.

    A full build the first time and whenever the SQL or parameters changed (or payments
    were removed); otherwise only the days from the first changed one are rewritten.
    """
    cfg = cfg or load()
    static = static_fingerprint(cfg)
    last = wh.records(
        "rules:last_build",
        "SELECT fingerprint, static_fp, txn_rows, txn_runs, started_at, account_day_rows"
        " FROM rule_feature_builds ORDER BY built_at DESC LIMIT 1",
    )
    present = all(wh.table_exists(t) for t in TABLES.values())
    txn_rows, runs, newest = ledger_state(wh)
    from_day: date | str | None = "full"
    if not force and present and last and last[0]["static_fp"] == static:
        from_day = _changed_from(wh, last[0], txn_rows)
        if from_day is None:
            rows = last[0]["account_day_rows"]
            return {"built": False, "mode": "none", "seconds": 0.0, "account_day_rows": rows}
    started_at = wh.scalar("rules:now", "SELECT now()::TIMESTAMP")
    started = time.perf_counter()
    p = _params(cfg)
    full = from_day == "full"
    nightly = False
    # Every payment read, every account's daily rows kept; a nightly build says otherwise.
    p |= {"touched": "", "pair_context": "", "daily_rows": "true"}
    if full:
        p |= {"from_dn": "-2147483647", "data_from": "TIMESTAMP '0001-01-01 00:00:00'"}
        p["median_from"] = p["data_from"]
        p |= {f"{k}_into": f"CREATE OR REPLACE TABLE {t} AS" for k, t in TABLES.items()}
    else:
        assert isinstance(from_day, date) and newest is not None  # a ledger to build from
        first = (from_day - date(1970, 1, 1)).days
        midnight = datetime.combine(from_day, datetime.min.time())
        p |= {
            "from_dn": str(first),
            "data_from": lit(midnight - timedelta(days=windows.LONGEST)),
            "median_from": lit(midnight - timedelta(days=MEDIAN_DAYS - 1)),
        }
        p |= {f"{k}_into": f"INSERT INTO {t}" for k, t in TABLES.items()}
        # A nightly build writes a day or two: it reads their payments alone and takes the
        # days before from the kept pair-days. Many days are rebuilt from the payments of
        # the accounts active on them, with their 30 days before.
        nightly = (newest.date() - from_day).days < windows.JOIN_MAX_DAYS
        if nightly:
            p |= {"data_from": lit(midnight), "daily_rows": "false"}
            p["pair_context"] = pair_context(p["from_dn"])
        else:
            p["touched"] = (
                " AND (t.sender_id IN (SELECT account_id FROM _rw_touched)"
                " OR t.receiver_id IN (SELECT account_id FROM _rw_touched))"
            )
    p["account_windows"] = windows_sql(nightly, p["from_dn"])
    # One transaction: a crash mid-build leaves the previous tables and their build record.
    with wh.transaction("rules:build"):
        if full:
            wh.run("rules:pair_first:clear", "DELETE FROM f_rule_pair_first")
        elif not nightly:
            wh.run(
                "rules:incr:touched",
                "CREATE OR REPLACE TEMP TABLE _rw_touched AS"
                " SELECT sender_id AS account_id FROM transactions"
                " WHERE status = 'completed' AND ts >= ?"
                " UNION SELECT receiver_id FROM transactions"
                " WHERE status = 'completed' AND ts >= ?",
                [from_day, from_day],
            )
        if not full:
            for table in TABLES.values():
                day = "dn" if table == "f_rule_pair_kept" else "day"
                value = int(p["from_dn"]) if day == "dn" else from_day
                wh.run(
                    f"rules:incr:clear:{table}", f"DELETE FROM {table} WHERE {day} >= ?", [value]
                )
        run_sql_file(wh, SQL_PACKAGE, SQL_FILE, p)
        wh.drop("_rw_touched")
        wh.run("rules:fx_seen:clear", "DELETE FROM f_rule_fx_seen")
        wh.run(
            "rules:fx_seen",
            "INSERT INTO f_rule_fx_seen SELECT currency, date, usd_rate FROM fx_rates",
        )
        seconds = round(time.perf_counter() - started, 3)
        rows = wh.rows(
            "rules:build_rows",
            "SELECT (SELECT count(*) FROM f_rule_account_day),"
            " (SELECT count(*) FROM f_rule_pair_day)",
        )[0]
        mode = "full" if full else "incremental"
        wh.run(
            "rules:record_build",
            "INSERT INTO rule_feature_builds (built_at, fingerprint, seconds, account_day_rows,"
            " pair_day_rows, mode, from_day, static_fp, txn_rows, txn_runs, started_at)"
            " VALUES (now()::TIMESTAMP, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                static,
                seconds,
                rows[0],
                rows[1],
                mode,
                None if full else from_day,
                static,
                txn_rows,
                runs,
                started_at,
            ],
        )
    out = {"built": True, "mode": mode, "seconds": seconds, "account_day_rows": rows[0]}
    if not full:
        out["from_day"] = from_day
    return out


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
