"""What a case is: its states and moves, filing deadlines, and the key terms per typology.

Pure definitions, no engine: reads and writes nothing. `sever.cases.store` applies them
to the warehouse.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

STATES = ("draft", "in_review", "approved", "filed", "closed_no_file")
OPEN_STATES = ("draft", "in_review", "approved")
FINAL_STATES = ("filed", "closed_no_file")

# Moves an analyst (or a draft) may make. Re-drafting an approved case sends it back to
# review: what was approved is no longer what would be filed.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "draft": ("in_review", "closed_no_file"),
    "in_review": ("in_review", "approved", "closed_no_file"),
    "approved": ("in_review", "filed", "closed_no_file"),
    "filed": (),
    "closed_no_file": (),
}

# FinCEN: 30 calendar days after initial detection; up to 60 when no suspect is
# identified; continuing activity reviewed every 90 days, filed by day 120.
FILING_DAYS = 30
FILING_DAYS_NO_SUBJECT = 60
REVIEW_DAYS = 90
CONTINUING_FILING_DAYS = 120

# Suspect roles, in the order that names a subject with several (and lists subjects).
SUBJECT_ROLES = ("collector", "consumer", "mule", "other")
BSA_ID_DIGITS = 14


@dataclass(frozen=True)
class Term:
    """How a typology is named in a report: key term, "Other" text, notice, plain words."""

    key_term: str | None
    other_text: str
    notice: str | None
    label: str


TERMS: dict[str, Term] = {
    "financial_sextortion": Term(
        "FIN-2025-SEXTORTION",
        "SEXTORTION",
        "FinCEN Notice FIN-2025-NTC2",
        "financially motivated sextortion",
    ),
    "csam_purchase": Term(
        "OCSE-FIN-2021-NTC3",
        "OCSE",
        "FinCEN Notice FIN-2021-NTC3",
        "online child sexual exploitation (purchase of child sexual abuse material)",
    ),
    "mule_network": Term(None, "MONEY MULE NETWORK", None, "a money mule network"),
}
# A case takes the most specific typology among its alerts.
PRECEDENCE = ("financial_sextortion", "csam_purchase", "mule_network")


def term_for(typology: str) -> Term:
    """The reporting terms for a typology; unknown ones become "Other" with their name."""
    return TERMS.get(typology) or Term(None, typology.upper()[:50], None, typology)


def _rank(typology: str) -> tuple[int, str]:
    known = typology in PRECEDENCE
    return (PRECEDENCE.index(typology) if known else len(PRECEDENCE), typology)


def ordered(typologies: list[str]) -> list[str]:
    """Distinct typologies, most specific first."""
    return sorted(set(typologies), key=_rank)


def main_typology(typologies: list[str]) -> str:
    return ordered(typologies)[0]


def key_terms(typologies: list[str]) -> list[str]:
    """Key terms of every typology present, most specific first, without repeats."""
    return list(dict.fromkeys(k for t in ordered(typologies) if (k := term_for(t).key_term)))


def filing_due(detected_at: datetime, subject_identified: bool) -> datetime:
    days = FILING_DAYS if subject_identified else FILING_DAYS_NO_SUBJECT
    return detected_at + timedelta(days=days)


def continuing_due(prior_filed_at: datetime) -> datetime:
    return prior_filed_at + timedelta(days=CONTINUING_FILING_DAYS)


def review_due(filed_at: datetime) -> datetime:
    return filed_at + timedelta(days=REVIEW_DAYS)


def allowed(from_state: str, to_state: str) -> bool:
    return to_state in TRANSITIONS.get(from_state, ())
