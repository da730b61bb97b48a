"""Live rule hits as account-score rows, and folding them into the detectors' rows.

Reads rule_hits (live, one run), rule_versions (the published body of each hit's
version), transactions (evidence: the account's counterparties in the rule's window)
and signal_hits; returns rows shaped like `graph.combine`'s, ready for
`graph.combine.write_scores`. One row per account and typology: the strongest rule
gives the score (its severity's score) and role; every rule that fired adds its reason.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from sever.rules.spec import SEVERITY_SCORE, Rule
from sever.warehouse import Warehouse

MAX_EVIDENCE = 25  # counterparties kept as evidence per account and rule

_HITS = f"""
WITH h AS (
    SELECT rule_ref, account_id, max(day) AS day, arg_max("values", day) AS "values",
           list(DISTINCT counterparty_id) FILTER (WHERE counterparty_id IS NOT NULL) AS cps
    FROM rule_hits WHERE run_id = $run_id AND mode = 'live'
    GROUP BY rule_ref, account_id
),
r AS (
    SELECT rule_id || '@' || version AS rule_ref, body,
           coalesce(json_extract_string(body, '$.subject'), json_extract_string(body, '$.scope'))
               AS side,
           CASE json_extract_string(body, '$.window') WHEN '24h' THEN 1 WHEN '72h' THEN 3
                ELSE 30 END AS days
    FROM rule_versions
),
k AS (SELECT h.*, r.body, r.side, r.days FROM h JOIN r USING (rule_ref)),
t AS (
    SELECT sender_id, receiver_id, ts, amount FROM transactions
    WHERE status = 'completed' AND ts >= (SELECT min(day) - 30 FROM k)
),
ev AS (
    SELECT k.rule_ref, k.account_id, t.sender_id AS s, t.receiver_id AS r, sum(t.amount) AS amt
    FROM k JOIN t ON t.receiver_id = k.account_id
    WHERE k.side = 'payee' AND t.ts >= k.day - (k.days - 1) AND t.ts < k.day + 1
      AND (k.cps IS NULL OR list_contains(k.cps, t.sender_id))
    GROUP BY ALL
    UNION ALL
    SELECT k.rule_ref, k.account_id, t.sender_id, t.receiver_id, sum(t.amount)
    FROM k JOIN t ON t.sender_id = k.account_id
    WHERE k.side = 'payer' AND t.ts >= k.day - (k.days - 1) AND t.ts < k.day + 1
      AND (k.cps IS NULL OR list_contains(k.cps, t.receiver_id))
    GROUP BY ALL
),
top AS (
    SELECT * FROM ev
    QUALIFY row_number() OVER (PARTITION BY rule_ref, account_id ORDER BY amt DESC, s, r)
            <= {MAX_EVIDENCE}
),
sig AS (
    SELECT account_id, list(DISTINCT signal_id ORDER BY signal_id) AS signal_ids,
           bool_or(minor_perpetrator) AS restricted
    FROM signal_hits GROUP BY account_id
)
SELECT k.rule_ref, k.account_id, k.day, k."values", k.body,
       coalesce((SELECT list({{'s': top.s, 'r': top.r}} ORDER BY top.amt DESC, top.s, top.r)
                 FROM top WHERE top.rule_ref = k.rule_ref AND top.account_id = k.account_id),
                []) AS evidence,
       coalesce(sig.signal_ids, []) AS signal_ids, coalesce(sig.restricted, false) AS restricted
FROM k LEFT JOIN sig USING (account_id)
ORDER BY k.account_id, k.rule_ref
"""


def _rule(body: str) -> Rule | None:
    try:
        return Rule.model_validate(json.loads(body))
    except ValidationError:  # written under an older vocabulary: keep the hit, plain reason
        return None


def rule_scores(wh: Warehouse, run_id: str) -> list[dict[str, Any]]:
    """Per account and typology, the run's live rule hits as combiner-shaped rows."""
    hits = wh.records("rules:scores_rows", _HITS, {"run_id": run_id})
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for h in hits:
        body = json.loads(h["body"])
        rule = _rule(h["body"])
        role = rule.role if rule else "other"
        values = json.loads(h["values"]) if isinstance(h["values"], str) else h["values"]
        text = rule.explain(values) if rule else body.get("title", "")
        action = "" if body["action"] == "alert" else f"; action {body['action']}"
        reason = f"rule {h['rule_ref']} on {h['day']}: {text}{action}"
        score = SEVERITY_SCORE[body["severity"]]
        me = {
            "account_id": h["account_id"],
            "role": role,
            "typology": body["typology"],
            "score": score,
            "severity": body["severity"],
            "reasons": [reason],
            "detector_ids": [],
            "rule_ids": [h["rule_ref"]],
            "signal_ids": [] if role == "victim" else list(h["signal_ids"]),
            "related_account_ids": sorted(
                {e["s"] for e in h["evidence"]}
                | {e["r"] for e in h["evidence"]} - {h["account_id"]}
            ),
            "evidence": [dict(e) for e in h["evidence"]],
            "restricted": bool(h["restricted"]),
        }
        key = (me["account_id"], me["typology"])
        rows[key] = _merge(rows[key], me) if key in rows else me
    return list(rows.values())


def _merge(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """Two rows for one account and typology; victims are protected (never suspects)."""
    a_victim, b_victim = a["role"] == "victim", b["role"] == "victim"
    if a_victim != b_victim:
        return a if a_victim else b
    win, lose = (a, b) if a["score"] >= b["score"] else (b, a)
    out = dict(win)
    out["reasons"] = [*win["reasons"], *(r for r in lose["reasons"] if r not in win["reasons"])]
    for key in ("detector_ids", "rule_ids", "signal_ids", "related_account_ids"):
        out[key] = sorted(set(win[key]) | set(lose[key]))
    seen = {(e["s"], e["r"]) for e in win["evidence"]}
    out["evidence"] = [
        *win["evidence"],
        *(e for e in lose["evidence"] if (e["s"], e["r"]) not in seen),
    ]
    out["restricted"] = bool(win["restricted"] or lose["restricted"])
    return out


def merge_rule_rows(
    detector_rows: list[dict[str, Any]], rule_rows: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The detectors' rows with the rules' folded in, one row per account and typology.

    Both found the account in one typology: the higher score wins role and severity, the
    reasons, ids and evidence are united. A detector's victim row is never turned into a
    suspect by a rule; a rule's victim row never overrides a detector's suspect row either
    (the detectors saw the whole network): the rule's reason is added to it instead.
    """
    out = {(r["account_id"], r["typology"]): r for r in detector_rows}
    for r in rule_rows:
        key = (r["account_id"], r["typology"])
        d = out.get(key)
        if d is None:
            out[key] = r
        elif d["role"] != "victim" and r["role"] == "victim":
            note = [f"also {reason} (a victim rule)" for reason in r["reasons"]]
            out[key] = {
                **d,
                "reasons": [*d["reasons"], *note],
                "rule_ids": sorted({*d["rule_ids"], *r["rule_ids"]}),
            }
        else:
            out[key] = _merge(d, r)
    return list(out.values())
