"""The case's network picture: subjects, payers and counterparties with the money between them.

Reads a case's `Evidence` (payments and identifiers shared by subjects); writes one PNG.
A case-specific variant of `sever.scan.report.draw_network` with its colours: payers
are drawn by pseudonym, never by account id. Large cases keep every subject and the
counterparties and payers that moved the most money.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from sever.cases.evidence_model import Evidence
from sever.scan.report import ROLE_COLOURS

MAX_NODES = 60


def draw(ev: Evidence, path: Path, max_nodes: int = MAX_NODES) -> bool:
    """Draw the case's payment graph to `path`; False when there is nothing to draw."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import networkx as nx

    weights: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    volume: dict[str, Decimal] = defaultdict(Decimal)
    role: dict[str, str] = {}
    for t in ev.completed:
        usd = t.amount_usd or Decimal(0)
        weights[(t.sender_label, t.receiver_label)] += usd
        for label, r in ((t.sender_label, t.sender_role), (t.receiver_label, t.receiver_role)):
            volume[label] += usd
            role[label] = r
    if not weights:
        return False
    subjects = [s.account_id for s in ev.subjects]
    others = sorted((n for n in volume if n not in subjects), key=lambda n: -volume[n])
    keep = set(subjects) | set(others[: max(0, max_nodes - len(subjects))])
    g = nx.DiGraph()
    g.add_nodes_from(n for n in [*subjects, *others] if n in keep)
    for (a, b), usd in weights.items():
        if a in keep and b in keep:
            g.add_edge(a, b, weight=float(usd))
    ties = [
        (a, b)
        for x in ev.shared
        for i, a in enumerate(x.account_ids)
        for b in x.account_ids[i + 1 :]
    ]
    layout = nx.Graph(g.to_undirected(as_view=True))
    layout.add_edges_from(ties)
    pos = nx.spring_layout(
        layout, seed=7, k=2.0 / max(len(layout), 1) ** 0.5, iterations=200, weight=None
    )
    colour = {"payer": ROLE_COLOURS["victim"], "counterparty": ROLE_COLOURS[None]}
    fig, ax = plt.subplots(figsize=(10, 7))
    top = max((d["weight"] for *_, d in g.edges(data=True)), default=1.0) or 1.0
    nx.draw_networkx(
        g,
        pos,
        ax=ax,
        node_color=[colour.get(role.get(n, ""), ROLE_COLOURS.get(role.get(n))) for n in g.nodes],
        node_size=[700 if n in subjects else 300 for n in g.nodes],
        font_size=6,
        arrowsize=10,
        edge_color="#999999",
        width=[0.5 + 3 * d["weight"] / top for *_, d in g.edges(data=True)],
    )
    nx.draw_networkx_edges(nx.Graph(ties), pos, ax=ax, style="dashed", edge_color="#d62728")
    for name in ("collector", "mule", "consumer", "other"):
        ax.scatter([], [], c=ROLE_COLOURS[name], label=f"subject: {name}")
    ax.scatter([], [], c=colour["payer"], label="payer (pseudonym)")
    ax.scatter([], [], c=colour["counterparty"], label="counterparty")
    ax.legend(loc="lower left", fontsize=8)
    hidden = len(volume) - len(g)
    ax.set_title(
        f"Case {ev.case_id}" + (f" ({hidden} smaller parties not drawn)" if hidden else "")
    )
    ax.axis("off")
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)
    return True
