"""What a detector sees: one candidate component as NetworkX graphs, plus earlier findings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import networkx as nx


@dataclass
class Finding:
    """One detector's verdict on one account, with reasons that cite the data."""

    account_id: str
    detector_id: str
    role: str  # collector, mule, victim, consumer, other
    typology: str
    score: float
    reasons: list[str]
    related: set[str] = field(default_factory=set)
    evidence: list[tuple[str, str]] = field(default_factory=list)  # payment edges (from, to)


@dataclass
class Component:
    """A weakly connected candidate subgraph.

    `pay` is a DiGraph of payments (edge attributes are the f_edge columns);
    `ties` an undirected Graph of shared identifiers (`shared` lists the
    identifier types); node attributes are the account's features.
    """

    pay: nx.DiGraph
    ties: nx.Graph
    config: dict[str, Any]
    findings: dict[str, list[Finding]] = field(default_factory=dict)

    def identity_ties(self) -> nx.Graph:
        """Ties through identity attributes (phone, email, device) — not a shared location (IP),
        which flatmates, families and offices have."""
        kinds = set(self.config["operator_identifier_types"])
        keep = [(a, b) for a, b, d in self.ties.edges(data=True) if kinds & set(d["shared"])]
        return self.ties.edge_subgraph(keep)

    def node(self, account_id: str) -> dict[str, Any]:
        return self.pay.nodes[account_id]

    def best(self, account_id: str, detector_id: str) -> Finding | None:
        found = [f for f in self.findings.get(account_id, []) if f.detector_id == detector_id]
        return max(found, key=lambda f: f.score, default=None)

    def is_external(self, account_id: str) -> bool:
        return self.node(account_id).get("kind") in ("external", None)


def val(attrs: dict[str, Any], key: str, default: float = 0.0) -> float:
    """A numeric feature, with NULL (no activity) read as `default`."""
    v = attrs.get(key)
    return default if v is None else float(v)


def usd(x: float | None) -> str:
    return "USD ?" if x is None else f"USD {x:,.2f}"


def day(ts) -> str:
    return "?" if ts is None else f"{ts:%Y-%m-%d}"
