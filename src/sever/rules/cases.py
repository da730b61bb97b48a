"""Run a rule's cases: tiny ledgers and the hits the rule must (not) find on a day.

Reads a rule's `cases:` (inline rows, or a directory of contract files next to the
rule file); writes the inline rows as contract files into a scratch folder, loads them
through the real ingest (or a whole scan when the rule reads detector or signal
scores) into an in-memory warehouse, builds the rule features, evaluates the rule on
the case's day, and checks every expectation. Each hit is also re-evaluated in Python
from its recorded values, and every expected miss from its feature row: the batch and
real-time forms must agree on every case.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, time
from pathlib import Path
from typing import Any

from sever.ingest.delivery import FILES, write_delivery
from sever.rules.features import ensure_rule_features, prepare_scores
from sever.rules.files import RuleFile
from sever.rules.query import ACCOUNT_INPUT, hits_sql
from sever.rules.spec import Ledger, RuleCase, expand
from sever.warehouse import Warehouse, open_warehouse


@dataclass
class CaseResult:
    rule_ref: str
    case: str
    expects_hit: bool  # the case has at least one `hit: true` expectation
    failures: list[str] = field(default_factory=list)
    hits: list[tuple[str, str | None]] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures


def write_ledger(ledger: Ledger, folder: Path) -> None:
    write_delivery(folder, {key: expand(getattr(ledger, key, [])) for key in FILES})


def _load(wh: Warehouse, rf: RuleFile, case: RuleCase, folder: Path, scratch: Path) -> list[str]:
    """Ingest (or scan) the ledger; return problems that make the case meaningless."""
    uses_scores = any(c.feature.side == "score" for c in rf.rule.compiled.columns.values())
    if uses_scores:
        from sever.config import load
        from sever.scan.run import scan

        as_of = datetime.combine(case.day, time(23, 59, 59))
        record = scan(wh, folder, scratch / "out", load(), as_of=as_of).record
        totals, unusable = record["counts"]["ingest"], record["unusable_files"]
    else:
        from sever.ingest import run_ingest

        report = run_ingest(wh, folder)
        totals, unusable = report.totals(), [f.file_name for f in report.unusable]
    bad = {t: c["quarantined"] for t, c in totals.items() if c["quarantined"]}
    if not bad and not unusable:
        return []
    reasons = wh.rows(
        "cases:quarantine", "SELECT table_name, row_number, reasons FROM quarantine ORDER BY ALL"
    )
    return [f"the ledger does not load cleanly: quarantined {bad}, unusable {unusable}: {reasons}"]


def run_case(rf: RuleFile, case: RuleCase) -> CaseResult:
    rule = rf.rule
    result = CaseResult(rule.ref, case.name, any(e.hit for e in case.expect))
    wh = open_warehouse(None, threads=1, memory_limit=None)
    try:
        with tempfile.TemporaryDirectory(prefix="sever-case-") as tmp:
            scratch = Path(tmp)
            if isinstance(case.ledger, str):
                folder = (rf.path.parent / case.ledger).resolve()
                if not folder.is_dir():
                    result.failures.append(f"ledger directory {folder} does not exist")
                    return result
            else:
                folder = scratch / "ledger"
                write_ledger(case.ledger, folder)
            result.failures += _load(wh, rf, case, folder, scratch)
        if result.failures:
            return result
        ensure_rule_features(wh)
        prepare_scores(wh, None)
        day = {"day_from": case.day, "day_to": case.day}
        hits = wh.records("cases:hits", hits_sql(rule), day)
        result.hits = [(h["account_id"], h["counterparty_id"]) for h in hits]
        _judge(wh, rf, case, hits, result)
    finally:
        wh.close()
    return result


def _judge(wh: Warehouse, rf: RuleFile, case: RuleCase, hits, result: CaseResult) -> None:
    rule = rf.rule
    for h in hits:  # the real-time form must agree with SQL on every hit
        values = json.loads(h["values"]) if isinstance(h["values"], str) else h["values"]
        if not rule.compiled.evaluate(values):
            result.failures.append(f"Python evaluation disagrees with SQL on hit {h['account_id']}")
    got = {(a, c) for a, c in result.hits}
    for e in case.expect:
        found = any(a == e.account and (e.counterparty in (None, c)) for a, c in got)
        who = e.account + (f" <- {e.counterparty}" if e.counterparty else "")
        if e.hit and not found:
            result.failures.append(
                f"{who}: expected a hit on {case.day}, got none{_row(wh, e, case)}"
            )
        elif not e.hit and found:
            result.failures.append(
                f"{who}: expected no hit on {case.day}, got one{_row(wh, e, case)}"
            )
        elif not e.hit and rule.scope != "pair":
            row = _features(wh, e.account, case)
            if row and rule.compiled.evaluate(row):
                result.failures.append(f"{who}: Python evaluation hits where SQL does not")


def _features(wh: Warehouse, account: str, case: RuleCase) -> dict[str, Any] | None:
    rows = wh.records(
        "cases:row",
        f"SELECT * FROM ({ACCOUNT_INPUT}) f WHERE f.account_id = ? AND f.day = ?",
        [account, case.day],
    )
    return rows[0] if rows else None


def _row(wh: Warehouse, e, case: RuleCase) -> str:
    if e.counterparty:
        return ""
    return f" (features that day: {_short(_features(wh, e.account, case))})"


def _short(row: dict[str, Any] | None) -> str:
    if row is None:
        return "no activity that day"
    keep = {k: v for k, v in row.items() if v not in (None, 0, 0.0) and k != "account_id"}
    return ", ".join(f"{k}={v}" for k, v in list(keep.items())[:24])


def run_cases(files: list[RuleFile], only: set[str] | None = None) -> list[CaseResult]:
    return [
        run_case(rf, case)
        for rf in files
        if only is None or rf.rule.id in only
        for case in rf.rule.cases
    ]
