"""Every case of the bad-input corpus (tests/data/bad_inputs) ingested through the CLI.

Checks the exit code, what the terminal says, per-file counts (which must
reconcile: read = loaded + quarantined + duplicates) and the exact set of
quarantined rows with their reasons.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from sever.cli import _register, app
from sever.warehouse import open_warehouse

CORPUS = Path(__file__).parent.parent / "data" / "bad_inputs"
CASES = sorted(p.name for p in CORPUS.iterdir() if (p / "expect.yaml").exists())

_register()


def _ingest(wh_path: Path, data_dir: Path, report_dir: Path):
    return CliRunner().invoke(
        app, ["ingest", str(data_dir), "--warehouse", str(wh_path), "--report-dir", str(report_dir)]
    )


@pytest.mark.parametrize("case", CASES)
def test_bad_input_case(case: str, tmp_path: Path) -> None:
    folder = CORPUS / case
    expect = yaml.safe_load((folder / "expect.yaml").read_text())
    wh_path = tmp_path / "wh.duckdb"
    for delivery in expect["deliveries"]:
        result = _ingest(wh_path, folder / delivery, tmp_path / "reports")
    assert result.exit_code == expect["exit_code"], result.output
    for text in expect.get("output_contains", []):
        assert text in result.output, f"{text!r} not in output:\n{result.output}"

    wh = open_warehouse(wh_path)
    try:
        run_id = wh.scalar(
            "last_run", "SELECT run_id FROM ingest_runs ORDER BY started_at DESC LIMIT 1"
        )
        files = {
            r["file_name"]: r
            for r in wh.records("files", "SELECT * FROM ingest_files WHERE run_id = ?", [run_id])
        }
        for name, want in expect["files"].items():
            got = files[name]
            if "unusable" in want:
                assert got["status"] == "unusable"
                assert want["unusable"].lower() in got["problem"].lower(), got["problem"]
                continue
            counts = {
                k: got[f]
                for k, f in (
                    ("read", "rows_read"),
                    ("loaded", "loaded"),
                    ("quarantined", "quarantined"),
                    ("duplicates", "duplicates"),
                )
            }
            assert counts == want, f"{name}: {counts} != {want}"
            assert counts["read"] == counts["loaded"] + counts["quarantined"] + counts["duplicates"]
        quarantined = wh.records(
            "quarantine",
            "SELECT file_name, row_number, reasons FROM quarantine WHERE first_run_id = ?"
            " ORDER BY file_name, row_number",
            [run_id],
        )
    finally:
        wh.close()
    got_rows = {(q["file_name"], q["row_number"]): q["reasons"] for q in quarantined}
    want_rows = {(q["file"], q["row"]): q["reason_contains"] for q in expect.get("quarantine", [])}
    assert set(got_rows) == set(want_rows), f"quarantined rows {sorted(got_rows)}"
    for key, needles in want_rows.items():
        text = " | ".join(got_rows[key]).lower()
        for needle in needles:
            assert needle.lower() in text, f"{key}: {needle!r} not in {got_rows[key]}"
