"""Score candidate subgraphs: split into components, run every detector on each.

Reads `Candidates` (from candidates.extract); returns findings per account and
the time spent in NetworkX, for the run record.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import networkx as nx

from sever.graph.candidates import Candidates
from sever.graph.context import Component, Finding
from sever.graph.detectors import registry


def components(c: Candidates, config: dict[str, Any]) -> Iterator[Component]:
    """The candidate components (ego networks within a giant one), one at a time."""
    # Plain adjacency dicts, not NetworkX graphs of the whole candidate set: building those
    # (500k payment edges with their attributes) cost more than every detector together,
    # and each component's graphs are made from these when it is scored.
    paid: dict[str, dict[str, dict[str, Any]]] = {n: {} for n in c.nodes}
    for e in c.edges:
        paid[e["sender_id"]][e["receiver_id"]] = e
    tied: dict[str, dict[str, list[str]]] = {n: {} for n in c.nodes}
    for a, b, shared in c.shared:
        tied[a][b] = tied[b][a] = list(shared)
    near = {n: paid[n].keys() | tied[n].keys() for n in c.nodes}  # who is tied to whom, either way
    for e in c.edges:
        near[e["receiver_id"]].add(e["sender_id"])
    limit = config["candidates"]["max_component_nodes"]
    parts = (c.nodes, paid, tied, config)
    for members in _connected(near):
        if len(members) > limit:  # a giant component: score each seed's ego network instead
            for seed in sorted(m for m in members if m in c.seeds):
                yield _component(*parts, {seed, *near[seed]})  # radius-1 ego network
            continue
        yield _component(*parts, members)


def _connected(near: dict[str, set[str]]) -> Iterator[set[str]]:
    seen: set[str] = set()
    for start in near:
        if start in seen:
            continue
        members, frontier = {start}, [start]
        while frontier:
            for n in near[frontier.pop()]:
                if n not in members:
                    members.add(n)
                    frontier.append(n)
        seen |= members
        yield members


def _component(
    nodes: dict[str, dict[str, Any]],
    paid: dict[str, dict[str, dict[str, Any]]],
    tied: dict[str, dict[str, list[str]]],
    config: dict[str, Any],
    members: set[str],
) -> Component:
    # A graph of its own, made when it is scored and dropped after: detectors walk a filtered
    # view of the whole candidate graph about twice as slowly, and ego networks overlap.
    # In sorted order, not a set's: detectors list evidence in graph order, and an alert
    # must read the same on every run.
    order = sorted(members)
    pay = nx.DiGraph()
    pay.add_nodes_from((n, nodes[n]) for n in order)
    pay.add_edges_from((u, v, e) for u in order for v, e in paid[u].items() if v in members)
    ties = nx.Graph()
    ties.add_nodes_from(order)
    ties.add_edges_from(
        (a, b, {"shared": s}) for a in order for b, s in tied[a].items() if b in members
    )
    return Component(pay, ties, config)


@contextmanager
def cycles_uncollected() -> Iterator[None]:
    """Pause Python's cycle collector while candidate graphs are built and scored.

    Millions of small dicts (edge attributes, adjacency) set it off again and again,
    each time walking every object alive; none of them is garbage yet. The caller
    collects once when it drops the graphs.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def score_all(c: Candidates, config: dict[str, Any]) -> tuple[dict[str, list[Finding]], float]:
    started = time.perf_counter()
    detectors = registry()
    findings: dict[str, list[Finding]] = {}
    for comp in components(c, config):
        for detect in detectors.values():
            for f in detect(comp):
                comp.findings.setdefault(f.account_id, []).append(f)
        for acct, fs in comp.findings.items():
            findings.setdefault(acct, []).extend(fs)
    return _strongest(findings), time.perf_counter() - started


def _strongest(findings: dict[str, list[Finding]]) -> dict[str, list[Finding]]:
    """One finding per account, detector and typology: overlapping ego networks see a node twice.

    Equal scores are settled by the evidence (the fuller, then by its sorted content),
    never by which ego network came first: the output does not depend on set order.
    """
    out: dict[str, list[Finding]] = {}
    for acct, fs in findings.items():
        best: dict[tuple[str, str], Finding] = {}
        for f in fs:
            key = (f.detector_id, f.typology)
            if key not in best or _rank(f) > _rank(best[key]):
                best[key] = f
        out[acct] = list(best.values())
    return out


def _rank(f: Finding) -> tuple:
    # Scores summed in another order differ in the last bits: those count as equal.
    score = round(f.score, 9)
    return (score, len(f.evidence), len(f.related), sorted(f.evidence), sorted(f.related))
