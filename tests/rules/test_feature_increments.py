"""Nightly rule-feature builds rewrite only the days new data touches, and get the same
tables as a full rebuild: late payments, a changed fx rate and an account correction
included."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from rules_oracle import START, _write, make_ledger
from test_feature_windows import _same

from sever.ingest import run_ingest
from sever.rules import windows
from sever.rules.features import ensure_rule_features
from sever.warehouse import Warehouse, open_warehouse


def _tables(wh: Warehouse) -> dict[str, dict[tuple, dict]]:
    keys = {
        "f_rule_account_day": ("account_id", "day"),
        "f_rule_pair_day": ("payer", "payee", "day"),
        "f_rule_pair_first": ("payer", "payee"),
    }
    return {
        table: {
            tuple(r[k] for k in key): r for r in wh.records("test:snap", f"SELECT * FROM {table}")
        }
        for table, key in keys.items()
    }


def _differences(got: dict, want: dict) -> list:
    out: list = []
    for table in want:
        if set(got[table]) != set(want[table]):
            out.append((table, "rows", set(got[table]) ^ set(want[table])))
            continue
        out += [
            (table, key, col)
            for key, row in want[table].items()
            for col, value in row.items()
            if not _same(got[table][key][col], value)
        ]
    return out


def _deliver(wh: Warehouse, folder: Path, accounts, txns, rates) -> None:
    _write(folder, accounts, txns, rates)
    report = run_ingest(wh, folder)
    assert not any(f.quarantined for f in report.files), report.as_dict()


@pytest.mark.parametrize("join_max_days", [0, 1000], ids=["frames", "kept"])
def test_incremental_builds_equal_full_builds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, join_max_days: int
) -> None:
    # Both forms of the windows (sever.rules.windows) must give the full build's values.
    monkeypatch.setattr(windows, "JOIN_MAX_DAYS", join_max_days)
    accounts, txns, rates = make_ledger(7, tmp_path / "all")
    day = lambda t: (t.ts - START).days  # noqa: E731
    late = [t for t in txns if 5 <= day(t) <= 12][:3]  # delivered a delivery late
    first = [t for t in txns if day(t) < 20 and t not in late]
    second = [t for t in txns if 20 <= day(t) < 35] + late
    third = [t for t in txns if day(t) >= 35]
    assert first and second and third
    wh = open_warehouse(None, threads=1, memory_limit=None)
    try:
        cut = {d: r for d, r in rates.items() if d < START.date() + timedelta(days=20)}
        _deliver(wh, tmp_path / "d1", accounts, first, cut)
        assert ensure_rule_features(wh)["mode"] == "full"

        _deliver(wh, tmp_path / "d2", accounts, second, rates)
        build = ensure_rule_features(wh)
        assert build["mode"] == "incremental"
        assert build["from_day"] == min(t.ts.date() for t in late)
        incremental = _tables(wh)
        ensure_rule_features(wh, force=True)
        assert not _differences(incremental, _tables(wh))

        # New days read only the 30 days before them; a corrected fx rate rewrites from its
        # date, a corrected birth date from the account's first payment.
        changed = dict(rates)
        fx_day = START.date() + timedelta(days=40)
        changed[fx_day] = round(rates[fx_day] * 1.5, 4)
        _deliver(wh, tmp_path / "d3", accounts, third, changed)
        build = ensure_rule_features(wh)
        assert build["mode"] == "incremental"
        assert build["from_day"] == min(t.ts.date() for t in third)
        incremental = _tables(wh)
        ensure_rule_features(wh, force=True)
        assert not _differences(incremental, _tables(wh))

        fixed = dict(accounts)
        fixed["a1"] = {**accounts["a1"], "birth_date": date(2012, 5, 5)}
        _deliver(wh, tmp_path / "d4", fixed, [], changed)
        build = ensure_rule_features(wh)
        assert build["mode"] == "incremental"
        assert build["from_day"] == min(t.ts.date() for t in txns if "a1" in (t.sender, t.receiver))
        incremental = _tables(wh)
        ensure_rule_features(wh, force=True)
        assert not _differences(incremental, _tables(wh))
        # A quiet night: one payment between two accounts rewrites their rows only, each
        # with all of its 30-day history (the payee's other payers included).
        late_pay = dataclasses.replace(
            txns[0], txn_id="t9999", ts=START + timedelta(days=52, hours=3), sender="a3",
            receiver="a0", status="completed", offset=None,
        )  # fmt: skip
        _deliver(wh, tmp_path / "d5", fixed, [late_pay], changed)
        build = ensure_rule_features(wh)
        assert build["mode"] == "incremental" and build["from_day"] == late_pay.ts.date()
        incremental = _tables(wh)
        ensure_rule_features(wh, force=True)
        assert not _differences(incremental, _tables(wh))
        # A payment of that pair delivered late, before its first day: the pair is older.
        first = wh.scalar(
            "test:first", "SELECT first_dn FROM f_rule_pair_first WHERE payer = 'a3'"
            " AND payee = 'a0'",
        )  # fmt: skip
        older = dataclasses.replace(
            late_pay, txn_id="t9998", ts=datetime(1970, 1, 1) + timedelta(days=first - 3, hours=1)
        )
        _deliver(wh, tmp_path / "d6", fixed, [older], changed)
        build = ensure_rule_features(wh)
        assert build["mode"] == "incremental" and build["from_day"] == older.ts.date()
        incremental = _tables(wh)
        assert incremental["f_rule_pair_first"][("a3", "a0")]["first_dn"] == first - 3
        ensure_rule_features(wh, force=True)
        assert not _differences(incremental, _tables(wh))
        assert ensure_rule_features(wh)["mode"] == "none"  # nothing new: nothing built
    finally:
        wh.close()


def test_removed_payments_bring_a_full_build(tmp_path: Path) -> None:
    accounts, txns, rates = make_ledger(8, tmp_path / "all")
    wh = open_warehouse(None, threads=1, memory_limit=None)
    try:
        _deliver(wh, tmp_path / "d1", accounts, txns, rates)
        ensure_rule_features(wh)
        wh.run(
            "test:retention", "DELETE FROM transactions WHERE ts < ?", [START + timedelta(days=9)]
        )
        build = ensure_rule_features(wh)
        assert build["mode"] == "full"
        days = wh.scalar("test:min_day", "SELECT min(day) FROM f_rule_account_day")
        assert days >= (START + timedelta(days=9)).date()
    finally:
        wh.close()
