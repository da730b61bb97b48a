"""Rates and signals load on a second connection beside the other files (`ingest.run`).

The nightly job must get the same report and the same stored rows as a one-at-a-time
load, and an error on either connection must stop the run, not vanish in a thread.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sever.ingest import run as ingest_run
from sever.ingest.readers import discover
from sever.ingest.spec import TABLES
from sever.warehouse import open_warehouse

SAMPLE = Path(__file__).parents[2] / "data_samples" / "small"


def test_report_lists_files_in_delivery_order_with_every_row_accounted_for(tmp_path):
    wh = open_warehouse(tmp_path / "wh.duckdb")
    report = ingest_run.run_ingest(wh, SAMPLE)
    expected = [s.path.name for s in discover(SAMPLE, TABLES)]
    assert [f.file_name for f in report.files] == expected
    assert {f.table for f in report.files} >= set(ingest_run.BESIDE)
    for f in report.files:
        assert f.reconciles, f.file_name
        stored = wh.scalar(
            "n", "SELECT loaded FROM ingest_files WHERE run_id = ? AND file_name = ?",
            [report.run_id, f.file_name],
        )  # fmt: skip
        assert stored == f.loaded, f.file_name
    # Timings of both connections reach the run record.
    assert any(k.startswith("ingest:signals:") for k in wh.timings)
    assert any(k.startswith("ingest:transactions:") for k in wh.timings)
    wh.close()


@pytest.mark.parametrize("failing", ["signals", "transactions"])
def test_error_on_either_connection_stops_the_run_after_the_other_finishes(
    tmp_path, monkeypatch, failing
):
    real = ingest_run.ingest_file

    def ingest_file(wh, src, run_id):
        if src.table.name == failing:
            raise RuntimeError(f"disk full while loading {src.path.name}")
        return real(wh, src, run_id)

    monkeypatch.setattr(ingest_run, "ingest_file", ingest_file)
    wh = open_warehouse(tmp_path / "wh.duckdb")
    with pytest.raises(RuntimeError, match="disk full"):
        ingest_run.run_ingest(wh, SAMPLE)
    # The other connection's files were loaded in full before the error went up.
    other = "transactions" if failing == "signals" else "signals"
    assert wh.scalar("n", f"SELECT count(*) FROM {other}") > 0
    assert wh.scalar("n", f"SELECT count(*) FROM {failing}") == 0
    wh.close()
