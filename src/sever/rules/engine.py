"""Rules stage of a scan: evaluate every live and shadow rule, record hits, score live hits.

Reads rules/*.yaml, f_rule_account_day / f_rule_pair_day (built here when the ledger
changed), account_scores and signal_hits (scores rules may use), rule_versions and
rule_approvals; writes rule_hits and rule_evaluations for the run, and draft rows in
rule_versions for unpublished versions it ran. `rule_scores` turns the live hits into
rows shaped like the combiner's, which `merge_rule_rows` folds into the detectors' rows;
`graph.combine.write_scores` rewrites the rows they changed. Shadow hits never leave rule_hits.
"""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sever.config import DetectionConfig
from sever.rules import governance
from sever.rules.features import ensure_rule_features, prepare_scores
from sever.rules.files import load_rules
from sever.rules.query import hits_sql
from sever.rules.report import shadow_report
from sever.rules.scores import merge_rule_rows, rule_scores
from sever.warehouse import Warehouse

__all__ = ["merge_rule_rows", "rule_scores", "rules_stage", "run_rules", "shadow_report"]


def day_range(as_of: datetime, since: datetime | None) -> tuple[date, date]:
    """UTC days from the first whole day after `since` (as-of day alone without it)."""
    day_to = as_of.date()
    if since is None:
        return day_to, day_to
    first = since.date() if since.time() == datetime.min.time() else since.date() + timedelta(1)
    return min(first, day_to), day_to


def run_rules(
    wh: Warehouse,
    run_id: str,
    as_of: datetime,
    rules_dir: Path,
    *,
    since: datetime | None = None,
    cfg: DetectionConfig | None = None,
) -> dict[str, Any]:
    """Evaluate the rules for the days in (since, as_of] and record their hits.

    Returns counts for the run record: per rule its declared and effective mode, why,
    hits (account-days) and accounts; totals of live and shadow hits; invalid files.
    """
    files, problems = load_rules(rules_dir)
    day_from, day_to = day_range(as_of, since)
    if not any(f.rule.mode != "disabled" for f in files):  # nothing to run: build nothing
        return _counts(day_from, day_to, {"built": False, "seconds": 0.0}, {}, files, problems)
    build = ensure_rule_features(wh, cfg)
    prepare_scores(wh, run_id)
    wh.run("rules:clear_hits", "DELETE FROM rule_hits WHERE run_id = ?", [run_id])
    wh.run("rules:clear_evals", "DELETE FROM rule_evaluations WHERE run_id = ?", [run_id])
    per_rule: dict[str, dict[str, Any]] = {}
    for rf in files:
        rule = rf.rule
        if rule.mode == "disabled":
            continue
        mode, note = governance.effective_mode(wh, rf)
        if mode != "live":
            governance.record_draft(wh, rf)
        started = time.perf_counter()
        wh.run(
            f"rules:hits:{rule.ref}",
            f"""
            INSERT INTO rule_hits
            SELECT $run_id, $ref, $hash, h.account_id, h.counterparty_id, h.day, $mode,
                   $action, h."values"
            FROM ({hits_sql(rule)}) h
            """,
            {
                "run_id": run_id,
                "ref": rule.ref,
                "hash": rf.content_hash,
                "mode": mode,
                "action": rule.action,
                "day_from": day_from,
                "day_to": day_to,
            },
        )
        seconds = round(time.perf_counter() - started, 3)
        hits, accounts = wh.rows(
            "rules:count",
            "SELECT count(*), count(DISTINCT account_id) FROM rule_hits"
            " WHERE run_id = ? AND rule_ref = ?",
            [run_id, rule.ref],
        )[0]
        wh.run(
            "rules:evaluation",
            "INSERT INTO rule_evaluations VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                run_id,
                rule.ref,
                rf.content_hash,
                rule.mode,
                mode,
                note,
                day_from,
                day_to,
                hits,
                accounts,
                seconds,
            ],
        )
        per_rule[rule.ref] = {
            "declared": rule.mode,
            "mode": mode,
            "note": note,
            "hits": hits,
            "accounts": accounts,
            "seconds": seconds,
        }
    return _counts(day_from, day_to, build, per_rule, files, problems)


def _counts(day_from, day_to, build, per_rule, files, problems) -> dict[str, Any]:
    return {
        "days": [day_from.isoformat(), day_to.isoformat()],
        "features": build,
        "rules": per_rule,
        "live_hits": sum(r["hits"] for r in per_rule.values() if r["mode"] == "live"),
        "shadow_hits": sum(r["hits"] for r in per_rule.values() if r["mode"] == "shadow"),
        "disabled": [f.rule.ref for f in files if f.rule.mode == "disabled"],
        "invalid": [p.render() for p in problems],
    }


def rules_stage(
    wh: Warehouse,
    run_id: str,
    as_of: datetime,
    window_from: datetime,
    rules_dir: Path,
    detector_rows: list[dict[str, Any]],
    cfg: DetectionConfig | None = None,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The scan's rules stage, after the detectors' rows are written for the run.

    Runs the rules over the scan's look-back days (so they may read this run's detector
    scores); returns the rows the live rules changed (the detectors' rows with the rules'
    folded in, and accounts only rules found: rewrite them with `write_scores`,
    `replace_all=False`) and the counts for the run record.
    """
    counts = run_rules(wh, run_id, as_of, rules_dir, since=window_from, cfg=cfg)
    rule_rows = rule_scores(wh, run_id)
    keys = {(r["account_id"], r["typology"]) for r in rule_rows}
    counts["scored_accounts"] = len(rule_rows)
    merged = merge_rule_rows(detector_rows, rule_rows)
    return [r for r in merged if (r["account_id"], r["typology"]) in keys], counts
