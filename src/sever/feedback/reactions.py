"""ThreatExchange reactions, and how an analyst outcome on a signal becomes one.

Pure definitions: reads and writes nothing, imports no engine.

The vocabulary is the Graph API's `ReactionType` (developers.facebook.com/docs/
threat-exchange/reference/apis/reaction-type): HELPFUL, NOT_HELPFUL, OUTDATED,
SAW_THIS_TOO, WANT_MORE_INFO, DISAGREE_WITH_TAGS, INGESTED, IN_REVIEW, ALREADY_KNOWN,
REVIEWED. A recipient posts them on a descriptor as a comma-separated list
(`POST /{descriptor_id}?reactions=HELPFUL,SAW_THIS_TOO`, "React to Existing Data",
developers.facebook.com/docs/threat-exchange/reference/reacting; python-threatexchange's
`ThreatExchangeAPI.react_to_threat_descriptor` sends the same `reactions` field).

How outcomes map, per descriptor and period (the strongest outcome wins, in this order):

- overturned (a restriction resting on the signal, an approved block-list entry, was
  removed by an upheld appeal) -> NOT_HELPFUL, REVIEWED: the signal led to a wrong
  action against an account holder.
- confirmed (an alert citing the signal was escalated) or actioned (an account it
  pointed to was restricted by an approved block-list entry, or reported to the
  authorities) -> HELPFUL ("helped lead to the discovery of harmful content"),
  SAW_THIS_TOO ("observed on-platform by the reactor"), REVIEWED.
- dismissed (an alert citing it was dismissed) -> NOT_HELPFUL ("seems to lead to
  non-malicious content"), REVIEWED.
- dismissed while the signal was stale (expired, or last active longer ago than the
  staleness limit, when the analyst decided) -> OUTDATED ("outdated or can no longer
  be evaluated"), REVIEWED: an old indicator that now points at someone else says
  nothing against the owner's judgment when it was shared.

DISAGREE_WITH_TAGS is never derived: the warehouse records no analyst judgment about
tags, and ThreatExchange reads that reaction without a re-upload as a NON_MALICIOUS
report, which would overstate a dismissal.

Overturned comes first, even before actioned: an upheld appeal is the most reviewed
decision about a signal (an analyst approved the restriction, then a second one, who
neither approved it nor filed the appeal, found it wrong), and a signal that harmed an
account holder is what its owner most needs to hear about, even if it also helped
elsewhere; the counts still carry both. Per account too, overturned beats actioned: an
account whose restriction on the signal was overturned in the period counts only in
`overturned`, never in `accounts_actioned`, whatever else the period did about it, so
the same entry's approval in the same period is withdrawn (as a reopen withdraws an
alert decision) and an overturn never shows what else was done about that account.

A filed SAR is never named. Its existence is confidential (31 U.S.C. 5318(g)(2);
31 CFR 1020.320(e)), so a filing counts only towards the generic "actioned" outcome
and its accounts towards `accounts_actioned`, exactly like a block-list entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Reaction(StrEnum):
    HELPFUL = "HELPFUL"
    NOT_HELPFUL = "NOT_HELPFUL"
    OUTDATED = "OUTDATED"
    SAW_THIS_TOO = "SAW_THIS_TOO"
    WANT_MORE_INFO = "WANT_MORE_INFO"
    DISAGREE_WITH_TAGS = "DISAGREE_WITH_TAGS"
    INGESTED = "INGESTED"
    IN_REVIEW = "IN_REVIEW"
    ALREADY_KNOWN = "ALREADY_KNOWN"
    REVIEWED = "REVIEWED"


class Outcome(StrEnum):
    """The one outcome a descriptor gets for a period, strongest first."""

    OVERTURNED = "overturned"
    ACTIONED = "actioned"
    CONFIRMED = "confirmed"
    DISMISSED = "dismissed"
    OUTDATED = "outdated"


REACTIONS: dict[Outcome, tuple[Reaction, ...]] = {
    Outcome.OVERTURNED: (Reaction.NOT_HELPFUL, Reaction.REVIEWED),
    Outcome.ACTIONED: (Reaction.HELPFUL, Reaction.SAW_THIS_TOO, Reaction.REVIEWED),
    Outcome.CONFIRMED: (Reaction.HELPFUL, Reaction.SAW_THIS_TOO, Reaction.REVIEWED),
    Outcome.DISMISSED: (Reaction.NOT_HELPFUL, Reaction.REVIEWED),
    Outcome.OUTDATED: (Reaction.OUTDATED, Reaction.REVIEWED),
}


@dataclass(frozen=True)
class SignalOutcomes:
    """What analysts decided in a period about one signal's matches (counts only)."""

    accounts_actioned: int  # accounts restricted or reported, none of them overturned
    actions: int  # approved block-list entries and reports behind those accounts
    overturned: int  # once-approved entries an upheld appeal removed
    confirmed: int  # alerts escalated
    dismissed: int  # alerts dismissed while the signal was current
    outdated: int  # alerts dismissed while the signal was stale

    def outcome(self) -> Outcome | None:
        if self.overturned:
            return Outcome.OVERTURNED
        if self.actions:
            return Outcome.ACTIONED
        if self.confirmed:
            return Outcome.CONFIRMED
        if self.dismissed:
            return Outcome.DISMISSED
        if self.outdated:
            return Outcome.OUTDATED
        return None

    def reactions(self) -> list[str]:
        found = self.outcome()
        return [] if found is None else [r.value for r in REACTIONS[found]]
