"""Keep the scan's costly feature tables between runs when their inputs allow it.

Reads transactions, fx_rates and account_identifiers (counts, ingest runs, a content hash
of the fx rates) and feature_builds; writes f_ledger and f_party (01_ledger.sql), f_shared
(04_shared.sql) and their feature_builds rows.

A nightly scan's window moves forward by a day: f_ledger drops the payments that left it
and adds the ones new to it (later in time, or delivered since) instead of rewriting the
whole window. f_shared is rebuilt only when the identifiers or its parameters changed.
Anything else (SQL or parameters changed, fx rates changed, the window moved back, an
ingest run's payments gone) rebuilds the table; a count check after every slide catches
what the fingerprints cannot, and rebuilds too.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from importlib import resources
from typing import Any

from sever.sqlutil import lit_list, run_sql_file
from sever.warehouse import Warehouse

PACKAGE = "sever.features.sql"


def ledger_state(wh: Warehouse) -> tuple[int, list[str], datetime | None]:
    """How many payments the warehouse holds, from which ingest runs, the latest: one pass."""
    rows, runs, newest = wh.rows(
        "features:ledger_state",
        "SELECT count(*), list(DISTINCT run_id), max(ts) FROM transactions",
    )[0]
    return rows, sorted(runs or []), newest


def fingerprint(*parts: Any) -> str:
    """A digest of JSON-able parts (SQL text, parameters, input summaries)."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def _static(name: str, p: dict[str, str]) -> str:
    """The file's text and every parameter but the scan window, which moves every night."""
    sql = (resources.files(PACKAGE) / name).read_text(encoding="utf-8")
    fixed = {k: v for k, v in p.items() if k not in ("as_of", "window_from")}
    return fingerprint(sql, fixed)


def _last(wh: Warehouse, table: str) -> dict[str, Any] | None:
    if not wh.table_exists(table):
        return None
    found = wh.records(
        "features:last_build", "SELECT * FROM feature_builds WHERE name = ?", [table]
    )
    return found[0] if found else None


def _record(
    wh: Warehouse, table: str, static: str, inputs: str, *, runs=None, window_from=None, as_of=None
) -> None:
    wh.run(
        "features:record_build",
        "INSERT OR REPLACE INTO feature_builds VALUES (?, ?, ?, ?, ?, ?, now()::TIMESTAMP)",
        [table, static, inputs, runs, window_from, as_of],
    )


def build_ledger(wh: Warehouse, p: dict[str, str], as_of: datetime, window_from: datetime) -> str:
    """Bring f_ledger (and f_party) to the window (window_from, as_of]; say how."""
    name = "01_ledger.sql"
    static = _static(name, p)
    fx = wh.rows(
        "features:fx_fp", "SELECT count(*), sum(hash(currency, date, usd_rate)) FROM fx_rates"
    )[0]
    inputs = fingerprint(list(fx))
    _, runs, _ = ledger_state(wh)
    last = _last(wh, "f_ledger")
    slide = (
        last is not None
        and last["static_fp"] == static
        and last["input_fp"] == inputs
        and window_from >= last["window_from"]
        and as_of >= last["as_of"]
        and set(last["runs"] or []) <= set(runs)
    )
    with wh.transaction("features:ledger"):
        mode = "slide" if slide else "full"
        if slide:
            assert last is not None
            wh.run("features:ledger:drop_old", "DELETE FROM f_ledger WHERE ts <= ?", [window_from])
            new = (
                f" AND (NOT list_contains([{lit_list(last['runs'] or [])}], t.run_id)"
                f" OR t.ts > TIMESTAMP '{last['as_of'].isoformat(sep=' ')}')"
            )
            slid = {"ledger_into": "INSERT INTO f_ledger", "ledger_new": new}
            run_sql_file(wh, PACKAGE, name, p | slid)
            if not _complete(wh, as_of, window_from):
                mode = "full"
        if mode == "full":
            full = {"ledger_into": "CREATE OR REPLACE TABLE f_ledger AS", "ledger_new": ""}
            run_sql_file(wh, PACKAGE, name, p | full)
        _record(wh, "f_ledger", static, inputs, runs=runs, window_from=window_from, as_of=as_of)
    return mode


def _complete(wh: Warehouse, as_of: datetime, window_from: datetime) -> bool:
    """f_ledger holds exactly the window's completed payments (a slide missed none)."""
    return bool(
        wh.scalar(
            "features:ledger:check",
            "SELECT (SELECT count(*) FROM f_ledger) = (SELECT count(*) FROM transactions"
            " WHERE status = 'completed' AND ts > ? AND ts <= ?)",
            [window_from, as_of],
        )
    )


def build_shared(wh: Warehouse, p: dict[str, str]) -> str:
    """Rebuild f_shared when the identifiers or its parameters changed; say whether."""
    name = "04_shared.sql"
    static = _static(name, p)
    ids = wh.rows(
        "features:ids_fp",
        "SELECT count(*), list(DISTINCT run_id ORDER BY run_id) FROM account_identifiers",
    )[0]
    inputs = fingerprint(list(ids))
    last = _last(wh, "f_shared")
    if last is not None and last["static_fp"] == static and last["input_fp"] == inputs:
        return "kept"
    with wh.transaction("features:shared"):
        run_sql_file(wh, PACKAGE, name, p)
        _record(wh, "f_shared", static, inputs)
    return "full"
