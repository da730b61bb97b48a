"""f_rule_account_day and f_rule_pair_day against a plain-Python oracle on random ledgers.

Also: the tables hold exactly the vocabulary's columns, and a second build with the
same inputs is skipped (fingerprint).
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from rules_oracle import make_ledger, oracle

from sever.config import load
from sever.ingest import run_ingest
from sever.rules import vocabulary as v
from sever.rules.features import ensure_rule_features
from sever.warehouse import open_warehouse


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, float) or isinstance(b, float):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    return a == b


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_tables_match_the_oracle(seed: int, tmp_path: Path) -> None:
    accounts, txns, rates = make_ledger(seed, tmp_path / "ledger")
    wh = open_warehouse(None, threads=1, memory_limit=None)
    try:
        report = run_ingest(wh, tmp_path / "ledger")
        assert not any(f.quarantined for f in report.files), report.as_dict()
        ensure_rule_features(wh)
        got = {
            (r["account_id"], r["day"]): r
            for r in wh.records("test:account_day", "SELECT * FROM f_rule_account_day")
        }
        got_pairs = {
            (r["payer"], r["payee"], r["day"]): r
            for r in wh.records("test:pair_day", "SELECT * FROM f_rule_pair_day")
        }
    finally:
        wh.close()
    want, want_pairs = oracle(accounts, txns, rates, load())
    assert set(got) == set(want)
    assert set(got_pairs) == set(want_pairs)
    # Every column of the tables is checked; the oracle computes more than they hold.
    wrong = [
        (key, col, value, want[key][col])
        for key, row in got.items()
        for col, value in row.items()
        if col not in ("account_id", "day") and not _same(value, want[key][col])
    ]
    wrong += [
        (key, col, value, want_pairs[key][col])
        for key, row in got_pairs.items()
        for col, value in row.items()
        if col not in ("payer", "payee", "day") and not _same(value, want_pairs[key][col])
    ]
    assert not wrong, f"{len(wrong)} cells differ, e.g. {wrong[:8]}"


def test_columns_are_the_vocabulary(tmp_path: Path) -> None:
    make_ledger(4, tmp_path / "ledger")
    wh = open_warehouse(None, threads=1, memory_limit=None)
    try:
        run_ingest(wh, tmp_path / "ledger")
        first = ensure_rule_features(wh)
        again = ensure_rule_features(wh)
        account_cols = [d[0] for d in wh.run("t", "SELECT * FROM f_rule_account_day").description]
        pair_cols = [d[0] for d in wh.run("t", "SELECT * FROM f_rule_pair_day").description]
    finally:
        wh.close()
    assert account_cols == ["account_id", "day", *v.account_day_columns()]
    assert pair_cols == ["payer", "payee", "day", *v.pair_day_columns()]
    assert first["built"] and not again["built"]
