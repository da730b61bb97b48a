"""Benchmark the nightly `sever scan` against the floor (DuckDB alone loading transactions.csv).

Uses the same generated dataset as bench_ingest (default 1M accounts, ~10M
transactions, ~100k signals). Measures in one run, each in a fresh process: the
floor, then the whole scan (wall time, peak memory), and reads the scan's own
record for per-stage timings and the time spent in NetworkX.
Writes reports/bench/scan.md and reports/bench/scan.json.
"""

from __future__ import annotations

import json
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from measure import BIN, ROOT, dataset_from_args, floor, run_measured


def main() -> None:
    args, data = dataset_from_args(__doc__)
    signals = sum(1 for _ in (data / "signals.jsonl").open("rb"))
    txns = sum(1 for _ in (data / "transactions.csv").open("rb")) - 1
    with tempfile.TemporaryDirectory() as tmp:
        base = floor(tmp, data)
        scan = run_measured(
            [
                str(BIN / "sever"),
                "scan",
                str(data),
                "--out",
                f"{tmp}/out",
                "--warehouse",
                f"{tmp}/wh.duckdb",
            ]
        )
        record = json.loads(Path(f"{tmp}/out/run.json").read_text())
    t = record["timings_s"]
    after_ingest = scan.seconds - t["ingest"]
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "dataset": {"accounts": args.accounts, "transactions": txns, "signals": signals},
        "floor_duckdb_load_s": round(base.seconds, 2),
        "scan_s": round(scan.seconds, 2),
        "scan_peak_mb": round(scan.peak_mb),
        "stages_s": t,
        "after_ingest_s": round(after_ingest, 2),
        "after_ingest_ratio_to_floor": round(after_ingest / base.seconds, 2),
        "networkx_share": round(t["networkx"] / scan.seconds, 3),
        "counts": record["counts"],
        "targets": {"after_ingest_ratio_max": 5.0, "scan_s_max": 60, "peak_mb_max": 4096},
    }
    result["meets_targets"] = (
        result["after_ingest_ratio_to_floor"] <= 5.0 and scan.seconds <= 60 and scan.peak_mb <= 4096
    )
    out = ROOT / "reports" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "scan.json").write_text(json.dumps(result, indent=2, default=str) + "\n")
    stages = "".join(f"| {k} | {v} |\n" for k, v in t.items())
    (out / "scan.md").write_text(
        "# Nightly scan benchmark\n\n"
        f"Measured {result['when']} with `python bench/bench_scan.py --accounts {args.accounts}"
        f" --days {args.days} --seed {args.seed}` (2 cores).\n\n"
        f"Dataset: {args.accounts:,} accounts, {txns:,} transactions, {signals:,} signals.\n\n"
        f"| measure | value |\n|---|---:|\n"
        f"| floor: DuckDB loading transactions.csv | {base.seconds:.2f} s |\n"
        f"| whole `sever scan` (ingest included) | {scan.seconds:.2f} s |\n"
        f"| everything after ingest | {after_ingest:.2f} s"
        f" ({result['after_ingest_ratio_to_floor']}× floor; target ≤ 5×) |\n"
        f"| peak memory | {scan.peak_mb:.0f} MB (target ≤ 4096) |\n"
        f"| time in NetworkX | {t['networkx']} s ({result['networkx_share']:.1%} of the scan) |\n\n"
        f"Meets targets (after-ingest ≤ 5× floor, scan ≤ 60 s, ≤ 4 GB):"
        f" **{result['meets_targets']}**.\n\n"
        "Stage timings from the scan's run record (seconds):\n\n| stage | s |\n|---|---:|\n"
        + stages
        + f"\nCounts: `{json.dumps(record['counts'], default=str)}`\n"
    )
    print(json.dumps(result, indent=2, default=str))


if __name__ == "__main__":
    main()
