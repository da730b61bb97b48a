"""Combine detector findings into one score per account and typology, with a severity.

Reads findings and node features; writes account_scores for the run. Victims are
protected: an account found to be a victim in a typology is never scored as a
suspect in it. A shared signal raises a score that evidence already supports; on
its own it yields a low "lead" score below the alert threshold.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from sever.graph.candidates import Candidates
from sever.graph.context import Finding
from sever.warehouse import Warehouse

SUSPECT_ROLES = ("collector", "mule", "consumer")


def severity(score: float, cuts: dict[str, float]) -> str:
    for name in ("critical", "high", "medium"):
        if score >= cuts[name]:
            return name
    return "low"


def combine(
    findings: dict[str, list[Finding]], cand: Candidates, config: dict[str, Any]
) -> list[dict[str, Any]]:
    comb = config["combiner"]
    weights = comb["detector_weights"]
    rows = []
    for acct, fs in findings.items():
        node = cand.nodes.get(acct, {})
        by_typ: dict[str, list[Finding]] = {}
        for f in fs:
            by_typ.setdefault(f.typology, []).append(f)
        for typology, group in by_typ.items():
            victim = [f for f in group if f.role == "victim"]
            suspect = [f for f in group if f.role != "victim"]
            chosen = victim if victim else suspect  # victims are never suspects
            miss = 1.0
            for f in chosen:
                miss *= 1 - weights[f.detector_id] * f.score
            score = 1 - miss
            sig = float(node.get("signal_score") or 0)
            if sig and not victim:
                score += comb["signal_boost"] * sig * (1 - score)
            lead = max(chosen, key=lambda f: weights[f.detector_id] * f.score)
            role = lead.role if lead.role in (*SUSPECT_ROLES, "victim") else "other"
            rows.append(_row(acct, role, typology, score, chosen, node, config))
    for acct, node in cand.nodes.items():  # signal leads with no evidence: kept, not alerted
        sig = float(node.get("signal_score") or 0)
        if sig and acct not in findings and node.get("kind") != "external":
            lead = Finding(
                acct,
                "signal_match",
                "other",
                node.get("signal_harm") or "financial_sextortion",
                sig,
                [
                    f"matches {len(node.get('signal_ids') or [])} shared signal(s) from "
                    f"{node.get('n_owners')} owner(s); a lead, not a verdict"
                ],
            )
            rows.append(_row(acct, "other", lead.typology, 0.4 * sig, [lead], node, config))
    return rows


def _row(acct, role, typology, score, chosen, node, config) -> dict[str, Any]:
    edges = sorted({e for f in chosen for e in f.evidence})
    related = sorted({r for f in chosen for r in f.related} - {acct})
    reasons = [r for f in sorted(chosen, key=lambda f: -f.score) for r in f.reasons]
    if node.get("signal_ids") and role != "victim":
        reasons.append(
            f"shared signals matched: {len(node['signal_ids'])} from "
            f"{node.get('n_owners')} owner(s)"
        )
    return {
        "account_id": acct,
        "role": role,
        "typology": typology,
        "score": round(min(score, 1.0), 4),
        "severity": severity(score, config["severity"]),
        "reasons": reasons,
        "detector_ids": sorted({f.detector_id for f in chosen}),
        "rule_ids": [],
        "signal_ids": sorted(node.get("signal_ids") or []) if role != "victim" else [],
        "related_account_ids": related,
        "evidence": [{"s": a, "r": b} for a, b in edges],
        "restricted": bool(node.get("restricted")),
    }


_LIST = pa.list_(pa.string())
_SCHEMA = pa.schema(
    [
        ("account_id", pa.string()),
        ("role", pa.string()),
        ("typology", pa.string()),
        ("score", pa.float64()),
        ("severity", pa.string()),
        ("reasons", _LIST),
        ("detector_ids", _LIST),
        ("rule_ids", _LIST),
        ("signal_ids", _LIST),
        ("related_account_ids", _LIST),
        ("evidence", pa.list_(pa.struct([("s", pa.string()), ("r", pa.string())]))),
        ("restricted", pa.bool_()),
    ]
)


def write_scores(
    wh: Warehouse, run_id: str, rows: list[dict[str, Any]], *, replace_all: bool = True
) -> int:
    """Insert the rows; evidence span and amount come from the ledger in SQL.

    They replace the run's rows, or with `replace_all=False` only its rows of the same
    account and typology (what the rules stage changed), the others staying as written.
    """
    if replace_all:
        wh.run("combine:clear", "DELETE FROM account_scores WHERE run_id = ?", [run_id])
    if not rows:
        return 0
    # Column by column into Arrow: a data frame made row by row from 40,000 rows with their
    # evidence lists took 1.3 s, this 0.2 s.
    frame = pa.table({k: [r[k] for r in rows] for k in _SCHEMA.names}, schema=_SCHEMA)
    wh.con.register("scores_frame", frame)
    try:
        if not replace_all:
            wh.run(
                "combine:clear_changed",
                "DELETE FROM account_scores a USING scores_frame f WHERE a.run_id = ?"
                " AND a.account_id = f.account_id AND a.typology = f.typology",
                [run_id],
            )
        # Evidence edges become the ledger's transactions here, in SQL, with their span and sum.
        # The sum runs in the ledger's order: in the order threads happen to meet, its last
        # digit changed from run to run, and a rerun 'updated' thousands of alerts for it.
        wh.run(
            "combine:insert",
            """
            INSERT INTO account_scores
            WITH pairs AS (
                SELECT account_id, typology, unnest(evidence, recursive := true) FROM scores_frame
            ),
            ev AS (
                SELECT p.account_id, p.typology, list(l.txn_id ORDER BY l.ts, l.txn_id) AS txn_ids,
                       min(l.ts) AS first_seen, max(l.ts) AS last_seen,
                       sum(l.amount_usd ORDER BY l.ts, l.txn_id) AS total_usd
                FROM pairs p JOIN f_ledger l ON l.sender_id = p.s AND l.receiver_id = p.r
                GROUP BY p.account_id, p.typology
            )
            SELECT ?, s.account_id, s.role, s.typology, s.score, s.severity,
                   CASE WHEN len(ev.txn_ids) > 0 THEN list_append(s.reasons,
                       'evidence: ' || len(ev.txn_ids) || ' transactions from '
                       || strftime(ev.first_seen, '%Y-%m-%d') || ' to '
                       || strftime(ev.last_seen, '%Y-%m-%d') || ', e.g. '
                       || array_to_string(ev.txn_ids[1:3], ', ')) ELSE s.reasons END,
                   s.detector_ids, s.rule_ids, s.signal_ids, s.related_account_ids,
                   coalesce(ev.txn_ids, []), ev.first_seen, ev.last_seen, ev.total_usd,
                   s.restricted
            FROM scores_frame s LEFT JOIN ev USING (account_id, typology)
            """,
            [run_id],
        )
    finally:
        wh.con.unregister("scores_frame")
    return len(rows)
