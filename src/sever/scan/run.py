"""`sever scan`: ingest, match, features, graph scoring, alerts, exports — one nightly run.

Reads a delivery directory; writes the warehouse tables of every stage, a
`scan_runs` record (counts per stage, timings, data-quality summary) and, in the
output directory, alerts.jsonl, run.json, report.md and the network picture.
"""

from __future__ import annotations

import gc
import json
import resource
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sever.config import DetectionConfig
from sever.warehouse import Warehouse


@dataclass
class ScanResult:
    run_id: str
    as_of: datetime
    window_from: datetime
    record: dict[str, Any] = field(default_factory=dict)
    out_dir: Path | None = None


def _as_of(wh: Warehouse, given: datetime | None) -> datetime:
    if given:
        return given
    latest = wh.scalar("scan:as_of", "SELECT max(ts) FROM transactions")
    if latest is None:
        from sever.errors import UserError

        raise UserError("the warehouse holds no transactions: nothing to scan")
    return latest


def scan(
    wh: Warehouse,
    data_dir: Path | None,
    out_dir: Path,
    cfg: DetectionConfig,
    *,
    as_of: datetime | None = None,
    lookback_days: int | None = None,
    rules_dir: Path | None = None,
    stage_hook: Callable[[str], None] | None = None,
) -> ScanResult:
    from sever.alerts.build import upsert_alerts
    from sever.alerts.export import export_jsonl
    from sever.features import build_features
    from sever.graph.candidates import extract
    from sever.graph.combine import combine, write_scores
    from sever.graph.score import cycles_uncollected, score_all
    from sever.ingest import run_ingest
    from sever.match import match_signals
    from sever.rules.engine import rules_stage, shadow_report
    from sever.scan.report import write_report

    started = datetime.now(UTC).replace(tzinfo=None)
    run_id = f"scan-{started:%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"
    timings: dict[str, float] = {}
    counts: dict[str, Any] = {}
    config = cfg.model_dump()

    starts: dict[str, float] = {}
    peaks: dict[str, int] = {}

    def stage(name: str):
        if stage_hook:
            stage_hook(name)
        starts[name] = time.perf_counter()

    def done(name: str):
        timings[name] = round(time.perf_counter() - starts[name], 3)
        # The process's peak so far: where it rises is the stage that needs the memory.
        peaks[name] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)

    wh.run(
        "scan:start",
        "INSERT INTO scan_runs VALUES (?, ?, NULL, NULL, NULL, 'running', NULL)",
        [run_id, started],
    )
    ingest_report = None
    if data_dir is not None:
        stage("ingest")
        ingest_report = run_ingest(wh, data_dir, report_dir=out_dir)
        counts["ingest"] = ingest_report.totals()
        done("ingest")
    when = _as_of(wh, as_of)
    window_from = when - timedelta(days=lookback_days or cfg.lookback_days)
    stage("match")
    # Replaces signal_hits, which case evidence reads: never leave it half-written.
    with wh.transaction("scan:match"):
        counts["signal_hits"] = match_signals(wh, cfg, when)
    done("match")
    stage("features")
    counts["features"] = build_features(wh, cfg, when, window_from)
    counts["ledger_in_window"] = wh.scalar("scan:ledger_n", "SELECT count(*) FROM f_ledger")
    done("features")
    stage("graph")
    with cycles_uncollected():
        cand = extract(wh, cfg)
        findings, nx_seconds = score_all(cand, config)
        rows = combine(findings, cand, config)
    counts["candidates"] = {
        "seeds": len(cand.seeds),
        "nodes": len(cand.nodes),
        "edges": len(cand.edges),
    }
    counts["scored_accounts"] = write_scores(wh, run_id, rows)
    # The candidate graphs are done with: give their memory back before the rules stage,
    # which lets DuckDB use its whole budget.
    del cand, findings
    gc.collect()
    done("graph")
    timings["networkx"] = round(nx_seconds, 3)
    rules: dict[str, Any] | None = None
    if rules_dir is not None:
        # Rules read this run's detector scores (written above), then join them.
        stage("rules")
        changed, rules = rules_stage(wh, run_id, when, window_from, rules_dir, rows, cfg)
        with wh.transaction("scan:rule_scores"):  # delete-then-insert of the changed rows
            write_scores(wh, run_id, changed, replace_all=False)
        keys = {(r["account_id"], r["typology"]) for r in [*rows, *changed]}
        counts["scored_accounts"] = len(keys)
        counts["rule_hits"] = {"live": rules["live_hits"], "shadow": rules["shadow_hits"]}
        done("rules")
    stage("alerts")
    counts["alerts"] = upsert_alerts(wh, run_id, cfg.combiner["alert_min_score"])
    out_dir.mkdir(parents=True, exist_ok=True)
    export_jsonl(wh, out_dir, run_id)
    done("alerts")
    record = {
        "run_id": run_id,
        "as_of": when.isoformat(),
        "window_from": window_from.isoformat(),
        "counts": counts,
        "timings_s": timings,
        "peak_rss_mb_after": peaks,
        "data_quality": _dq_summary(ingest_report),
        "unusable_files": [f.file_name for f in ingest_report.unusable] if ingest_report else [],
        "rules": rules,
        "fx_rates_present": bool(wh.scalar("scan:fx", "SELECT count(*) FROM fx_rates")),
    }
    stage("report")
    write_report(wh, run_id, record, out_dir)
    if rules is not None:
        with (out_dir / "report.md").open("a", encoding="utf-8") as fh:
            fh.write("\n" + shadow_report(wh, run_id, rules["invalid"]))
    done("report")
    (out_dir / "run.json").write_text(json.dumps(record, indent=2, default=str) + "\n")
    wh.run(
        "scan:finish",
        "UPDATE scan_runs SET finished_at = now()::TIMESTAMP, as_of = ?, window_from = ?,"
        " status = 'ok', record = ? WHERE run_id = ?",
        [when, window_from, json.dumps(record, default=str), run_id],
    )
    return ScanResult(run_id, when, window_from, record, out_dir)


def _dq_summary(report) -> dict[str, Any]:
    if report is None:
        return {}
    failed = [
        {
            "file": f.file_name,
            "expectation": r["expectation_type"],
            "column": r["column"],
            "unexpected": r["unexpected_count"],
            "handling": r["severity"],
        }
        for f in report.files
        for r in f.dq
        if not r["success"]
    ]
    return {"totals": report.totals(), "failed_expectations": failed}
