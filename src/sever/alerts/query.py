"""Read alerts for analysts: filtered lists and one alert with its history and audit.

Reads `alerts`, `alert_history` and `alert_audit`; writes nothing. Filters are checked
against the vocabularies and passed as parameters, never pasted into SQL.
"""

from __future__ import annotations

from typing import Any

from sever.alerts.lifecycle import STATES
from sever.errors import UserError
from sever.warehouse import Warehouse

SEVERITIES = ("low", "medium", "high", "critical")
ROLES = ("collector", "mule", "victim", "consumer", "other")

LIST = """
SELECT alert_id, subject_account_id, role, typology, score, severity, state, restricted,
       len(txn_ids) AS n_txns, len(related_account_ids) AS n_related, total_amount_usd,
       last_seen, updated_at
FROM alerts
WHERE ($state IS NULL OR state = $state)
  AND ($typology IS NULL OR typology = $typology)
  AND ($role IS NULL OR role = $role)
  AND list_position($severities, severity) >= list_position($severities, $min_severity)
ORDER BY list_position($severities, severity) DESC, score DESC, alert_id
LIMIT $limit
"""


def _check(value: str | None, allowed: tuple[str, ...], what: str) -> None:
    if value is not None and value not in allowed:
        raise UserError(f"unknown {what} {value!r}; choose one of: {', '.join(allowed)}")


def list_alerts(
    wh: Warehouse,
    *,
    state: str | None = None,
    typology: str | None = None,
    role: str | None = None,
    min_severity: str = "low",
    limit: int = 100,
) -> list[dict[str, Any]]:
    """Alerts matching every given filter, most severe and highest score first."""
    _check(state, STATES, "state")
    _check(role, ROLES, "role")
    _check(min_severity, SEVERITIES, "severity")
    if limit < 1:
        raise UserError(f"limit must be at least 1, got {limit}")
    params = {
        "state": state,
        "typology": typology,
        "role": role,
        "severities": list(SEVERITIES),
        "min_severity": min_severity,
        "limit": limit,
    }
    return wh.records("alerts:list", LIST, params)


def get_alert(wh: Warehouse, alert_id: str) -> dict[str, Any]:
    """One alert's row plus `history` (per run, oldest first) and `audit` (oldest first)."""
    found = wh.records("alerts:get", "SELECT * FROM alerts WHERE alert_id = ?", [alert_id])
    if not found:
        raise UserError(f"no alert {alert_id!r} in the warehouse")
    alert = found[0]
    alert["history"] = wh.records(
        "alerts:get:history",
        "SELECT * FROM alert_history WHERE alert_id = ? ORDER BY recorded_at, run_id",
        [alert_id],
    )
    alert["audit"] = wh.records(
        "alerts:get:audit",
        'SELECT * FROM alert_audit WHERE alert_id = ? ORDER BY "at", rowid',
        [alert_id],
    )
    return alert
