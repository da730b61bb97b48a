"""Run a command as a child process and measure its wall time and peak memory."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
# DuckDB alone loading the transactions file: the floor every benchmark compares with.
FLOOR = """
import duckdb, sys
con = duckdb.connect(sys.argv[1], config={"memory_limit": "4GB"})
con.execute("CREATE TABLE t AS SELECT * FROM read_csv(?)", [sys.argv[2]])
"""


@dataclass(frozen=True)
class Measured:
    seconds: float
    peak_mb: float
    returncode: int


def run_measured(cmd: list[str], env: dict[str, str] | None = None) -> Measured:
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{cmd[:3]} failed with exit code {proc.returncode}")
    return Measured(elapsed, usage.ru_maxrss / 1024, proc.returncode)


def dataset(accounts: int, days: int, seed: int) -> Path:
    """Generate (once, cached under bench/_data) a sample dataset of that size."""
    out = ROOT / "bench" / "_data" / f"a{accounts}_d{days}_s{seed}"
    if not (out / "transactions.csv").exists():
        shutil.rmtree(out, ignore_errors=True)
        cmd = [
            str(BIN / "sever"),
            "sample",
            "generate",
            "--accounts",
            str(accounts),
            "--days",
            str(days),
            "--seed",
            str(seed),
            "--out",
            str(out),
        ]
        gen = run_measured(cmd)
        print(f"generated {out} in {gen.seconds:.1f}s (peak {gen.peak_mb:.0f} MB)")
    return out


def floor(tmp: str, data: Path) -> Measured:
    return run_measured(
        [sys.executable, "-c", FLOOR, f"{tmp}/floor.duckdb", str(data / "transactions.csv")]
    )


def dataset_from_args(description: str | None) -> tuple[argparse.Namespace, Path]:
    """The --accounts/--days/--seed options every benchmark takes, and that dataset."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--accounts", type=int, default=1_000_000)
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    return args, dataset(args.accounts, args.days, args.seed)
