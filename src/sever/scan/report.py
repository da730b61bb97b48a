"""The human-readable run report: Markdown with the top network drawn as a picture.

Reads account_scores, alerts, g_edge and signal_hits for a run; writes
report.md and top_network.png into the output directory. Account ids only:
no raw identifiers, no signal content, nothing about SARs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sever.warehouse import Warehouse

ROLE_COLOURS = {
    "collector": "#d62728",
    "mule": "#ff7f0e",
    "victim": "#1f77b4",
    "consumer": "#9467bd",
    "other": "#7f7f7f",
    None: "#d9d9d9",
}


def _table(rows: list[dict[str, Any]], cols: list[str]) -> str:
    head = "| " + " | ".join(cols) + " |\n|" + "---|" * len(cols) + "\n"
    return head + "".join("| " + " | ".join(str(r.get(c, "")) for c in cols) + " |\n" for r in rows)


def draw_network(wh: Warehouse, run_id: str, path: Path, max_nodes: int = 40) -> bool:
    """Draw the highest-scoring alert's scheme: subject, related accounts and their payments."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import networkx as nx

    top = wh.records(
        "report:top",
        "SELECT account_id, related_account_ids FROM account_scores WHERE run_id = ?"
        " AND role IN ('collector', 'mule', 'consumer') ORDER BY score DESC LIMIT 1",
        [run_id],
    )
    if not top:
        return False
    # The subject, its related accounts, and theirs when they are suspects too (the ring).
    members = [top[0]["account_id"], *top[0]["related_account_ids"]]
    marks = ", ".join("?" for _ in members)
    more = wh.rows(
        "report:ring",
        f"SELECT DISTINCT unnest(related_account_ids) FROM account_scores WHERE run_id = ?"
        f" AND account_id IN ({marks}) AND role IN ('collector', 'mule') AND score >= 0.5",
        [run_id, *members],
    )
    members = list(dict.fromkeys([*members, *(m for (m,) in more)]))[:max_nodes]
    marks = ", ".join("?" for _ in members)
    roles = dict(
        wh.rows(
            "report:roles",
            f"SELECT account_id, arg_max(role, score) FROM account_scores WHERE run_id = ?"
            f" AND account_id IN ({marks}) GROUP BY account_id",
            [run_id, *members],
        )
    )
    edges = wh.rows(
        "report:edges",
        f"SELECT sender_id, receiver_id, usd FROM g_edge WHERE sender_id IN ({marks})"
        f" AND receiver_id IN ({marks})",
        [*members, *members],
    )
    ties = wh.rows(
        "report:ties",
        f"SELECT a, b FROM f_shared WHERE a IN ({marks}) AND b IN ({marks})",
        [*members, *members],
    )
    g = nx.DiGraph()
    g.add_nodes_from(members)
    g.add_weighted_edges_from((a, b, u or 0) for a, b, u in edges)
    layout = nx.Graph(g.to_undirected(as_view=True))
    layout.add_edges_from(ties)
    pos = nx.spring_layout(layout, seed=7, k=1.5 / max(len(layout), 1) ** 0.5, iterations=200)
    fig, ax = plt.subplots(figsize=(10, 7))
    colours = [ROLE_COLOURS.get(roles.get(n)) for n in g.nodes]
    nx.draw_networkx(
        g,
        pos,
        ax=ax,
        node_color=colours,
        node_size=420,
        font_size=6,
        arrowsize=10,
        edge_color="#999999",
    )
    # Shared devices, IPs, phones or emails: dashed and undirected.
    nx.draw_networkx_edges(nx.Graph(ties), pos, ax=ax, style="dashed", edge_color="#d62728")
    for role, colour in ROLE_COLOURS.items():
        ax.scatter([], [], c=colour, label=role or "unscored")
    ax.legend(loc="lower left", fontsize=8)
    ax.set_title(f"Top network: {members[0]} and {len(members) - 1} related accounts")
    ax.axis("off")
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)
    return True


def write_report(wh: Warehouse, run_id: str, record: dict[str, Any], out_dir: Path) -> Path:
    by_typ = wh.records(
        "report:by_typology",
        "SELECT typology, role, count(*) AS accounts, count_if(score >= 0.5) AS alerting,"
        " round(max(score), 2) AS max_score FROM account_scores WHERE run_id = ?"
        " GROUP BY ALL ORDER BY typology, role",
        [run_id],
    )
    top = wh.records(
        "report:top_alerts",
        "SELECT alert_id, subject_account_id AS subject, role, typology, round(score, 2) AS score,"
        " severity, len(txn_ids) AS txns, round(total_amount_usd, 2) AS usd, state"
        " FROM alerts WHERE updated_run_id = ? OR created_run_id = ?"
        " ORDER BY score DESC, alert_id LIMIT 15",
        [run_id, run_id],
    )
    leads = wh.scalar(
        "report:leads",
        "SELECT count(*) FROM account_scores WHERE run_id = ? AND detector_ids = ['signal_match']",
        [run_id],
    )
    picture = out_dir / "top_network.png"
    drew = draw_network(wh, run_id, picture)
    timings = record["timings_s"]
    dq = record.get("data_quality", {})
    lines = [
        f"# Scan {run_id}\n",
        f"As of {record['as_of']} (window from {record['window_from']}).\n",
        "## Counts per stage\n",
        _table(
            [{"table": t, **c} for t, c in record["counts"].get("ingest", {}).items()],
            ["table", "read", "loaded", "quarantined", "duplicates"],
        ),
        "\n```\n"
        + "\n".join(f"{k}: {v}" for k, v in record["counts"].items() if k != "ingest")
        + "\n```\n",
        "## Timings (seconds)\n",
        _table([{"stage": k, "seconds": v} for k, v in timings.items()], ["stage", "seconds"]),
        "\n## Data quality\n",
    ]
    if not record.get("fx_rates_present"):
        lines.append("No fx_rates: only same-currency amounts are compared (non-USD → null).\n")
    failed = dq.get("failed_expectations", [])
    lines.append(
        _table(failed, ["file", "expectation", "column", "unexpected", "handling"])
        if failed
        else "All expectations met.\n"
    )
    if record.get("unusable_files"):
        lines.append(f"\n**Unusable files:** {', '.join(record['unusable_files'])}\n")
    lines += [
        "\n## Scores by typology and role\n",
        _table(by_typ, ["typology", "role", "accounts", "alerting", "max_score"]),
        f"\nSignal leads without transaction evidence (kept, not alerted): {leads}\n",
        "\n## Top alerts\n",
        _table(
            top,
            [
                "alert_id",
                "subject",
                "role",
                "typology",
                "score",
                "severity",
                "txns",
                "usd",
                "state",
            ],
        ),
    ]
    if drew:
        lines.append(
            "\n## Top network\n\nRed collector, orange mule, blue victim, purple "
            "consumer, grey other; arrows are payments, dashed red lines shared identifiers."
            "\n\n![top network](top_network.png)\n"
        )
    path = out_dir / "report.md"
    path.write_text("\n".join(lines))
    return path
