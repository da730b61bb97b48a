"""What is screened and what comes back: a payment, its two parties, the decision.

Reads and writes nothing. Plain slotted dataclasses (no validation) so the in-process
screener stays fast; the HTTP service validates requests (`realtime.schema`) before
building these.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Party:
    """One side of a payment as the payment system knows it."""

    account_id: str
    # identifier type (email, phone, ...) -> raw values as captured; the screener normalises
    identifiers: Mapping[str, Sequence[str]] = field(default_factory=dict)
    country: str | None = None  # KYC country: the phone region and the rule attribute
    # other rule-vocabulary account attributes: kind, kyc_level, age, is_minor, account_age_days
    attributes: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Payment:
    sender: Party  # the payer
    receiver: Party  # the payee
    amount: float
    currency: str
    channel: str
    amount_usd: float | None = None
    country: str | None = None  # where the sender was (IP or KYC), as in the data contract


@dataclass(frozen=True, slots=True)
class Decision:
    action: str  # allow, block, review, warn, or pass (nothing matched)
    entry_ids: tuple[str, ...]  # every unexpired entry that matched, best first
    reason_codes: tuple[str, ...]  # their reason codes and `rule:id@version` of live hits
    release_no: int
    rule_hits: tuple[str, ...] = ()  # live rules that hit (id@version)
    shadow_hits: tuple[str, ...] = ()  # shadow rules that would have hit: never change action
