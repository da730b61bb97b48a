"""Keep the scan's costly feature tables between runs when their inputs allow it.

Reads transactions, fx_rates and account_identifiers (counts, ingest runs, a content hash
of the fx rates) and feature_builds; writes f_ledger and f_party (01_ledger.sql), f_edge
(02_edges.sql), f_shared (04_shared.sql) and their feature_builds rows.

A nightly scan's window moves forward by a day: f_ledger drops the payments that left it
and adds the ones new to it (later in time, or delivered since) instead of rewriting the
whole window, and f_edge rewrites only the pairs with such payments (or with a payment
delivered late into the history before the window, which makes them known to each other).
f_shared is rebuilt only when the identifiers or its parameters changed. Anything else (SQL
or parameters changed, fx rates changed, the window moved back, an ingest run's payments
gone, payments removed by retention) rebuilds the table; a count check after every slide
catches what the fingerprints cannot, and rebuilds too.
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
    wh: Warehouse,
    table: str,
    static: str,
    inputs: str,
    *,
    runs=None,
    window_from=None,
    as_of=None,
    txn_rows=None,
) -> None:
    wh.run(
        "features:record_build",
        "INSERT OR REPLACE INTO feature_builds (name, static_fp, input_fp, runs, window_from,"
        " as_of, built_at, txn_rows) VALUES (?, ?, ?, ?, ?, ?, now()::TIMESTAMP, ?)",
        [table, static, inputs, runs, window_from, as_of, txn_rows],
    )


State = tuple[int, list[str], datetime | None]  # ledger_state's


def build_ledger(
    wh: Warehouse, p: dict[str, str], as_of: datetime, window_from: datetime, state: State
) -> tuple[str, dict[str, Any] | None]:
    """Bring f_ledger (and f_party) to the window (window_from, as_of]; say how, and give
    the build it slid from (None when it was rebuilt)."""
    name = "01_ledger.sql"
    static = _static(name, p)
    fx = wh.rows(
        "features:fx_fp", "SELECT count(*), sum(hash(currency, date, usd_rate)) FROM fx_rates"
    )[0]
    inputs = fingerprint(list(fx))
    txn_rows, runs, _ = state
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
            slid = {"ledger_into": "INSERT INTO f_ledger", "ledger_new": _new_since(last)}
            run_sql_file(wh, PACKAGE, name, p | slid)
            if not _complete(wh, as_of, window_from):
                mode = "full"
        if mode == "full":
            full = {"ledger_into": "CREATE OR REPLACE TABLE f_ledger AS", "ledger_new": ""}
            run_sql_file(wh, PACKAGE, name, p | full)
        _record(
            wh,
            "f_ledger",
            static,
            inputs,
            runs=runs,
            window_from=window_from,
            as_of=as_of,
            txn_rows=txn_rows,
        )
    return mode, last if mode == "slide" else None


def _new_since(last: dict[str, Any]) -> str:
    """A condition on transactions t: delivered since the build `last`, or later than it."""
    return (
        f" AND (NOT list_contains([{lit_list(last['runs'] or [])}], t.run_id)"
        f" OR t.ts > TIMESTAMP '{last['as_of'].isoformat(sep=' ')}')"
    )


def build_edges(
    wh: Warehouse,
    p: dict[str, str],
    as_of: datetime,
    window_from: datetime,
    state: State,
    slid_from: dict[str, Any] | None,
) -> str:
    """Bring f_edge to f_ledger's window: when f_ledger slid from the build f_edge was made
    with (`slid_from`), rewrite only the pairs whose payments changed; say how."""
    name = "02_edges.sql"
    static = _static(name, p)
    txn_rows, runs, _ = state
    last = _last(wh, "f_edge")
    slide = (
        slid_from is not None
        and last is not None
        and last["static_fp"] == static
        and (last["window_from"], last["as_of"]) == (slid_from["window_from"], slid_from["as_of"])
        and sorted(last["runs"] or []) == sorted(slid_from["runs"] or [])
        and _none_removed(wh, last, txn_rows)
    )
    with wh.transaction("features:edges"):
        mode = "slide" if slide else "full"
        if slide:
            assert last is not None
            # The pairs with a payment that left the window, or one new to the window or to
            # the history before it (a late delivery makes the pair known to each other).
            wh.run(
                "features:edges:changed",
                "CREATE OR REPLACE TEMP TABLE _edge_changed AS"
                " SELECT DISTINCT sender_id, receiver_id FROM transactions t"
                " WHERE t.status = 'completed' AND ((t.ts > ? AND t.ts <= ?)"
                f" OR (t.ts <= ?{_new_since(last)}))",
                [last["window_from"], window_from, as_of],
            )
            wh.run(
                "features:edges:drop",
                "DELETE FROM f_edge WHERE (sender_id, receiver_id) IN"
                " (SELECT sender_id, receiver_id FROM _edge_changed)",
            )
            pairs = " AND (sender_id, receiver_id) IN (SELECT * FROM _edge_changed)"
            run_sql_file(
                wh, PACKAGE, name, p | {"edge_into": "INSERT INTO f_edge", "edge_pairs": pairs}
            )
            wh.drop("_edge_changed")
            if not bool(
                wh.scalar(
                    "features:edges:check",
                    "SELECT (SELECT sum(n_txn) FROM f_edge) = (SELECT count(*) FROM f_ledger)",
                )
            ):
                mode = "full"
        if mode == "full":
            full = {"edge_into": "CREATE OR REPLACE TABLE f_edge AS", "edge_pairs": ""}
            run_sql_file(wh, PACKAGE, name, p | full)
        _record(
            wh,
            "f_edge",
            static,
            "",
            runs=runs,
            window_from=window_from,
            as_of=as_of,
            txn_rows=txn_rows,
        )
    return mode


def _none_removed(wh: Warehouse, last: dict[str, Any], txn_rows: int) -> bool:
    """No payment went away since the build `last` (the runs since added all the rest)."""
    if last["txn_rows"] is None:
        return False
    new = wh.scalar(
        "features:edges:new_rows",
        "SELECT count(*) FROM transactions WHERE NOT list_contains(?, run_id)",
        [list(last["runs"] or [])],
    )
    return txn_rows == last["txn_rows"] + new


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
