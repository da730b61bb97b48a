"""Read what an evaluation needs from disk, and evaluate a dataset directory against an alerts file.

Reads `DIR/labels.csv` (ground truth: only evaluation reads it, never a scan),
`DIR/accounts.{csv,parquet}` and `DIR/transactions.{csv,parquet}` when present (also day
partitions `<table>_<part>.<ext>`; only `account_id`/`kind` and `sender_id`/`receiver_id` are
used), and the scan's `alerts.jsonl`. Writes nothing. Problems are `UserError`s naming the file
and, for alerts, every malformed line.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import polars as pl

from sever.errors import UserError
from sever.evaluate.frame import ALERT_ROLES
from sever.evaluate.metrics import evaluate

MAX_REPORTED_LINES = 10
ALERT_SCHEMA = {
    "subject_account_id": pl.String,
    "role": pl.String,
    "typology": pl.String,
    "score": pl.Float64,
}


def _files(data_dir: Path, table: str) -> list[Path]:
    """`<table>.csv|parquet` or its partitions `<table>_<part>` / `<table>-<part>`, sorted."""
    return sorted(
        p
        for p in data_dir.iterdir()
        if p.is_file()
        and p.suffix.lower() in (".csv", ".parquet", ".pq")
        and (p.stem == table or p.stem.startswith((table + "_", table + "-")))
    )


def _scan(path: Path, columns: list[str]) -> pl.LazyFrame:
    """The wanted columns of one CSV/Parquet file, as strings (absent ones as nulls)."""
    lf = (
        pl.scan_csv(path, infer_schema=False)
        if path.suffix.lower() == ".csv"
        else pl.scan_parquet(path)
    )
    present = lf.collect_schema().names()
    return lf.select(
        (pl.col(c).cast(pl.String) if c in present else pl.lit(None, pl.String)).alias(c)
        for c in columns
    )


def read_labels(data_dir: Path) -> pl.DataFrame:
    """`labels.csv` as strings, with `typology` and `case_id` defaulting to ''."""
    path = data_dir / "labels.csv"
    if not path.is_file():
        raise UserError(f"no labels.csv in {data_dir}: evaluation needs a labelled dataset")
    try:
        raw = pl.read_csv(path, infer_schema=False)
    except (pl.exceptions.PolarsError, UnicodeDecodeError) as exc:
        raise UserError(f"{path}: cannot be read as CSV: {exc}") from exc
    missing = [c for c in ("account_id", "role") if c not in raw.columns]
    if missing:
        raise UserError(f"{path}: missing required column(s): {', '.join(missing)}")
    labels = raw.select(
        "account_id",
        "role",
        *(
            (pl.col(c) if c in raw.columns else pl.lit(None, pl.String)).fill_null("").alias(c)
            for c in ("typology", "case_id")
        ),
    ).with_row_index("line", offset=2)
    empty = labels.filter(pl.col("account_id").is_null() | pl.col("role").is_null())
    if empty.height:
        lines = ", ".join(str(n) for n in empty["line"].head(MAX_REPORTED_LINES))
        raise UserError(f"{path}: empty account_id or role on line(s) {lines}")
    dup = labels.filter(pl.col("account_id").is_duplicated())["account_id"].unique().sort()
    if dup.len():
        raise UserError(f"{path}: account(s) listed twice: {', '.join(dup.head(5))}")
    return labels.drop("line")


def _alert_problem(obj: Any) -> str | None:
    """Why one parsed alerts.jsonl line is unusable, or None."""
    if not isinstance(obj, dict):
        return "not a JSON object"
    subject, role, score = obj.get("subject_account_id"), obj.get("role"), obj.get("score")
    if not isinstance(subject, str) or not subject:
        return "subject_account_id missing or not a non-empty string"
    if role not in ALERT_ROLES:
        return f"role {role!r} is not one of {', '.join(ALERT_ROLES)}"
    if isinstance(score, bool) or not isinstance(score, int | float) or not math.isfinite(score):
        return "score missing or not a number"
    if not 0 <= score <= 1:
        return f"score {score} outside 0-1"
    if obj.get("typology") is not None and not isinstance(obj["typology"], str):
        return "typology is not a string"
    return None


def read_alerts(path: Path) -> pl.DataFrame:
    """The fields evaluation uses from `alerts.jsonl`; blank lines are skipped.

    Every malformed line is collected (the first few are named) before failing.
    """
    if not path.is_file():
        raise UserError(f"alerts file not found: {path}")
    rows: list[tuple[str, str, str, float]] = []
    problems: list[str] = []
    try:
        with path.open(encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    problems.append(f"line {n}: not valid JSON ({exc.msg})")
                    continue
                problem = _alert_problem(obj)
                if problem:
                    problems.append(f"line {n}: {problem}")
                    continue
                typology = obj.get("typology") or ""
                rows.append((obj["subject_account_id"], obj["role"], typology, obj["score"]))
    except UnicodeDecodeError as exc:
        raise UserError(f"{path}: not UTF-8 text ({exc.reason})") from exc
    if problems:
        shown = "; ".join(problems[:MAX_REPORTED_LINES])
        more = len(problems) - MAX_REPORTED_LINES
        tail = f"; and {more} more" if more > 0 else ""
        raise UserError(f"{path}: {len(problems)} malformed alert line(s): {shown}{tail}")
    return pl.DataFrame(rows, schema=ALERT_SCHEMA, orient="row")


def _read_table(data_dir: Path, table: str, columns: list[str]) -> pl.DataFrame | None:
    files = _files(data_dir, table)
    if not files:
        return None
    try:
        return pl.concat([_scan(p, columns) for p in files]).collect()
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise UserError(f"{data_dir}: cannot read {table}: {exc}") from exc


def read_accounts(data_dir: Path) -> pl.DataFrame | None:
    """`account_id`, `kind` of every account, or None when the dataset has no accounts file."""
    return _read_table(data_dir, "accounts", ["account_id", "kind"])


def read_active_ids(data_dir: Path) -> pl.Series | None:
    """Ids that send or receive at least one transaction, or None without a transactions file."""
    txns = _read_table(data_dir, "transactions", ["sender_id", "receiver_id"])
    if txns is None:
        return None
    ids = pl.concat([txns["sender_id"], txns["receiver_id"].alias("sender_id")])
    return ids.drop_nulls().unique().alias("account_id")


def evaluate_paths(data_dir: Path, alerts_path: Path) -> dict[str, Any]:
    """Evaluate `alerts_path` against the dataset in `data_dir`; the result of `evaluate`, plus
    the two paths under `dataset` and `alerts_file`."""
    data_dir, alerts_path = Path(data_dir), Path(alerts_path)
    if not data_dir.is_dir():
        raise UserError(f"dataset directory not found: {data_dir}")
    labels = read_labels(data_dir)
    alerts = read_alerts(alerts_path)
    accounts = read_accounts(data_dir)
    result = evaluate(labels, alerts, accounts, active_ids=read_active_ids(data_dir))
    return {"dataset": str(data_dir), "alerts_file": str(alerts_path), **result}
