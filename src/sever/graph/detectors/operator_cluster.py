"""Operator cluster: accounts tied by shared devices, IPs, phones or emails to a scored collector.

Catches: one operator behind several collector accounts — connected components
of the shared-identifier graph that contain a scored collector; members that
also collect payments inherit part of its score, and payee rotation (the same
payers paying several members) is reported (INDICATORS.md 9).

Must not catch: a family sharing a tablet, or flatmates on one home IP. Ties
alone never score: a member must itself be collecting from several payers, and
the component must contain a collector scored by its own transactions.
"""

from __future__ import annotations

from itertools import pairwise

import networkx as nx

from sever.graph.context import Component, Finding, val

ID = "operator_cluster"


def detect(comp: Component) -> list[Finding]:
    cfg = comp.config["detectors"][ID]
    out = []
    ties = comp.identity_ties()
    for members in nx.connected_components(ties):
        if len(members) < 2:
            continue
        scored = {
            m: f
            for m in members
            if (f := comp.best(m, "sextortion_collector")) and f.score >= cfg["min_member_score"]
        }
        if not scored:
            continue
        anchor, finding = max(scored.items(), key=lambda kv: kv[1].score)
        anchor_payers = set(comp.pay.predecessors(anchor)) if anchor in comp.pay else set()
        for m in members:
            if m in scored or m not in comp.pay or comp.is_external(m):
                continue
            # Its own payers may lie outside the candidate graph: count them from its features.
            n_payers = int(val(comp.node(m), "payers"))
            payers = set(comp.pay.predecessors(m))
            if n_payers < cfg["min_inbound_payers"] and not payers & anchor_payers:
                continue
            path = nx.shortest_path(ties, m, anchor)
            shared = sorted({t for a, b in pairwise(path) for t in ties.edges[a, b]["shared"]})
            rotated = payers & anchor_payers
            reasons = [
                f"shares {', '.join(shared)} with {anchor}, a collector scored "
                f"{finding.score:.2f} (cluster of {len(members)} accounts)",
                f"collects from {n_payers} payers ({int(val(comp.node(m), 'in_n'))} payments)",
            ]
            if rotated:
                reasons.append(f"{len(rotated)} payers paid both accounts (payee rotation)")
            txns = list(comp.pay.in_edges(m))
            out.append(
                Finding(
                    m,
                    ID,
                    "collector",
                    finding.typology,
                    cfg["inherit"] * finding.score,
                    reasons,
                    set(members) - {m},
                    txns,
                )
            )
    return out
