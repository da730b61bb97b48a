"""Detection quality: `sever scan` + `sever eval` on the bundled sample and every external set.

For each dataset: a fresh warehouse, a scan over its whole period (the benchmark
sets span up to 180 days, so the look-back is widened to cover them), then the
evaluation of alerts.jsonl against its labels.csv. Thresholds come from the
shipped detection config; nothing here tunes them. Writes
reports/bench/detection.md and reports/bench/detection.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from measure import BIN, ROOT, run_measured
from sever.evaluate import evaluate_paths
from sever.evaluate.report import to_markdown

EXTERNAL = ROOT.parent / "shared" / "benchmarks" / "external"


def datasets(extra: list[Path]) -> list[tuple[str, Path]]:
    found = [("sample (data_samples/small)", ROOT / "data_samples" / "small")]
    found += [(f"external/{p.name}", p) for p in sorted(EXTERNAL.glob("*")) if p.is_dir()]
    found += [(str(p), p) for p in extra]
    return [(name, path) for name, path in found if (path / "labels.csv").exists()]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--extra", type=Path, nargs="*", default=[], help="More labelled datasets.")
    args = ap.parse_args()
    results, sections = {}, []
    for name, path in datasets(args.extra):
        with tempfile.TemporaryDirectory() as tmp:
            cmd = [str(BIN / "sever"), "scan", str(path), "--out", f"{tmp}/out"]
            cmd += ["--warehouse", f"{tmp}/wh.duckdb", "--lookback-days", "400"]
            run = run_measured(cmd)
            result = evaluate_paths(path, Path(f"{tmp}/out/alerts.jsonl"))
        result["scan_seconds"] = round(run.seconds, 2)
        results[name] = result
        sections.append(f"## {name}\n\nScan: {run.seconds:.1f} s.\n\n{to_markdown(result)}\n")
        print(f"{name}: done in {run.seconds:.1f}s")
    when = datetime.now(UTC).isoformat(timespec="seconds")
    out = ROOT / "reports" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "detection.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    (out / "detection.md").write_text(
        "# Detection quality per dataset\n\n"
        f"Measured {when} with `python bench/bench_detection.py`: each dataset scanned into a"
        " fresh warehouse with the shipped `detection.yaml`, then `sever eval` against its"
        " labels. Per dataset, never pooled. The external sets are generic money-movement"
        " simulations without signals, minors or memos (see their READMEs): sever's detectors"
        " target sextortion and exploitation payments, and what they give there is reported"
        " as it is.\n\n" + "\n".join(sections)
    )


if __name__ == "__main__":
    main()
