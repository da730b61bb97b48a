"""Pass-through dwell for the accounts the graph stage reads, not for every account.

Reads f_ledger and f_in; writes f_dwell (`features/sql/dwell.sql`): per account, the median
hours between an inbound payment and the forwarding that follows it, and the money forwarded
within 24 h of arriving. It sorts each account's payments in time, the costliest feature of
a scan, and only the detectors read it: the graph stage asks for the accounts that could
pass a gate reading it, then for the candidate accounts it has not got yet.
"""

from __future__ import annotations

from sever.config import DetectionConfig
from sever.sqlutil import lit, run_sql_file
from sever.warehouse import Warehouse


def write_dwell(wh: Warehouse, cfg: DetectionConfig, accounts: str, *, fresh: bool) -> None:
    """Dwell of the accounts `accounts` (a query of account_id) yields; `fresh` replaces
    f_dwell, otherwise the accounts it holds already are skipped and the rest added."""
    if fresh:
        into = "CREATE OR REPLACE TABLE f_dwell AS"
    else:
        into = "INSERT INTO f_dwell"
        accounts = (
            f"SELECT account_id FROM ({accounts}) AS n"
            " WHERE account_id NOT IN (SELECT account_id FROM f_dwell)"
        )
    p = {
        "dwell_into": into,
        "dwell_accounts": accounts,
        "dwell_min_payers": lit(int(cfg.detectors["mule"]["min_payers"])),
    }
    run_sql_file(wh, "sever.features.sql", "dwell.sql", p)
