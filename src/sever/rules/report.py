"""The run report's rules section: what every rule did, and shadow rules against live alerts.

Reads rule_evaluations, rule_hits, alert_history and alerts for one run; returns
Markdown. Account ids only, as in the rest of the report.
"""

from __future__ import annotations

from collections.abc import Sequence

from sever.warehouse import Warehouse

EXAMPLES = 5


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def shadow_report(wh: Warehouse, run_id: str, invalid: Sequence[str] = ()) -> str:
    """Markdown: one line per rule, then per shadow rule its overlap with live alerts."""
    evals = wh.records(
        "rules:report_evals",
        "SELECT rule_ref, declared_mode, mode, note, day_from, day_to, hits, accounts"
        " FROM rule_evaluations WHERE run_id = ? ORDER BY mode, rule_ref",
        [run_id],
    )
    out = ["## Analyst rules", ""]
    if not evals and not invalid:
        return "\n".join([*out, "No rules were evaluated in this run.", ""])
    if evals:
        out += [
            f"Evaluated on the days {evals[0]['day_from']} to {evals[0]['day_to']} (UTC). "
            "Shadow rules record would-be hits in `rule_hits` and open no alert; a rule "
            "declared live runs live only once its version is published and approved by "
            "someone other than its owner and publisher.",
            "",
            "| rule | declared | ran as | why | hits (account-days) | accounts |",
            "|---|---|---|---|---:|---:|",
        ]
        out += [
            f"| {e['rule_ref']} | {e['declared_mode']} | **{e['mode']}** | {_cell(e['note'])} "
            f"| {e['hits']} | {e['accounts']} |"
            for e in evals
        ]
    shadow = _shadow_overlap(wh, run_id)
    if shadow:
        out += [
            "",
            "### Shadow rules against live alerts",
            "",
            "| shadow rule | accounts hit | already alerted in this run | would be new |"
            " examples of new |",
            "|---|---:|---:|---:|---|",
        ]
        for s in shadow:
            examples = ", ".join(s["examples"] or []) or "-"
            out.append(
                f"| {s['rule_ref']} | {s['accounts']} | {s['alerted']} | {s['new']} "
                f"| {_cell(examples)} |"
            )
    if invalid:
        out += ["", "### Rule files that did not validate (not run)", ""]
        out += [f"- `{_cell(p.splitlines()[0])}`" for p in invalid]
    return "\n".join([*out, ""])


def _shadow_overlap(wh: Warehouse, run_id: str) -> list[dict]:
    return wh.records(
        "rules:report_shadow",
        f"""
        WITH alerted AS (
            SELECT DISTINCT a.subject_account_id AS account_id
            FROM alert_history h JOIN alerts a USING (alert_id)
            WHERE h.run_id = $run_id
        ),
        hit AS (
            SELECT DISTINCT rule_ref, account_id FROM rule_hits
            WHERE run_id = $run_id AND mode = 'shadow'
        )
        SELECT hit.rule_ref, count(*) AS accounts,
               count(alerted.account_id) AS alerted,
               count(*) - count(alerted.account_id) AS new,
               (list(hit.account_id ORDER BY hit.account_id)
                    FILTER (WHERE alerted.account_id IS NULL))[1:{EXAMPLES}] AS examples
        FROM hit LEFT JOIN alerted USING (account_id)
        GROUP BY hit.rule_ref ORDER BY hit.rule_ref
        """,
        {"run_id": run_id},
    )
