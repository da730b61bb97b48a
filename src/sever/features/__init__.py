"""Features stage: windowed per-account and per-edge features, all in SQL.

Reads transactions, accounts, account_identifiers and fx_rates; writes the
tables f_ledger, f_party, f_edge, f_out, f_fan_in and f_shared (f_ledger and f_shared
are kept between scans where their inputs allow: `features.reuse`). f_in and f_dwell are
written for the accounts the graph stage asks for (`features.asked`).
Nothing here pulls ledger rows into Python.
"""

from __future__ import annotations

from datetime import datetime

from sever.config import DetectionConfig
from sever.sqlutil import keyword_regex, lit, lit_list, run_sql_file
from sever.warehouse import Warehouse

FILES = ("01_ledger.sql", "02_edges.sql", "03_accounts.sql", "04_shared.sql")


def params(cfg: DetectionConfig, as_of: datetime, window_from: datetime) -> dict[str, str]:
    """Every SQL file's parameters: the scan window and `detector_params`."""
    return {"as_of": lit(as_of), "window_from": lit(window_from)} | detector_params(cfg)


def detector_params(cfg: DetectionConfig) -> dict[str, str]:
    f = cfg.detectors
    return {
        "plea_regex": keyword_regex(cfg.plea_keywords),
        "innocuous_regex": keyword_regex(cfg.innocuous_memo_keywords),
        "night_start": lit(cfg.night_start_hour),
        "night_end": lit(cfg.night_end_hour),
        "minor_age": lit(cfg.minor_age),
        "young_age": lit(cfg.young_age),
        "concern_sextortion": lit_list(cfg.jurisdictions_of_concern["financial_sextortion"]),
        "concern_csam": lit_list(cfg.jurisdictions_of_concern["csam_purchase"]),
        "small_min": lit(float(f["csam_consumer"]["small_min_usd"])),
        "small_max": lit(float(f["csam_consumer"]["small_max_usd"])),
        "thin_history": lit(int(f["sextortion_collector"]["thin_history_max_p2p"])),
        "escalation_ratio": lit(float(f["victim"]["escalation_ratio"])),
        "escalation_hours": lit(float(f["victim"]["max_span_hours"])),
        "dwell_min_payers": lit(int(f["mule"]["min_payers"])),
        "shared_types": lit_list(cfg.shared_identifier_types),
        "shared_max": lit(cfg.shared_identifier_max_accounts),
    }


def build_features(
    wh: Warehouse, cfg: DetectionConfig, as_of: datetime, window_from: datetime
) -> dict[str, str]:
    """Write every feature table; return how f_ledger, f_edge and f_shared were brought up
    to date."""
    from sever.features.reuse import build_edges, build_ledger, build_shared, ledger_state

    p = params(cfg, as_of, window_from)
    how = {}
    state, slid_from = ledger_state(wh), None
    for name in FILES:
        if name == "01_ledger.sql":
            how["f_ledger"], slid_from = build_ledger(wh, p, as_of, window_from, state)
        elif name == "02_edges.sql":
            how["f_edge"] = build_edges(wh, p, as_of, window_from, state, slid_from)
        elif name == "04_shared.sql":
            how["f_shared"] = build_shared(wh, p)
        else:
            run_sql_file(wh, "sever.features.sql", name, p)
    return how
