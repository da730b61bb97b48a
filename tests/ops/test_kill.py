"""Kill the nightly scan at many points: the warehouse stays consistent, and the next run
finishes the day with exactly the alerts (ids, scores, evidence, states) of a run that
was never interrupted.

The scan runs in a child process (`ops_killable.py`) that SIGKILLs itself at the N-th SQL
statement. Points are named (spread over ingest, match, features, graph, rules, alerts
and the run's own bookkeeping, inside and between transactions), plus kills that land
mid-statement or mid-commit, plus random statements from a fixed seed.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import ops_checks as consistency
import pytest
import yaml
from ops_world import ledger_days, write_day, write_schedule

from sever.ops import clock
from sever.ops.config import load
from sever.ops.runner import run_job
from sever.warehouse import open_warehouse

CHILD = Path(__file__).with_name("ops_killable.py")
BASE_NOW = datetime(2026, 10, 9, 2, 30, tzinfo=UTC)  # 2026-10-08 is over: the first folder
KILL_NOW = datetime(2026, 10, 10, 2, 30, tzinfo=UTC)  # 2026-10-09 is over: the killed day
SEED = int(os.environ.get("SEVER_KILL_SEED", "20261121"))  # vary to explore

# (step name, which occurrence, how): the N-th statement is the first one matching.
NAMED = [
    # Mid-way through (or just after) the one-pass load's insert, uncommitted: its rows must
    # vanish (the day's file has bad rows; an uninterrupted run rolls them back and stages).
    ("ingest:transactions:direct_insert", 1, "during"),
    ("ingest:transactions:quarantine", 1, "before"),  # inside the file's transaction
    ("ingest:transactions:write:commit", 1, "during"),  # mid-commit
    ("ingest:run_finish", 1, "before"),  # file committed, ingest run still open
    ("match:hits", 1, "before"),  # signal_hits just cleared
    ("03_accounts.sql", 2, "before"),  # features half-built
    ("graph:add", 1, "before"),  # candidate subgraph half-built
    ("rules:evaluation", 3, "before"),  # some rules evaluated
    ("combine:insert", 1, "before"),  # detector scores: the run's rows about to be written
    ("alerts:insert_new", 1, "before"),  # alerts half-upserted inside their transaction
    ("alerts:upsert:commit", 1, "during"),  # mid-commit
    ("scan:finish", 1, "before"),  # alerts exported, scan record still open
    ("ops:partitions:done", 1, "before"),  # scan finished, day not yet marked done
]
RANDOM = 10  # the issue asks for at least 10 random points, on top of the named ones


@dataclass
class Scenario:
    root: Path
    config: Path

    @property
    def warehouse(self) -> Path:
        return self.root / "wh" / "sever.duckdb"


def _scenario(base: Path, inbox: Path, root: Path) -> Scenario:
    """A schedule of its own over the shared inbox, starting from the base warehouse."""
    (root / "wh").mkdir(parents=True)
    for f in (base / "wh").iterdir():
        shutil.copyfile(f, root / "wh" / f.name)
    body = yaml.safe_load((base / "schedule.yaml").read_text())
    body["jobs"]["nightly_scan"]["inbox"] = str(inbox)
    (root / "schedule.yaml").write_text(yaml.safe_dump(body))
    return Scenario(root, root / "schedule.yaml")


def _child(sc: Scenario, mode: str, n: int, trace: Path | None = None):
    args = [sys.executable, str(CHILD), str(sc.config), "nightly_scan", KILL_NOW.isoformat()]
    args += [mode, str(n)] + ([str(trace)] if trace else [])
    root = Path(__file__).parents[2]
    return subprocess.run(args, capture_output=True, text=True, timeout=300, cwd=root)


def _state(sc: Scenario) -> dict:
    wh = open_warehouse(sc.warehouse)
    try:
        return {
            "alerts": consistency.alerts(wh),
            "counts": consistency.counts(wh),
            "problems": consistency.problems(wh),
            "running": consistency.running(wh),
            "partition": wh.records(
                "t:partition",
                "SELECT state, attempts FROM ops_partitions WHERE partition_day = '2026-10-09'",
            ),
            "abandoned": wh.scalar(
                "t:abandoned", "SELECT count(*) FROM ops_runs WHERE status = 'abandoned'"
            ),
        }
    finally:
        wh.close()


def _export(sc: Scenario) -> list[dict]:
    """The day's alerts.jsonl; sums rounded (parallel aggregation adds in any order)."""
    path = sc.root / "runs" / "2026-10-09" / "alerts.jsonl"
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    for r in rows:
        if r["total_amount_usd"] is not None:
            r["total_amount_usd"] = round(r["total_amount_usd"], 6)
    return sorted(rows, key=lambda r: r["alert_id"])


@pytest.fixture(scope="module")
def base(delivery, tmp_path_factory) -> tuple[Path, Path]:
    """Days 1-8 scanned by the scheduler's job; day 9 waits in the inbox (with bad rows)."""
    root = tmp_path_factory.mktemp("kill-base")
    inbox = root / "inbox"
    days = ledger_days(delivery)
    write_day(delivery, inbox, days[7], first=days[0])
    write_day(delivery, inbox, days[8], bad_rows=True)
    _, cfg = write_schedule(root)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(clock, "now", lambda: BASE_NOW)
        outcome = run_job(cfg, "nightly_scan")
    assert outcome.status == "ok" and outcome.record["partitions"][0]["day"] == "2026-10-08"
    return root, inbox


@pytest.fixture(scope="module")
def uninterrupted(base, tmp_path_factory) -> dict:
    """Day 9 scanned without a kill (in a child too, tracing every statement)."""
    sc = _scenario(*base, tmp_path_factory.mktemp("kill-uninterrupted"))
    trace = sc.root / "trace.txt"
    proc = _child(sc, "trace", 0, trace)
    assert proc.returncode == 0, proc.stderr[-3000:]
    state = _state(sc)
    assert not state["problems"] and not state["running"], state
    assert state["partition"] == [{"state": "done", "attempts": 1}]
    assert state["counts"]["quarantine"] == 3 and state["alerts"]
    return {**state, "steps": trace.read_text().split(), "export": _export(sc)}


def _point(steps: list[str], spec: str) -> tuple[int, str]:
    """The 1-based statement number and kill mode for a test id."""
    if spec.startswith("random-"):
        rng = random.Random(SEED)
        picks = rng.sample(range(1, len(steps) + 1), RANDOM)
        return picks[int(spec.removeprefix("random-"))], "before"
    step, nth, mode = NAMED[int(spec.split("-", 1)[0])]
    hits = [i + 1 for i, s in enumerate(steps) if s == step or s.startswith(step + ":")]
    assert len(hits) >= nth, f"step {step!r} ran {len(hits)} time(s) in the uninterrupted scan"
    return hits[nth - 1], mode


def _diff(got: list[dict], want: list[dict]) -> list[tuple]:
    """(alert, field, got, wanted) for every difference: a readable failure."""
    a, b = {r["alert_id"]: r for r in got}, {r["alert_id"]: r for r in want}
    out: list[tuple] = [(k, "missing" if k in b else "extra") for k in sorted(set(a) ^ set(b))]
    for k in sorted(set(a) & set(b)):
        out += [(k, f, a[k][f], b[k][f]) for f in b[k] if a[k][f] != b[k][f]]
    return out


SPECS = [f"{i}-{step}#{nth}-{mode}" for i, (step, nth, mode) in enumerate(NAMED)]
SPECS += [f"random-{i}" for i in range(RANDOM)]


@pytest.mark.parametrize("spec", SPECS)
def test_a_killed_scan_leaves_a_consistent_warehouse_and_the_next_run_finishes_it(
    spec, base, uninterrupted, tmp_path, monkeypatch
) -> None:
    n, mode = _point(uninterrupted["steps"], spec)
    sc = _scenario(*base, tmp_path)
    proc = _child(sc, mode, n)
    assert proc.returncode == -signal.SIGKILL or (mode == "during" and proc.returncode == 0), (
        f"statement {n} ({uninterrupted['steps'][n - 1]}): exit {proc.returncode}\n"
        + proc.stderr[-3000:]
    )

    killed = _state(sc)
    assert not killed["problems"], f"after a kill at {uninterrupted['steps'][n - 1]}: {killed}"

    monkeypatch.setattr(clock, "now", lambda: KILL_NOW)
    outcome = run_job(load(sc.config), "nightly_scan")
    assert outcome.status == "ok", outcome
    after = _state(sc)
    assert not after["problems"] and not after["running"], after
    assert after["partition"][0]["state"] == "done"
    assert after["abandoned"] <= 1
    assert after["counts"] == uninterrupted["counts"]
    assert _diff(after["alerts"], uninterrupted["alerts"]) == []
    assert _diff(_export(sc), uninterrupted["export"]) == []

    again = run_job(load(sc.config), "nightly_scan")  # a done day is not scanned again
    assert again.summary == "nothing to scan"
