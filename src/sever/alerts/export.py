"""Write the contract's alerts export, `<out>/alerts.jsonl`.

Reads `alerts`, `alert_history` (which alerts a run saw) and `signals` (only to know
what restricted evidence must not quote); writes one JSON object per line with exactly
the contract's fields, sorted by alert_id, so the same warehouse state always gives
the same bytes.

Which alerts: with `run_id`, every alert that scan created or saw open (it has an
`alert_history` row for the run), with its current evidence: what the scan raised.
Without `run_id`, every open alert (new, in_review, escalated). Dismissed and closed
alerts from earlier runs are never in a run's export: a run does not touch them.

Restricted alerts (minor_perpetrator material) are exported, but any reason that
mentions a shared signal, a signal id or a matched indicator is replaced by one
neutral sentence. Victim alerts keep role `victim`.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any

from sever.alerts.lifecycle import OPEN_STATES
from sever.warehouse import Warehouse

EXPORT_FIELDS = (
    "alert_id",
    "subject_account_id",
    "role",
    "typology",
    "score",
    "severity",
    "reasons",
    "rule_ids",
    "signal_ids",
    "related_account_ids",
    "txn_ids",
    "first_seen",
    "last_seen",
    "total_amount_usd",
)
WITHHELD_REASON = "Shared-signal evidence is restricted and withheld from this export."
# Indicators shorter than this would match unrelated words; the 'signal' check still applies.
_MIN_TERM = 3

SELECT = f"""
WITH chosen AS (
    SELECT * FROM alerts
    WHERE CASE WHEN $run_id IS NULL THEN list_contains($open_states, state)
               ELSE alert_id IN (SELECT alert_id FROM alert_history WHERE run_id = $run_id) END
),
restricted_signals AS (
    SELECT alert_id, unnest(signal_ids) AS signal_id FROM chosen WHERE restricted
),
signal_terms AS (
    SELECT alert_id, list(DISTINCT lower(term)) AS terms
    FROM (SELECT alert_id, signal_id AS term FROM restricted_signals
          UNION ALL
          SELECT r.alert_id, s.indicator_norm
          FROM restricted_signals r JOIN signals s USING (signal_id))
    WHERE length(term) >= {_MIN_TERM}
    GROUP BY alert_id
),
kept AS (
    SELECT c.alert_id,
           list_filter(c.reasons, lambda r: NOT (
               contains(lower(r), 'signal')
               OR len(list_filter(coalesce(t.terms, []), lambda w: contains(lower(r), w))) > 0
           )) AS reasons
    FROM chosen c
    LEFT JOIN signal_terms t USING (alert_id)
    WHERE c.restricted
)
SELECT c.alert_id, c.subject_account_id, c.role, c.typology, c.score, c.severity,
       CASE WHEN k.alert_id IS NULL THEN c.reasons
            WHEN len(k.reasons) = len(c.reasons) THEN k.reasons
            ELSE list_append(k.reasons, $withheld) END AS reasons,
       c.rule_ids, c.signal_ids, c.related_account_ids, c.txn_ids,
       c.first_seen, c.last_seen, c.total_amount_usd
FROM chosen c
LEFT JOIN kept k USING (alert_id)
ORDER BY c.alert_id
"""


def _iso_utc(ts: datetime | None) -> str | None:
    """ISO-8601 UTC with `Z`; fractions of a second only when there are some."""
    if ts is None:
        return None
    text = ts.strftime("%Y-%m-%dT%H:%M:%S")
    return f"{text}.{ts.microsecond:06d}Z" if ts.microsecond else f"{text}Z"


def alert_records(wh: Warehouse, run_id: str | None = None) -> list[dict[str, Any]]:
    """The export's records, contract fields only, in alert_id order."""
    rows = wh.records(
        "alerts:export",
        SELECT,
        {"run_id": run_id, "open_states": list(OPEN_STATES), "withheld": WITHHELD_REASON},
    )
    for row in rows:
        row["first_seen"] = _iso_utc(row["first_seen"])
        row["last_seen"] = _iso_utc(row["last_seen"])
        for field in ("reasons", "rule_ids", "signal_ids", "related_account_ids", "txn_ids"):
            row[field] = list(row[field] or [])
    return [{field: row[field] for field in EXPORT_FIELDS} for row in rows]


def export_jsonl(wh: Warehouse, out_dir: Path | str, run_id: str | None = None) -> Path:
    """Write `<out_dir>/alerts.jsonl` (replacing it atomically) and return its path."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    target = out / "alerts.jsonl"
    lines = [
        json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"
        for record in alert_records(wh, run_id)
    ]
    tmp = out / ".alerts.jsonl.tmp"
    with tmp.open("w", encoding="utf-8", newline="\n") as fh:
        fh.writelines(lines)
    os.replace(tmp, target)
    return target
