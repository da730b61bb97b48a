"""Cases: alerts escalated into an investigation that ends in a filed SAR or a closure.

Reads alerts, accounts, account_identifiers, transactions, fx_rates and the signal
tables; writes cases, case_alerts, case_subjects, case_audit (and, through the alerts
lifecycle, the escalation of the case's alerts). Nothing here is customer-facing: no
alert table or export refers to a case.
"""

from __future__ import annotations

from sever.cases.evidence import gather, require_usd
from sever.cases.evidence_model import Evidence
from sever.cases.model import OPEN_STATES, STATES, TRANSITIONS
from sever.cases.query import due, get_case, list_cases
from sever.cases.store import open_case
from sever.cases.workflow import approve, close_no_file, file_case

__all__ = [
    "OPEN_STATES",
    "STATES",
    "TRANSITIONS",
    "Evidence",
    "approve",
    "close_no_file",
    "due",
    "file_case",
    "gather",
    "get_case",
    "list_cases",
    "open_case",
    "require_usd",
]
