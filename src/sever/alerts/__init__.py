"""Alerts stage: deduplicated alerts with evidence, their lifecycle, and the export.

Reads `account_scores` (written by detection); writes `alerts`, `alert_history`,
`alert_audit` and `<out>/alerts.jsonl`.
"""

from __future__ import annotations

from sever.alerts.build import upsert_alerts
from sever.alerts.export import EXPORT_FIELDS, export_jsonl
from sever.alerts.lifecycle import OPEN_STATES, STATES, TRANSITIONS, Transition, set_state
from sever.alerts.query import get_alert, list_alerts

__all__ = [
    "EXPORT_FIELDS",
    "OPEN_STATES",
    "STATES",
    "TRANSITIONS",
    "Transition",
    "export_jsonl",
    "get_alert",
    "list_alerts",
    "set_state",
    "upsert_alerts",
]
