"""Render the impact report as Markdown and HTML, with its charts.

Reads an `ImpactFigures`; writes `impact.md` (charts beside it as PNG files) and
`impact.html` (charts embedded, one self-contained file) into the output folder.
Counts only: no account, alert or case ids, no identifiers. The report is internal: it
counts SARs, whose existence must never reach a customer or another company.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from sever.impact.charts import draw_all
from sever.impact.figures import ALERT_STATES, ImpactFigures, gather
from sever.impact.period import Period
from sever.warehouse import Warehouse

FORMATS = ("md", "html", "both")
CONFIDENTIAL = (
    "INTERNAL AND CONFIDENTIAL: this report counts suspicious activity reports. "
    "Their existence must not be disclosed to any subject, customer or other company "
    "(31 U.S.C. 5318(g)(2)); share it only within the BSA/AML function and with examiners."
)
PERIOD_NOTE = (
    "Events are counted by the wall-clock time the engine recorded them (UTC), from the "
    "first day 00:00 up to, not including, the day after the last. States are as recorded "
    "at the end of the period."
)


@dataclass(frozen=True)
class Section:
    title: str
    intro: str
    columns: list[str]
    rows: list[list[Any]]
    chart: str | None = None


def _money(x: float | None) -> str:
    return "" if x is None else f"${x:,.2f}"


def _rate(x: float | None) -> str:
    return "n/a (nothing filed)" if x is None else f"{x:.0%}"


def _alert_rows(fig: ImpactFigures) -> tuple[list[str], list[list[Any]]]:
    states = list(ALERT_STATES) + sorted(
        {r["state"] for r in fig.alerts_raised} - set(ALERT_STATES)
    )
    table: dict[tuple[str, str], dict[str, int]] = {}
    for r in fig.alerts_raised:
        table.setdefault((r["typology"], r["kind"]), {})[r["state"]] = r["alerts"]
    rows = [
        [typ, kind, *(cells.get(s, 0) for s in states), sum(cells.values())]
        for (typ, kind), cells in sorted(table.items())
    ]
    return ["typology", "alerts on", *states, "total"], rows


def sections(fig: ImpactFigures, charts: dict[str, Path]) -> list[Section]:
    s, a, c = fig.signals, fig.accounts, fig.sars
    alert_cols, alert_rows = _alert_rows(fig)

    def chart(name: str) -> str | None:
        return name if name in charts else None

    return [
        Section(
            "Shared signals",
            "Received: signal records accepted by ingest runs in the period (new, updated or "
            "withdrawn). Matched: distinct signals found on an account by a scan in the period. "
            "Expired: signals whose expiry date fell in the period. Deleted: signals their "
            "owner withdrew in the period (only a tombstone remains).",
            ["figure", "signals"],
            [[k, v] for k, v in s.items()],
            chart("signals.png"),
        ),
        Section(
            "Alerts by typology and outcome",
            "Alerts raised in the period, by the state each was in at the period end.",
            alert_cols,
            alert_rows,
            chart("alerts.png"),
        ),
        Section(
            "Analyst decisions",
            "Alert decisions taken in the period (on alerts raised at any time).",
            ["typology", "decision", "alerts"],
            [[r["typology"], r["decision"], r["n"]] for r in fig.decisions],
        ),
        Section(
            "Accounts actioned",
            "Distinct accounts restricted by a block-list entry approved in the period (block, "
            "review or warn) or named as a subject in a SAR filed in the period.",
            ["through", "accounts"],
            [
                ["block-list entry approved", a["blocked"]],
                ["SAR filed", a["reported"]],
                ["total (distinct)", a["total"]],
            ],
        ),
        Section(
            "Cases and SARs",
            "A SAR is on time when it was filed no later than its due date (30 days after "
            "detection, 60 with no subject identified, 120 for continuing activity).",
            ["figure", "value"],
            [
                ["cases opened", c["opened"]],
                ["SARs filed", c["filed"]],
                ["of which continuing activity", c["continuing"]],
                ["filed on time", c["on_time"]],
                ["on-time rate", _rate(c["on_time_rate"])],
                ["cases closed without filing", c["closed_no_file"]],
                ["cases past due and unfiled at period end", c["overdue_at_end"]],
            ],
        ),
        Section(
            "Block list",
            "Entries proposed in the period by action and by state at the period end; then "
            "every step recorded in the period, appeals, and releases.",
            ["action", "state at period end", "entries"],
            [[r["action"], r["state"], r["proposed"]] for r in fig.entries],
            chart("blocklist.png"),
        ),
        Section(
            "Block-list activity",
            "Overturned: entries whose appeal was upheld in the period.",
            ["figure", "count"],
            [[f"step: {k}", v] for k, v in fig.entry_events.items()]
            + [
                ["appeals filed", fig.appeals["filed"]],
                ["appeals upheld", fig.appeals["upheld"]],
                ["appeals denied", fig.appeals["denied"]],
                ["appeals open at period end", fig.appeals["open_at_end"]],
                ["entries overturned", fig.appeals["overturned_entries"]],
                ["releases published", fig.releases["published"]],
                ["release loads acknowledged", fig.releases["acknowledged"]],
            ],
        ),
        Section(
            "Money stopped by screening",
            f"Real-time screening decisions in the period. Blocked payments (stopped): "
            f"{_money(fig.money_stopped_usd)}. Review holds a payment for an analyst; warn "
            "shows the payer a protection message first.",
            ["decision", "payments", "amount (USD)", "without amount"],
            [
                [r["action"], r["decisions"], _money(r["amount_usd"]), r["without_amount"]]
                for r in fig.screening
            ],
            chart("screening.png"),
        ),
    ]


def _markdown(fig: ImpactFigures, secs: list[Section], generated: str) -> str:
    lines = [
        f"# Impact report: {fig.period.label()}\n",
        f"> **{CONFIDENTIAL}**\n",
        f"Generated {generated}. {PERIOD_NOTE}\n",
    ]
    if fig.empty:
        lines.append("**No activity was recorded in this period.** Every figure below is zero.\n")
    for sec in secs:
        lines.append(f"## {sec.title}\n\n{sec.intro}\n")
        if sec.rows:
            lines.append("| " + " | ".join(sec.columns) + " |")
            lines.append("|" + "---|" * len(sec.columns))
            lines += ["| " + " | ".join(str(v) for v in row) + " |" for row in sec.rows]
            lines.append("")
        else:
            lines.append("None in this period.\n")
        if sec.chart:
            lines.append(f"![{sec.title}]({sec.chart})\n")
    return "\n".join(lines)


def _html(fig: ImpactFigures, secs: list[Section], charts: dict[str, Path], generated: str) -> str:
    env = Environment(
        loader=PackageLoader("sever.impact", "templates"), autoescape=select_autoescape()
    )
    images = {n: base64.b64encode(p.read_bytes()).decode("ascii") for n, p in charts.items()}
    return env.get_template("impact.html.j2").render(
        fig=fig,
        sections=secs,
        images=images,
        confidential=CONFIDENTIAL,
        period_note=PERIOD_NOTE,
        generated=generated,
    )


def write_report(
    wh: Warehouse,
    period: Period,
    out_dir: Path,
    fmt: str = "both",
    *,
    now: datetime | None = None,
) -> dict[str, Path]:
    """Gather the figures and write the report; return the files written by kind."""
    out_dir.mkdir(parents=True, exist_ok=True)
    fig = gather(wh, period)
    charts = draw_all(fig, out_dir)
    secs = sections(fig, charts)
    generated = f"{(now or datetime.now(UTC)):%Y-%m-%d %H:%M} UTC"
    written: dict[str, Path] = {f"chart:{name}": path for name, path in charts.items()}
    if fmt in ("md", "both"):
        written["md"] = out_dir / "impact.md"
        written["md"].write_text(_markdown(fig, secs, generated), encoding="utf-8")
    if fmt in ("html", "both"):
        written["html"] = out_dir / "impact.html"
        written["html"].write_text(_html(fig, secs, charts, generated), encoding="utf-8")
    return written
