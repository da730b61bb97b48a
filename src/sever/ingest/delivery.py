"""Write small deliveries in the contract's file format from rows given as dicts.

Reads nothing; writes `accounts.csv`, `transactions.csv`, `account_identifiers.csv`,
`fx_rates.csv` and `signals.jsonl` into a folder. Used wherever a tiny ledger is given
as data (rule cases, detector cases) and must go through the real ingest.
"""

from __future__ import annotations

import csv
import itertools
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

FILES = {  # key in a case -> contract file it becomes
    "accounts": "accounts.csv",
    "transactions": "transactions.csv",
    "identifiers": "account_identifiers.csv",
    "fx_rates": "fx_rates.csv",
    "signals": "signals.jsonl",
}


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def write_delivery(folder: Path, tables: Mapping[str, Iterable[dict[str, Any]]]) -> None:
    """One file per non-empty table; CSV columns in first-seen order."""
    folder.mkdir(parents=True, exist_ok=True)
    for key, name in FILES.items():
        rows = list(tables.get(key, ()))
        if not rows:
            continue
        if name.endswith(".jsonl"):
            (folder / name).write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
            continue
        columns = list(dict.fromkeys(itertools.chain.from_iterable(rows)))
        with (folder / name).open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(columns)
            writer.writerows([_cell(r.get(c)) for c in columns] for r in rows)
