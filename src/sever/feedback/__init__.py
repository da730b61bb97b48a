"""Outcome feedback: tell each signal owner what its signals led to, as ThreatExchange reactions.

Reads alert_audit, alerts, block_appeals, block_audit, block_entries, cases, case_alerts,
case_subjects, signals and signal_tombstones; writes one JSON Lines file per owner and a
summary into an output folder (nothing into the warehouse). A filed SAR is folded into
the generic "actioned" outcome and never named: its existence is confidential. A
restriction an upheld appeal overturned is fed back as NOT_HELPFUL. See README.md.
"""

from __future__ import annotations

from sever.feedback.export import ExportResult, OwnerFile, export
from sever.feedback.outcomes import SignalFeedback, collect
from sever.feedback.reactions import REACTIONS, Outcome, Reaction, SignalOutcomes

__all__ = [
    "REACTIONS",
    "ExportResult",
    "Outcome",
    "OwnerFile",
    "Reaction",
    "SignalFeedback",
    "SignalOutcomes",
    "collect",
    "export",
]
