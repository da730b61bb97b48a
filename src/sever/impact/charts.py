"""Charts for the impact report: one PNG per section that has something to show.

Reads an `ImpactFigures`; writes PNG files. Nothing is drawn for an empty section,
so an empty period gets no charts rather than blank axes.
"""

from __future__ import annotations

from pathlib import Path

from sever.impact.figures import ALERT_STATES, ENTRY_STATES, ImpactFigures

STATE_COLOURS = {
    "new": "#9ecae1",
    "in_review": "#fdd0a2",
    "escalated": "#d62728",
    "dismissed": "#7f7f7f",
    "closed": "#2ca02c",
    "candidate": "#9ecae1",
    "approved": "#d62728",
    "rejected": "#7f7f7f",
    "appealed": "#ff7f0e",
    "removed": "#bcbd22",
    "expired": "#c7c7c7",
}
ACTION_COLOURS = {"block": "#d62728", "review": "#ff7f0e", "warn": "#ffbb78", "allow": "#2ca02c"}


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _stacked(
    path: Path, title: str, groups: list[str], parts: dict[str, list[int]], ylabel: str
) -> None:
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8, 4))
    bottom = [0] * len(groups)
    for part, values in parts.items():
        if any(values):
            ax.bar(groups, values, bottom=bottom, label=part, color=STATE_COLOURS.get(part))
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=8)
    ax.tick_params(axis="x", labelsize=8)
    fig.savefig(path, dpi=100, bbox_inches="tight")
    plt.close(fig)


def signals_chart(fig: ImpactFigures, path: Path) -> bool:
    if not any(fig.signals.values()):
        return False
    plt = _pyplot()
    chart, ax = plt.subplots(figsize=(6, 3.5))
    names = list(fig.signals)
    bars = ax.bar(names, [fig.signals[n] for n in names], color="#1f77b4")
    ax.bar_label(bars)
    ax.set_title("Shared signals")
    ax.set_ylabel("signals")
    chart.savefig(path, dpi=100, bbox_inches="tight")
    plt.close(chart)
    return True


def alerts_chart(fig: ImpactFigures, path: Path) -> bool:
    if not fig.alerts_raised:
        return False
    groups = sorted({f"{r['typology']}\n({r['kind']})" for r in fig.alerts_raised})
    parts = {s: [0] * len(groups) for s in ALERT_STATES}
    for r in fig.alerts_raised:
        parts.setdefault(r["state"], [0] * len(groups))
        parts[r["state"]][groups.index(f"{r['typology']}\n({r['kind']})")] += r["alerts"]
    _stacked(path, "Alerts raised, by state at period end", groups, parts, "alerts")
    return True


def entries_chart(fig: ImpactFigures, path: Path) -> bool:
    if not fig.entries:
        return False
    groups = sorted({r["action"] for r in fig.entries})
    parts = {s: [0] * len(groups) for s in ENTRY_STATES}
    for r in fig.entries:
        parts.setdefault(r["state"], [0] * len(groups))
        parts[r["state"]][groups.index(r["action"])] += r["proposed"]
    _stacked(path, "Block-list entries proposed, by state at period end", groups, parts, "entries")
    return True


def screening_chart(fig: ImpactFigures, path: Path) -> bool:
    rows = [r for r in fig.screening if r["action"] in ACTION_COLOURS and r["amount_usd"]]
    if not rows:
        return False
    plt = _pyplot()
    chart, ax = plt.subplots(figsize=(6, 3.5))
    bars = ax.bar(
        [r["action"] for r in rows],
        [r["amount_usd"] for r in rows],
        color=[ACTION_COLOURS[r["action"]] for r in rows],
    )
    ax.bar_label(bars, labels=[f"${r['amount_usd']:,.0f}" for r in rows])
    ax.set_title("Payments screened, by decision (USD)")
    ax.set_ylabel("USD")
    chart.savefig(path, dpi=100, bbox_inches="tight")
    plt.close(chart)
    return True


CHARTS = {
    "signals.png": signals_chart,
    "alerts.png": alerts_chart,
    "blocklist.png": entries_chart,
    "screening.png": screening_chart,
}


def draw_all(fig: ImpactFigures, out_dir: Path) -> dict[str, Path]:
    """Draw every chart that has data; return them by file name."""
    drawn = {}
    for name, draw in CHARTS.items():
        path = out_dir / name
        path.unlink(missing_ok=True)
        if draw(fig, path):
            drawn[name] = path
    return drawn
