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
import numpy as np

from sever.graph.context import Component, Finding, val

ID = "network_proximity"
DENSE_MAX = 400  # nodes: the matrix is at most 1.3 MB, and a step takes microseconds
TOL, MAX_ITER = 1.0e-6, 100  # nx.pagerank's defaults


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
    rank = pagerank(g, cfg["damping"], seeds)
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


def pagerank(g: nx.Graph, alpha: float, personalization: dict[str, float]) -> dict[str, float]:
    """`nx.pagerank(g, alpha, personalization=...)`, small graphs as a dense matrix.

    NetworkX iterates a scipy sparse matrix and transposes it at every step; over the
    thousands of small ego networks of a nightly scan (15 nodes on average) that
    overhead was most of the graph stage. The steps, tolerance and iteration cap are
    NetworkX's; larger graphs go to NetworkX itself.
    """
    n = len(g)
    if n > DENSE_MAX:
        return nx.pagerank(g, alpha=alpha, personalization=personalization)
    nodes = list(g)
    a = nx.to_numpy_array(g, nodelist=nodes)
    out = a.sum(axis=1)
    linked = out != 0
    a[linked] /= out[linked, None]
    p = np.array([personalization.get(v, 0.0) for v in nodes])
    p /= p.sum()
    dangling = np.flatnonzero(~linked)  # their rank is spread as the personalisation says
    x = np.full(n, 1.0 / n)
    for _ in range(MAX_ITER):
        last = x
        x = alpha * (x @ a + x[dangling].sum() * p) + (1 - alpha) * p
        if np.abs(x - last).sum() < n * TOL:
            return dict(zip(nodes, x.tolist(), strict=True))
    raise nx.PowerIterationFailedConvergence(MAX_ITER)
