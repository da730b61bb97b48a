"""Benchmark `sever ingest` against the floor: DuckDB alone loading the same transactions file.

Generates (once, cached in bench/_data) a dataset of N accounts over D days with
`sever sample generate`, then measures in one run, each in a fresh process:
  floor  - DuckDB creating a table from transactions.csv (no validation);
  ingest - `sever ingest` of the whole delivery into a fresh warehouse.
Writes reports/bench/ingest.md and reports/bench/ingest.json.
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
    rows = sum(1 for _ in (data / "transactions.csv").open("rb")) - 1
    with tempfile.TemporaryDirectory() as tmp:
        base = floor(tmp, data)
        ingest = run_measured(
            [
                str(BIN / "sever"),
                "ingest",
                str(data),
                "--warehouse",
                f"{tmp}/wh.duckdb",
                "--report-dir",
                f"{tmp}/reports",
            ]
        )
    ratio = ingest.seconds / base.seconds
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "dataset": {"accounts": args.accounts, "days": args.days, "transactions": rows},
        "floor_duckdb_load_s": round(base.seconds, 2),
        "floor_peak_mb": round(base.peak_mb),
        "ingest_s": round(ingest.seconds, 2),
        "ingest_peak_mb": round(ingest.peak_mb),
        "ratio_to_floor": round(ratio, 2),
        "targets": {"ratio_to_floor_max": 3.0, "peak_mb_max": 4096},
        "meets_targets": ratio <= 3.0 and ingest.peak_mb <= 4096,
    }
    out = ROOT / "reports" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "ingest.json").write_text(json.dumps(result, indent=2) + "\n")
    (out / "ingest.md").write_text(
        "# Ingest benchmark\n\n"
        f"Measured {result['when']} with `python bench/bench_ingest.py --accounts {args.accounts}"
        f" --days {args.days} --seed {args.seed}` on this machine (2 cores).\n\n"
        f"Dataset: {args.accounts:,} accounts, {rows:,} transactions (CSV), plus identifiers"
        " and signals.\n\n"
        "| step | wall s | peak MB |\n|---|---:|---:|\n"
        f"| floor: DuckDB `CREATE TABLE AS read_csv` of transactions.csv | {base.seconds:.2f} |"
        f" {base.peak_mb:.0f} |\n"
        "| `sever ingest` (all files: validate, quarantine, normalise, load) |"
        f" {ingest.seconds:.2f} | {ingest.peak_mb:.0f} |\n\n"
        f"Ratio to floor: **{ratio:.2f}×** (target ≤ 3×); peak memory target ≤ 4096 MB."
        f" Meets targets: **{result['meets_targets']}**.\n"
    )
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
