"""Benchmark `sever ingest` against the floor: DuckDB alone loading the same transactions file.

Generates (once, cached in bench/_data) a dataset of N accounts over D days with
`sever sample generate`, then measures in one run, each in a fresh process:
  floor  - DuckDB creating a table from transactions.csv (no validation);
  ingest - `sever ingest` of the whole delivery into a fresh warehouse.
Writes reports/bench/ingest.md and reports/bench/ingest.json. Besides wall time,
each step's CPU time (user + sys, from the reaped child) is reported: on a shared
machine the wall ratio moves with other load, the CPU ratio much less.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from measure import BIN, ROOT, dataset_from_args, floor, run_measured
from sever.ingest.load import load_label


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _files(report_dir: Path) -> list[dict]:
    """Per file: rows read and loaded, and how it was loaded, from the run's DQ report."""
    (report,) = report_dir.glob("*.dq.json")
    return [
        {
            "table": f["table"],
            "file": f["file_name"],
            "read": f["rows_read"],
            "loaded": f["loaded"],
            "load": load_label(f["method"]),
        }
        for f in json.loads(report.read_text())["files"]
    ]


def main() -> None:
    args, data = dataset_from_args(__doc__)
    rows = sum(1 for _ in (data / "transactions.csv").open("rb")) - 1
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        cpu0 = _children_cpu()
        base = floor(tmp, data)
        cpu1 = _children_cpu()
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
        cpu2 = _children_cpu()
        files = _files(Path(tmp) / "reports")
    base_cpu, ingest_cpu = cpu1 - cpu0, cpu2 - cpu1
    ratio = ingest.seconds / base.seconds
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "dataset": {"accounts": args.accounts, "days": args.days, "transactions": rows},
        "floor_duckdb_load_s": round(base.seconds, 2),
        "floor_peak_mb": round(base.peak_mb),
        "floor_cpu_s": round(base_cpu, 2),
        "ingest_s": round(ingest.seconds, 2),
        "ingest_cpu_s": round(ingest_cpu, 2),
        "ingest_peak_mb": round(ingest.peak_mb),
        "ratio_to_floor": round(ratio, 2),
        "cpu_ratio_to_floor": round(ingest_cpu / base_cpu, 2),
        "load_average_at_start": round(load, 2),
        "files": files,
        "targets": {"ratio_to_floor_max": 3.0, "peak_mb_max": 4096},
        "meets_targets": ratio <= 3.0 and ingest.peak_mb <= 4096,
    }
    out = ROOT / "reports" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "ingest.json").write_text(json.dumps(result, indent=2) + "\n")
    (out / "ingest.md").write_text(
        "# Ingest benchmark\n\n"
        f"Measured {result['when']} with `python bench/bench_ingest.py --accounts {args.accounts}"
        f" --days {args.days} --seed {args.seed}` on this machine (2 cores, load average"
        f" {load:.1f} at the start: other jobs share it).\n\n"
        f"Dataset: {args.accounts:,} accounts, {rows:,} transactions (CSV), plus identifiers"
        " and signals.\n\n"
        "| step | wall s | CPU s | peak MB |\n|---|---:|---:|---:|\n"
        f"| floor: DuckDB `CREATE TABLE AS read_csv` of transactions.csv | {base.seconds:.2f} |"
        f" {base_cpu:.2f} | {base.peak_mb:.0f} |\n"
        "| `sever ingest` (all files: validate, quarantine, normalise, load) |"
        f" {ingest.seconds:.2f} | {ingest_cpu:.2f} | {ingest.peak_mb:.0f} |\n\n"
        f"Ratio to floor: **{ratio:.2f}×** wall (target ≤ 3×), {ingest_cpu / base_cpu:.2f}× CPU;"
        " peak memory target ≤ 4096 MB."
        f" Meets targets: **{result['meets_targets']}**.\n\n"
        "How each file was loaded (one pass: checked, typed and inserted as it is read;"
        " staged: read as text, then checked row by row, the path of files with bad rows and"
        " of rates and signals):\n\n"
        "| table | file | rows read | loaded | load |\n|---|---|---:|---:|---|\n"
        + "".join(
            f"| {f['table']} | {f['file']} | {f['read']:,} | {f['loaded']:,} | {f['load']} |\n"
            for f in files
        )
    )
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
