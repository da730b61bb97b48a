"""The one-pass load of clean CSV files (`ingest.direct`) against the staged path.

A clean delivery must be stored exactly as the staged path stores it; any file
the one pass cannot vouch for (a bad row, a repeated or stored key past the
first rows it probes, a record spanning lines) must leave no trace of the
attempt and be loaded, quarantined and counted by the staged path.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from sever.ingest import direct, run_ingest
from sever.warehouse import open_warehouse

SAMPLE = Path(__file__).parents[2] / "data_samples" / "small"
LOADED = ("accounts", "account_identifiers", "transactions")
# Columns that say when or by which run a row was stored: they differ between two runs.
RUN_COLUMNS = {"run_id", "updated_at", "first_run_id", "quarantined_at"}


def _ingest(wh_path: Path, data_dir: Path):
    wh = open_warehouse(wh_path)
    try:
        return wh, run_ingest(wh, data_dir)
    except BaseException:
        wh.close()
        raise


def _methods(report) -> dict[str, str]:
    return {f.table: f.method for f in report.files}


def _delivery(tmp_path: Path, *names: str) -> Path:
    folder = tmp_path / "delivery"
    folder.mkdir()
    for name in names:
        shutil.copy(SAMPLE / name, folder / name)
    return folder


def _append(path: Path, *lines: str) -> None:
    with path.open("a", encoding="utf-8") as fh:
        fh.writelines(line + "\n" for line in lines)


def _txn_line(
    txn_id: str,
    amount: str = "12.50",
    memo: str = "lunch",
    channel: str = "p2p",
    **fields: str,
) -> str:
    """A payment line in the sample's 13 columns, between two of its accounts."""
    sender, receiver = _two_accounts()
    row = {
        "ts": "2026-10-01T10:00:00Z",
        "sender": sender,
        "currency": "USD",
        "status": "completed",
        "country": "US",
    } | fields
    return (
        f"{txn_id},{row['ts']},{row['sender']},{receiver},{amount},{row['currency']},{channel},"
        f"{row['status']},{memo},{row['country']},US,,"
    )


def _two_accounts() -> tuple[str, str]:
    rows = (SAMPLE / "accounts.csv").read_text(encoding="utf-8").splitlines()
    return rows[1].split(",")[0], rows[2].split(",")[0]


def _as_parquet(tmp_path: Path) -> Path:
    """The sample with its loaded tables as Parquet: payments typed (UTC timestamps, decimal
    amounts) as an export would type them, the other tables as text."""
    folder = tmp_path / "parquet"
    folder.mkdir()
    con = duckdb.connect()
    for name in ("fx_rates.csv", "signals.jsonl"):
        shutil.copy(SAMPLE / name, folder / name)
    typed = {"transactions": "* REPLACE (CAST(ts AS TIMESTAMPTZ) AS ts,"
             " CAST(amount AS DECIMAL(18, 2)) AS amount)"}  # fmt: skip
    for table in LOADED:
        cols = typed.get(table, "*")
        con.execute(
            f"COPY (SELECT {cols} FROM read_csv('{SAMPLE / table}.csv', all_varchar=true))"
            f" TO '{folder / table}.parquet' (FORMAT parquet)"
        )
    con.close()
    return folder


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_clean_delivery_loads_in_one_pass_as_the_staged_path_would(tmp_path, monkeypatch, fmt):
    delivery = SAMPLE if fmt == "csv" else _as_parquet(tmp_path)
    wh, report = _ingest(tmp_path / "direct.duckdb", delivery)
    assert _methods(report) == {
        "fx_rates": "staged",
        "accounts": "direct",
        "account_identifiers": "direct",
        "signals": "staged",
        "transactions": "direct",
    }
    _assert_staged_path_stores_the_same(wh, report, tmp_path, delivery, monkeypatch)
    dq = wh.rows(
        "dq",
        "SELECT count(*), count_if(NOT success), min(element_count) FROM dq_results"
        " WHERE table_name = 'transactions'",
    )[0]
    assert dq[0] > 10 and dq[1] == 0 and dq[2] == report.totals()["transactions"]["read"]
    wh.close()


def _assert_staged_path_stores_the_same(wh, report, tmp_path, delivery, monkeypatch) -> None:
    """The delivery, ingested again with the one pass switched off, is stored alike."""
    monkeypatch.setattr(direct, "eligible", lambda src: False)
    staged, staged_report = _ingest(tmp_path / "staged.duckdb", delivery)
    assert {f.method for f in staged_report.files} == {"staged"}
    assert report.totals() == staged_report.totals()
    staged.close()
    wh.run("attach", f"ATTACH '{tmp_path / 'staged.duckdb'}' AS staged (READ_ONLY)")
    for table in (*LOADED, "quarantine"):
        cols = [c for (c,) in wh.rows("cols", f"SELECT name FROM pragma_table_info('{table}')")]
        keep = ", ".join(c for c in cols if c not in RUN_COLUMNS)
        one_way = f"SELECT {keep} FROM {table} EXCEPT ALL SELECT {keep} FROM staged.{table}"
        other = f"SELECT {keep} FROM staged.{table} EXCEPT ALL SELECT {keep} FROM {table}"
        assert wh.scalar("diff", f"SELECT count(*) FROM ({one_way})") == 0, table
        assert wh.scalar("diff", f"SELECT count(*) FROM ({other})") == 0, table
        if table != "quarantine":
            assert wh.scalar("n", f"SELECT count(*) FROM {table}") > 0
    wh.run("detach", "DETACH staged")


def test_each_offset_spelling_gives_the_senders_offset_and_utc_time(tmp_path, monkeypatch):
    # The offset drives "paid late at night" (payer's local hour): it must survive every
    # spelling the contract allows, and both paths must store the same.
    spellings = {
        "2026-10-01T23:30:00+05:30": (330, "2026-10-01 18:00:00"),
        "2026-10-01T23:30:00+0530": (330, "2026-10-01 18:00:00"),
        "2026-10-01T01:15:00-08": (-480, "2026-10-01 09:15:00"),
        "2026-10-01T01:15:00.5-09:30": (-570, "2026-10-01 10:45:00.5"),
        "2026-10-01T01:15:00,25+01:00": (60, "2026-10-01 00:15:00.25"),
        "2026-10-01 01:15Z": (0, "2026-10-01 01:15:00"),
        "2026-10-01T01:15:00-00:00": (0, "2026-10-01 01:15:00"),
    }
    folder = _delivery(tmp_path, "accounts.csv", "account_identifiers.csv", "transactions.csv")
    ids = {f"tx_tz_{i}": ts for i, ts in enumerate(spellings)}
    _append(folder / "transactions.csv", *(_txn_line(t, ts=f'"{ts}"') for t, ts in ids.items()))
    wh, report = _ingest(tmp_path / "wh.duckdb", folder)
    assert _methods(report)["transactions"] == "direct"
    stored = dict(
        (t, (off, str(utc)))
        for t, off, utc in wh.rows(
            "tz",
            "SELECT txn_id, ts_offset_minutes, ts FROM transactions WHERE txn_id LIKE 'tx_tz_%'",
        )
    )
    for txn_id, text in ids.items():
        offset, utc = spellings[text]
        assert stored[txn_id][0] == offset, text
        assert stored[txn_id][1].rstrip("0") == utc.rstrip("0"), text
    _assert_staged_path_stores_the_same(wh, report, tmp_path, folder, monkeypatch)
    wh.close()


def test_identifiers_python_decides_are_stored_alike_however_many_rounds(tmp_path, monkeypatch):
    from sever.normalize import batch

    monkeypatch.setattr(batch, "CHUNK", 7)  # the sample leaves dozens open: many rounds
    folder = _delivery(tmp_path, "accounts.csv", "account_identifiers.csv", "transactions.csv")
    wh, report = _ingest(tmp_path / "wh.duckdb", folder)
    assert _methods(report)["account_identifiers"] == "direct"
    urls = wh.scalar("n", "SELECT count(*) FROM account_identifiers WHERE id_type = 'url'")
    assert urls > 3 * batch.CHUNK  # URLs are always Python's
    _assert_staged_path_stores_the_same(wh, report, tmp_path, folder, monkeypatch)
    wh.close()


@pytest.mark.parametrize(
    ("case", "fields"),
    [
        # Values the staged path cleans (trims, folds case) or refuses; the one pass reads
        # checked columns as they are, so each must still end up stored as staged stores it.
        ("padded timestamp", {"ts": " 2026-10-01T10:00:00Z"}),
        ("lower-case currency", {"currency": "usd"}),
        ("upper-case status", {"status": "COMPLETED"}),
        ("padded sender", {"sender": f" {_two_accounts()[0]} "}),
        ("padded country", {"country": "US "}),
        ("empty quoted status", {"status": '""'}),
        ("timestamp without offset", {"ts": "2026-10-01T10:00:00"}),
        ("day that does not exist", {"ts": "2026-02-30T10:00:00Z"}),
        ("hour that does not exist", {"ts": "2026-10-01T25:00:00+02:00"}),
        ("padded memo", {"memo": " lunch "}),
        ("identifier first seen on a day that does not exist", {"seen": "2026-02-30T10:00:00Z"}),
        ("identifier type in capitals", {"id_type": "EMAIL"}),
    ],
)
def test_values_cleaning_would_change_are_stored_as_the_staged_path_stores_them(
    tmp_path, monkeypatch, case, fields
):
    folder = _delivery(tmp_path, "accounts.csv", "account_identifiers.csv", "transactions.csv")
    _append(folder / "transactions.csv", _txn_line("tx_odd_1", **fields))
    id_type, seen = fields.pop("id_type", "email"), fields.pop("seen", "")
    _append(folder / "account_identifiers.csv", f"{_two_accounts()[0]},{id_type},o@x.org,,{seen},")
    wh, report = _ingest(tmp_path / "wh.duckdb", folder)
    assert all(f.reconciles for f in report.files), case
    _assert_staged_path_stores_the_same(wh, report, tmp_path, folder, monkeypatch)
    wh.close()


@pytest.mark.parametrize(
    ("case", "lines", "expect"),
    [
        # (description, lines appended after the sample's rows, (loaded extra, quarantined,
        # duplicates)): each is found past the rows the one pass probes before it starts.
        ("negative amount", [_txn_line("tx_new_1", amount="-3.00")], (0, 1, 0)),
        ("repeated key", [_txn_line("tx_new_2"), _txn_line("tx_new_2")], (1, 0, 1)),
        ("conflicting key", [_txn_line("tx_new_3"), _txn_line("tx_new_3", "9.99")], (1, 1, 0)),
        ("unknown channel", [_txn_line("tx_new_6", channel="pigeon")], (0, 1, 0)),
        ("multi-line memo", [_txn_line("tx_new_4", memo='"two\nlines"')], (1, 0, 0)),
        ("ragged line", ["tx_new_5,2026-10-01T10:00:00Z"], (0, 1, 0)),
    ],
)
def test_file_the_one_pass_cannot_vouch_for_is_staged_without_leftovers(
    tmp_path, case, lines, expect
):
    folder = _delivery(tmp_path, "accounts.csv", "transactions.csv")
    sample_rows = len((SAMPLE / "transactions.csv").read_text(encoding="utf-8").splitlines()) - 1
    assert sample_rows > direct.PROBE_ROWS
    _append(folder / "transactions.csv", *lines)
    wh, report = _ingest(tmp_path / "wh.duckdb", folder)
    rep = next(f for f in report.files if f.table == "transactions")
    assert rep.method == "staged", case
    extra, quarantined, duplicates = expect
    assert (rep.loaded, rep.quarantined, rep.duplicates) == (
        sample_rows + extra,
        quarantined,
        duplicates,
    ), case
    assert rep.reconciles
    stored = wh.scalar("n", "SELECT count(*) FROM transactions")
    assert stored == sample_rows + extra, case  # nothing left over from the one-pass attempt
    wh.close()


def test_stored_key_past_the_probe_sends_a_later_delivery_to_the_staged_path(tmp_path):
    first = _delivery(tmp_path, "accounts.csv", "transactions.csv")
    wh, report = _ingest(tmp_path / "wh.duckdb", first)
    assert _methods(report)["transactions"] == "direct"
    wh.close()
    later = tmp_path / "later"
    later.mkdir()
    stored = (SAMPLE / "transactions.csv").read_text(encoding="utf-8").splitlines()
    new = [_txn_line(f"tx_late_{i}") for i in range(direct.PROBE_ROWS + 5)]
    last = stored[-1].split(",")
    last[4] = "1234.56"  # a stored payment re-sent with another amount, after the probe's rows
    (later / "transactions.csv").write_text("\n".join([stored[0], *new, ",".join(last)]) + "\n")
    wh, report = _ingest(tmp_path / "wh.duckdb", later)
    rep = report.files[0]
    assert rep.method == "staged"
    assert (rep.loaded, rep.quarantined, rep.duplicates) == (len(new), 1, 0)
    q = wh.rows("q", "SELECT reasons FROM quarantine WHERE file_name = 'transactions.csv'")
    assert len(q) == 1 and "conflicts with the row already loaded" in q[0][0][0]
    wh.close()


def test_redelivered_file_is_recognised_before_the_one_pass(tmp_path):
    folder = _delivery(tmp_path, "accounts.csv", "account_identifiers.csv", "transactions.csv")
    wh, first = _ingest(tmp_path / "wh.duckdb", folder)
    assert set(_methods(first).values()) == {"direct"}
    wh.close()
    wh, again = _ingest(tmp_path / "wh.duckdb", folder)
    assert {f.method for f in again.files} == {"staged"}
    for f in again.files:
        assert f.loaded == 0 and f.duplicates == f.rows_read, f.table
    assert wh.timings.get("ingest:transactions:direct_insert") is None
    wh.close()
