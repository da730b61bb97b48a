"""Which entry decides when several match: `spec.PRECEDENCE`, first match wins.

Reads nothing. The order is allow > block > review > warn:

- `allow` first: it is only ever written by an upheld appeal, for exactly the
  identifiers that appeal cleared, so the redress an analyst granted is never undone
  by the evidence it overturned (Stripe Radar evaluates allow before block as well).
- `block` before `review`: a payment an analyst approved refusing is not merely held.
- `review` before `warn`: a held payment is seen by an analyst, who can still let it
  through; the warning is the mildest step.
- `warn` last: the victim-protection message a payer sees before paying. Warn entries
  still come back among the matched entries when a stronger action wins, so a payer
  whose payment is refused can be shown the same safety message.

An entry applies to one side of a payment (payee, payer) or to either; precedence is
resolved per side, over every entry that applies to that side.
"""

from __future__ import annotations

from collections.abc import Iterable

from sever.blocklist.spec import PRECEDENCE, RANK, Action, ReleaseEntry

SIDES = ("payer", "payee")


def resolve(actions: Iterable[str]) -> Action | None:
    """The winning action among `actions` (None when there are none)."""
    ranked = sorted(RANK[a] for a in actions)
    return PRECEDENCE[ranked[0]] if ranked else None


def applies(entry: ReleaseEntry, side: str) -> bool:
    return entry.applies_to in (side, "either")


def effective(entries: Iterable[ReleaseEntry]) -> dict[tuple[str, str, str], ReleaseEntry]:
    """Per (side, id_type, key) the entry that wins; ties on action go to the lower entry id.

    What an export that holds one action per value (a Stripe or Adyen list) carries.
    """
    out: dict[tuple[str, str, str], ReleaseEntry] = {}
    for e in entries:
        for side in SIDES:
            if not applies(e, side):
                continue
            slot = (side, e.id_type, e.key)
            best = out.get(slot)
            if best is None or (RANK[e.action], e.entry_id) < (RANK[best.action], best.entry_id):
                out[slot] = e
    return out
