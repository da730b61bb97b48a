"""Identity ring: new accounts sharing identifiers that drain into the same payees.

Catches: one operator opening account after account on a small pool of emails,
phones or devices, each new account passing its money at once to a common
collecting account (synthetic-identity and mule-herding rings; INDICATORS.md 9).
Members are scored as mules, the common payees they drain into as collectors.

Must not catch: a family or flatmates sharing a phone, a tablet or a home IP.
Their accounts are not new, their money does not converge on one payee, and two
people sharing a device is not a ring: it takes `min_members` accounts, most of
them opened just before they started paying out.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import networkx as nx

from sever.graph.context import Component, Finding, usd, val

ID = "identity_ring"


def detect(comp: Component) -> list[Finding]:
    cfg = comp.config["detectors"][ID]
    max_age = timedelta(days=cfg["max_account_age_days"])
    out = []
    ties = comp.identity_ties()
    for members in nx.connected_components(ties):
        if len(members) < cfg["min_members"]:
            continue
        young = {
            m
            for m in members
            if m in comp.pay
            and (a := comp.node(m)).get("opened_at")
            and a.get("first_out_ts")
            and a["first_out_ts"] - a["opened_at"] <= max_age
        }
        if len(young) < cfg["min_members"]:
            continue
        # Common payees: paid by at least two young members.
        # Money moved to another person's account, not purchases at a shop.
        payees = Counter(
            v for m in young for v in comp.pay.successors(m)
            if v not in members and comp.pay.edges[m, v]["n_card"] < comp.pay.edges[m, v]["n_txn"]
        )  # fmt: skip
        common = {
            v for v, n in payees.items()
            if n >= 2 and not comp.is_external(v) and comp.node(v).get("kind") != "business"
        }  # fmt: skip
        if not common:
            continue
        shared = sorted(
            {t for a, b in ties.subgraph(members).edges for t in ties.edges[a, b]["shared"]}
        )
        drained = {}
        for m in young:
            out_usd = val(comp.node(m), "out_usd")
            to_common = sum(
                comp.pay.edges[m, v]["usd"] or 0 for v in comp.pay.successors(m) if v in common
            )
            if out_usd and to_common / out_usd >= cfg["min_drain_share"]:
                drained[m] = to_common / out_usd
        if len(drained) < 2:
            continue
        size = min(1.0, (len(drained) - 1) / 4)
        for m, share in drained.items():
            score = 0.35 + 0.35 * share + 0.3 * size
            reasons = [
                f"one of {len(members)} accounts sharing {', '.join(shared)}; opened "
                f"{(comp.node(m)['first_out_ts'] - comp.node(m)['opened_at']).days} days before"
                " it started paying out",
                f"sent {share:.0%} of its outflow ({usd(val(comp.node(m), 'out_usd'))}) to the "
                f"ring's common payees ({', '.join(sorted(common)[:3])})",
            ]
            edges = [(m, v) for v in comp.pay.successors(m) if v in common]
            out.append(
                Finding(
                    m,
                    ID,
                    "mule",
                    "mule_network",
                    min(1.0, score),
                    reasons,
                    (set(members) | common) - {m},
                    edges,
                )
            )
        for v in common:
            senders = [m for m in drained if comp.pay.has_edge(m, v)]
            if len(senders) < 2:
                continue
            score = min(1.0, 0.4 + 0.15 * len(senders))
            reasons = [
                f"collects from {len(senders)} new accounts of one identity ring "
                f"(sharing {', '.join(shared)}): {', '.join(sorted(senders)[:5])}"
            ]
            out.append(
                Finding(
                    v,
                    ID,
                    "collector",
                    "mule_network",
                    score,
                    reasons,
                    set(senders),
                    [(m, v) for m in senders],
                )
            )
    return out
