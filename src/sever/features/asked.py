"""Features the graph stage asks for, for the accounts it reads rather than for everyone.

Reads f_ledger, f_edge, f_party, f_out and f_fan_in; writes f_in (`features/sql/inbound.sql`:
per payee, who pays it) and f_dwell (`dwell.sql`: per account that forwards money, the median
hours from an inbound payment to the forwarding after it, and the money forwarded within
24 h of arriving). They are the costliest features of a scan (f_in joins every payee's
payers to their ages, histories and reverse payments; f_dwell sorts each account's payments
in time) and only the detectors read them: the graph stage asks for the accounts that could
pass a gate reading dwell, then for its candidate accounts.
"""

from __future__ import annotations

from sever.config import DetectionConfig
from sever.features import detector_params
from sever.sqlutil import run_sql_file
from sever.warehouse import Warehouse

FILES = {"f_in": "inbound.sql", "f_dwell": "dwell.sql"}


def write_for(
    wh: Warehouse, cfg: DetectionConfig, table: str, accounts: str, *, fresh: bool
) -> None:
    """Write `table` (f_in or f_dwell) for the accounts `accounts` (a query of account_id)
    yields: `fresh` replaces the table, otherwise the accounts it holds are skipped."""
    if fresh:
        into = f"CREATE OR REPLACE TABLE {table} AS"
    else:
        into = f"INSERT INTO {table}"
        accounts = (
            f"SELECT account_id FROM ({accounts}) AS n"
            f" WHERE account_id NOT IN (SELECT account_id FROM {table})"
        )
    p = detector_params(cfg) | {"into": into, "accounts": accounts}
    run_sql_file(wh, "sever.features.sql", FILES[table], p)
