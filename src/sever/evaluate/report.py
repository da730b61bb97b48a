"""Render an evaluation result (the dict from `sever.evaluate.metrics.evaluate`).

Reads only the result dict; writes nothing itself: `render_rich` prints to a rich console,
`to_markdown` and `to_json` return text that the CLI writes where it is told. Both renderings
come from the same `sections`, so the terminal and the Markdown report always agree.
"""

from __future__ import annotations

import json
import re
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from sever.evaluate.frame import ALERT_ROLES

Section = tuple[str, list[str], list[list[str]]]
_NUMBER = re.compile(r"[0-9.]+|–")


def _r(x: float | None) -> str:
    return "–" if x is None else f"{x:.3f}"


def _of(n: int, total: int, rate: float | None) -> str:
    return f"{n} / {total} ({_r(rate)})"


def _summary(res: dict[str, Any]) -> list[list[str]]:
    o, c, lk, v = res["overall"], res["cases"], res["lookalikes"], res["victims"]
    fp, ext, al = res["false_positives"], res["external"], res["alerts"]
    by_class = ", ".join(f"{k} {n}" for k, n in fp["by_label"].items()) or "none"
    return [
        [
            "alerts / subjects / flagged accounts",
            f"{al['alerts']} / {al['subjects']} / {al['flagged_accounts']}",
        ],
        [
            "precision (flagged suspects / flagged)",
            _of(o["flagged_suspects"], o["flagged"], o["precision"]),
        ],
        [
            "recall (flagged suspects / suspects)",
            _of(o["flagged_suspects"], o["suspects"], o["recall"]),
        ],
        ["F1", _r(o["f1"])],
        [
            "case recall (cases with a flagged suspect)",
            _of(c["found"], c["cases"], c["case_recall"]),
        ],
        ["benign look-alikes flagged", _of(lk["flagged"], lk["accounts"], lk["rate"])],
        [
            "victims flagged as suspects (must be 0)",
            _of(v["flagged_as_suspect"], v["accounts"], v["flagged_as_suspect_rate"]),
        ],
        [
            "victims alerted as victims",
            _of(v["alerted_as_victim"], v["accounts"], v["alerted_as_victim_rate"]),
        ],
        [
            "external parties as alert subjects",
            str(ext["subjects"]) if ext["known"] else "unknown (no accounts file)",
        ],
        ["false positives (flagged non-suspects)", f"{fp['count']} ({by_class})"],
        [
            "false-positive rate",
            f"{_r(fp['rate'])} of {fp['denominator']}: {fp['denominator_basis']}",
        ],
    ]


_TYPOLOGY = [("typology", "typology"), ("suspects", "suspects"), ("flagged", "flagged"),
             ("recall", "recall"), ("cases", "cases"), ("found", "cases_found"),
             ("case recall", "case_recall")]  # fmt: skip
_ALERT_TYPOLOGY = [("alert typology", "alert_typology"), ("accounts", "accounts"),
                   ("suspects", "suspects"), ("precision", "precision"),
                   ("look-alikes", "lookalikes"), ("victims", "victims"),
                   ("labelled typologies hit", "labelled_typologies")]  # fmt: skip
_ROLE = [("role", "role"), ("labelled", "labelled"), ("flagged", "flagged"),
         ("recall", "recall"), ("same role", "same_role"),
         ("same-role share", "same_role_share")]  # fmt: skip
_SWEEP = [("threshold", "threshold"), ("flagged", "flagged"), ("precision", "precision"),
          ("recall", "recall"), ("F1", "f1"), ("false pos.", "false_positives"),
          ("FP rate", "false_positive_rate"), ("look-alike rate", "lookalike_rate")]  # fmt: skip


def _cell(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k} {n}" for k, n in value.items())
    if isinstance(value, float):
        return _r(value)
    return "–" if value is None else str(value)


def _section(title: str, cols: list[tuple[str, str]], records: list[dict[str, Any]]) -> Section:
    rows = [[_cell(rec[key]) for _, key in cols] for rec in records]
    return title, [h for h, _ in cols], rows


def sections(res: dict[str, Any]) -> list[Section]:
    """(title, headers, rows) for every table of the report, as display strings."""
    confusion_cols = [*ALERT_ROLES, "none"]
    out = [
        ("summary", ["metric", "value"], _summary(res)),
        _section("recall per labelled typology", _TYPOLOGY, res["by_typology"]),
        _section(
            "precision per alert typology (non-victim alerts)",
            _ALERT_TYPOLOGY,
            res["by_alert_typology"],
        ),
        _section(
            "per labelled role (did it call the collector a collector?)", _ROLE, res["by_role"]
        ),
        (
            "role confusion (rows: labelled role; columns: alerted role)",
            ["labelled \\ alerted", *confusion_cols],
            [
                [label, *(str(row.get(c, 0)) for c in confusion_cols)]
                for label, row in res["role_confusion"].items()
            ],
        ),
    ]
    if res["thresholds"]:
        sweep = [{**t, "threshold": f"{t['threshold']:.1f}"} for t in res["thresholds"]]
        title = "score-threshold sweep (flagged = a non-victim alert with score >= threshold)"
        out.append(_section(title, _SWEEP, sweep))
    return out


def _listed(ids: list[str], n: int) -> str:
    more = f" (first {len(ids)} of {n})" if n > len(ids) else ""
    return ", ".join(ids) + more


def warnings(res: dict[str, Any]) -> list[str]:
    """Findings that break the contract's promises (victims as suspects, external subjects),
    and the look-alikes flagged, each with the accounts concerned."""
    out = []
    v, ext, lk = res["victims"], res["external"], res["lookalikes"]
    if v["flagged_as_suspect"]:
        n = v["flagged_as_suspect"]
        out.append(f"victims flagged as suspects: {n}: {_listed(v['flagged_ids'], n)}")
    if ext["subjects"]:
        n = ext["subjects"]
        out.append(f"external parties as alert subjects: {n}: {_listed(ext['ids'], n)}")
    if lk["flagged"]:
        n = lk["flagged"]
        out.append(f"benign look-alikes flagged: {n}: {_listed(lk['flagged_ids'], n)}")
    return out


def _title(res: dict[str, Any]) -> str:
    if "dataset" in res:
        return f"evaluation of {res['alerts_file']} against {res['dataset']}"
    return "evaluation"


def _right(rows: list[list[str]], i: int) -> bool:
    """Right-align a column when every cell in it is a number (or a dash)."""
    return bool(rows) and all(_NUMBER.fullmatch(row[i]) for row in rows)


def render_rich(res: dict[str, Any], console: Console) -> None:
    """Print every section as a rich table, then the warnings in red."""
    console.print(f"[bold]{escape(_title(res))}[/]", highlight=False)
    for title, headers, rows in sections(res):
        table = Table(title=title, title_justify="left")
        for i, h in enumerate(headers):
            table.add_column(h, justify="right" if _right(rows, i) else "left")
        for row in rows:
            table.add_row(*(escape(c) for c in row))
        console.print(table)
    for w in warnings(res):
        console.print(f"[bold red]warning:[/] {escape(w)}", highlight=False)


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(res: dict[str, Any]) -> str:
    """The report as Markdown: one pipe table per section, warnings as a list."""
    lines = [f"# {_title(res)}", ""]
    for title, headers, rows in sections(res):
        lines += [f"## {title}", "", "| " + " | ".join(_md_cell(h) for h in headers) + " |"]
        lines.append(
            "|" + "|".join("---:" if _right(rows, i) else "---" for i in range(len(headers))) + "|"
        )
        lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows]
        lines.append("")
    found = warnings(res)
    if found:
        lines += ["## warnings", "", *(f"- {_md_cell(w)}" for w in found), ""]
    return "\n".join(lines)


def to_json(res: dict[str, Any]) -> str:
    """The result dict as indented JSON (None as null)."""
    return json.dumps(res, indent=2, ensure_ascii=False)
