"""Test world for the scheduler: a generated delivery cut into day folders, a schedule file."""

from __future__ import annotations

import csv
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import yaml

from sever.ops.config import ScheduleConfig, load

RULES = Path(__file__).parents[2] / "rules"
REFERENCE = ("accounts.csv", "account_identifiers.csv", "fx_rates.csv", "signals.jsonl")


def ledger_days(src: Path) -> list[date]:
    with (src / "transactions.csv").open(newline="", encoding="utf-8") as fh:
        return sorted({_day(r["ts"]) for r in csv.DictReader(fh)})


def _day(ts: str) -> date:
    return datetime.fromisoformat(ts).astimezone(UTC).date()


def write_day(
    src: Path, inbox: Path, day: date, *, first: date | None = None, bad_rows: bool = False
) -> Path:
    """inbox/<day>/ with that UTC day's payments (from `first` on, when given).

    Reference files (accounts, identifiers, rates, signals) go with the first folder written
    with `first` set, as an institution's initial load would. `bad_rows` adds three rows
    the loader must quarantine: a negative amount, an unknown currency, and a payment id
    repeated with other content.
    """
    folder = inbox / day.isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    with (src / "transactions.csv").open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        rows = [r for r in reader if (first or day) <= _day(r["ts"]) <= day]
        fields = reader.fieldnames
    with (folder / "transactions.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
        if bad_rows:
            writer.writerow({**rows[0], "txn_id": rows[0]["txn_id"] + "_neg", "amount": "-5.00"})
            writer.writerow({**rows[1], "txn_id": rows[1]["txn_id"] + "_cur", "currency": "ZZZ"})
            writer.writerow({**rows[2], "amount": "999999.99"})
    if first is not None:
        for name in REFERENCE:
            shutil.copyfile(src / name, folder / name)
    return folder


def write_schedule(root: Path, **jobs) -> tuple[Path, ScheduleConfig]:
    """A schedule file in `root` (warehouse, inbox and runs under it); returns path and config."""
    body = {
        "timezone": "UTC",
        "warehouse": "wh/sever.duckdb",
        "lock": {"wait": "5s"},
        "retry": {"attempts": 2, "backoff": 0},
        "jobs": {
            "nightly_scan": {
                "cron": "30 2 * * *",
                "inbox": "inbox",
                "out": "runs",
                "rules": str(RULES),
            },
            **jobs,
        },
    }
    path = root / "schedule.yaml"
    path.write_text(yaml.safe_dump(body, sort_keys=False))
    return path, load(path)
