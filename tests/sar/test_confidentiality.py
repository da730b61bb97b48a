"""Nothing customer-facing reveals that a SAR exists: the alerts export is byte-identical
before and after a case is opened, drafted, approved and filed on its alerts."""

from __future__ import annotations

import re

from sever.alerts.export import export_jsonl
from sever.cases import approve, file_case, open_case
from sever.sar import draft, export

WORDS = re.compile(r"\bsars?\b|\bcase-\d|fincen|\bbsa\b|suspicious activity report|goaml")


def test_alerts_export_does_not_change_when_a_sar_exists(
    wh, ring, detection, institution, tmp_path
) -> None:
    run_id = wh.scalar("t", "SELECT max(run_id) FROM scan_runs")
    before_open = export_jsonl(wh, tmp_path / "before_open").read_bytes()
    before_run = export_jsonl(wh, tmp_path / "before_run", run_id).read_bytes()
    ids = [ring["collector"], ring["mule"], ring["victim"]]
    case_id = open_case(wh, ids, "ana")["case_id"]
    draft(wh, case_id, "ana", detection, institution)
    approve(wh, case_id, "bob")
    export(wh, case_id, tmp_path / "pack")
    file_case(wh, case_id, "bob", "31000123456789")
    after_open = export_jsonl(wh, tmp_path / "after_open").read_bytes()
    after_run = export_jsonl(wh, tmp_path / "after_run", run_id).read_bytes()
    assert after_open == before_open
    assert after_run == before_run
    assert not WORDS.search(after_open.decode().lower())
    for alert_id in ids:
        assert alert_id in after_open.decode(), "the case's alerts are still exported"


def test_case_and_sar_tables_are_kept_apart_from_alert_tables(wh) -> None:
    alert_columns = {
        c.lower()
        for (c,) in wh.rows(
            "t",
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_name IN ('alerts', 'alert_history')",
        )
    }
    assert not {c for c in alert_columns if "case" in c or "sar" in c}
