"""The evidence a case holds, as plain models: what a SAR draft is built from.

Pure pydantic, no engine: `sever.cases.evidence` fills these from the warehouse, and a
draft stores them as JSON so an approved report can be re-exported exactly as approved.

Victims are people to protect: they appear only as `Payer`s with a pseudonym
(`PAYER-001`), an age band and counts; their account ids are kept for the internal case
report only and never go into a filing.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, Field


class AlertInfo(BaseModel):
    alert_id: str
    subject_account_id: str
    role: str
    typology: str
    score: float
    severity: str
    state: str
    reasons: list[str]
    detector_ids: list[str]
    restricted: bool
    created_at: datetime
    first_seen: datetime | None = None
    last_seen: datetime | None = None


class Identifier(BaseModel):
    id_type: str
    value: str  # as captured
    norm: str
    platform: str = ""


class Subject(BaseModel):
    account_id: str
    role: str
    kind: str | None = None  # individual, business, external; None when not in accounts
    display_name: str | None = None
    birth_date: date | None = None
    country: str | None = None
    kyc_level: str | None = None
    opened_at: datetime | None = None
    closed_at: datetime | None = None
    alert_ids: list[str] = Field(default_factory=list)
    identifiers: list[Identifier] = Field(default_factory=list)

    @property
    def identified(self) -> bool:
        """Known to the institution by name or date of birth (a suspect is identified)."""
        return bool(self.display_name or self.birth_date)


class Payer(BaseModel):
    label: str  # pseudonym used in every filing
    account_id: str  # internal case report only
    age_band: str
    country: str | None = None
    n_payments: int
    usd: Decimal | None = None
    first_ts: datetime
    last_ts: datetime
    n_pleading: int = 0
    n_night: int = 0
    escalating: bool = False


class Counterparty(BaseModel):
    account_id: str
    kind: str | None = None
    country: str | None = None
    n_in: int = 0  # payments from subjects to it
    n_out: int = 0  # payments from it to subjects
    usd_in: Decimal | None = None
    usd_out: Decimal | None = None


class Txn(BaseModel):
    txn_id: str
    ts: datetime
    local_hour: int
    sender_id: str
    receiver_id: str
    sender_label: str  # account id, or the payer's pseudonym
    receiver_label: str
    sender_role: str  # subject role, payer, counterparty
    receiver_role: str
    amount: Decimal
    currency: str
    amount_usd: Decimal | None = None
    channel: str
    status: str
    memo: str | None = None  # a payer's memo only when it pleads (evidence of coercion)
    pleading: bool = False
    sender_country: str | None = None
    receiver_country: str | None = None
    device_id: str | None = None  # only for payments a subject initiated
    ip: str | None = None  # likewise

    @property
    def completed(self) -> bool:
        return self.status == "completed"


class SignalMatch(BaseModel):
    signal_id: str
    account_id: str
    id_type: str
    owner: str
    harm: str | None = None
    status: str | None = None
    confidence: int | None = None
    tags: list[str] = Field(default_factory=list)
    report_ids: list[str] = Field(default_factory=list)
    restricted: bool = False


class SharedIdentifier(BaseModel):
    id_type: str
    value: str  # normalised
    account_ids: list[str]


class Evidence(BaseModel):
    case_id: str
    typology: str
    typologies: list[str]
    key_terms: list[str]
    include_restricted: bool
    continuing: bool = False
    prior_document_number: str | None = None
    activity_after: datetime | None = None  # continuing reports: only activity after this
    alerts: list[AlertInfo]
    subjects: list[Subject]
    payers: list[Payer] = Field(default_factory=list)
    counterparties: list[Counterparty] = Field(default_factory=list)
    txns: list[Txn] = Field(default_factory=list)
    signals: list[SignalMatch] = Field(default_factory=list)
    shared: list[SharedIdentifier] = Field(default_factory=list)
    withheld: dict[str, int] = Field(default_factory=dict)  # restricted items left out
    missing_rates: dict[str, int] = Field(default_factory=dict)  # currency -> txns unpriced
    jurisdictions_of_concern: list[str] = Field(default_factory=list)
    night_hours: tuple[int, int] = (22, 6)  # local hours [start, end) that count as night

    @property
    def completed(self) -> list[Txn]:
        return [t for t in self.txns if t.completed]

    @property
    def from_ts(self) -> datetime | None:
        return min((t.ts for t in self.completed), default=None)

    @property
    def to_ts(self) -> datetime | None:
        return max((t.ts for t in self.completed), default=None)

    @property
    def total_usd(self) -> Decimal:
        """Completed evidence payments in USD (every one priced, see `require_usd`)."""
        return sum((t.amount_usd or Decimal(0) for t in self.completed), Decimal(0))

    def subject(self, account_id: str) -> Subject | None:
        return next((s for s in self.subjects if s.account_id == account_id), None)
