"""Network proximity: personalised PageRank from accounts carrying shared signals.

Catches: accounts close in the payment and shared-identifier graph to accounts
that shared signals name — the collector no signal names yet, paid by the same
victims or tied to the same device. Propagation strength is the personalised
PageRank mass relative to the strongest non-seed node.

Must not catch: merchants and payroll hubs near a flagged account. Hubs are
never expanded when candidates are extracted, the graph is undirected and
unweighted by amount, and proximity alone is weighted low by the combiner, so it
raises priority but never opens an alert on its own.
"""

from __future__ import annotations

import networkx as nx

from sever.graph.context import Component, Finding, val

ID = "network_proximity"


def detect(comp: Component) -> list[Finding]:
    cfg = comp.config["detectors"][ID]
    seeds = {
        n: val(a, "signal_score")
        for n, a in comp.pay.nodes(data=True)
        if val(a, "signal_score") > 0
    }
    if not seeds or comp.pay.number_of_nodes() < 3:
        return []
    # Bare node pairs: PageRank here is unweighted, so the payment attributes need no copy.
    g = nx.Graph()
    g.add_nodes_from(comp.pay)
    g.add_edges_from(comp.pay.edges())
    g.add_edges_from(comp.ties.edges())
    rank = nx.pagerank(g, alpha=cfg["damping"], personalization=seeds)
    others = {n: r for n, r in rank.items() if n not in seeds and not comp.is_external(n)}
    if not others:
        return []
    top = max(others.values())
    out = []
    for n, r in others.items():
        score = r / top if top else 0.0
        if score < cfg["min_score"]:
            continue
        near = sorted(seeds, key=lambda s: (-seeds[s], s))[:3]  # ties by id: same every run
        reasons = [
            f"close in the payment/identifier graph to accounts with shared signals "
            f"({', '.join(near)}); proximity {score:.2f}"
        ]
        out.append(Finding(n, ID, "other", "financial_sextortion", score, reasons, set(near)))
    return out
