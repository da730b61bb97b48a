"""`sever ingest`: load a delivery directory into the warehouse.

Reads the contract files found in a directory; writes the contract tables,
`quarantine`, `dq_results`, `ingest_files` and one `ingest_runs` record, plus a
JSON data-quality report per run. A file that cannot be used (empty, unreadable,
missing required columns) is reported and skipped; the other files still load.
"""

from __future__ import annotations

import json
import logging
import secrets
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sever.errors import UnusableFileError, UserError
from sever.ingest import direct, signals
from sever.ingest.load import FileReport, check, decide, dq_counts, table_map, write
from sever.ingest.readers import SourceFile, discover, stage
from sever.ingest.spec import TABLES
from sever.ingest.tables import REGION, REGION_JOIN, SIGNAL_ID_TYPE_SQL
from sever.ingest.tags import parse_tags
from sever.warehouse import Warehouse

log = logging.getLogger(__name__)


@dataclass
class IngestReport:
    run_id: str
    data_dir: str
    files: list[FileReport] = field(default_factory=list)

    @property
    def unusable(self) -> list[FileReport]:
        return [f for f in self.files if f.status != "ok"]

    def totals(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for f in self.files:
            t = out.setdefault(f.table, {"read": 0, "loaded": 0, "quarantined": 0, "duplicates": 0})
            t["read"] += f.rows_read
            t["loaded"] += f.loaded
            t["quarantined"] += f.quarantined
            t["duplicates"] += f.duplicates
        return out

    def as_dict(self) -> dict:
        return {
            "run_id": self.run_id,
            "data_dir": self.data_dir,
            "files": [asdict(f) for f in self.files],
            "totals": self.totals(),
        }


def _normalise_identifiers(wh: Warehouse, table: str) -> None:
    from sever.normalize.batch import normalise_distinct

    keep: tuple[str, ...] = ()
    if table == "account_identifiers":
        # One row per file row, not per distinct value: few values repeat, and the load
        # then finds each row's result by row number instead of a four-column join.
        keep = ("__row",)
        src = (
            f"SELECT c.__row, c.id_type, c.value, {REGION} AS region, c.platform FROM chk c"
            f"{REGION_JOIN} WHERE c.__reasons IS NULL"
        )
    else:
        src = (
            f"SELECT DISTINCT {SIGNAL_ID_TYPE_SQL} AS id_type, c.indicator AS value,"
            " CAST(NULL AS VARCHAR) AS region, c.platform FROM chk c"
            f" WHERE c.__reasons IS NULL AND c.indicator IS NOT NULL"
            f" AND {SIGNAL_ID_TYPE_SQL} IS NOT NULL"
        )
    wh.run("ingest:normalise:source", f"CREATE OR REPLACE TEMP TABLE id_src AS {src}")
    # A working table, joined once by the load: never worth writing to the warehouse file.
    normalise_distinct(wh, "id_src", "id_norm", temporary=True, keep=keep)


# A file's working tables: dropped once it is loaded (or refused), since those of a large
# file (6.7M identifier rows) would otherwise hold memory the next file's staging needs.
WORKING = (
    "chk", "chk_flags", "stg", "stg_raw", "stg_lines", "stg_lines0", "typed", "dec", "q",
    "id_src", "id_norm", "direct_src", "direct_ids",
)  # fmt: skip


def ingest_file(wh: Warehouse, src: SourceFile, run_id: str) -> FileReport:
    try:
        return _ingest_file(wh, src, run_id)
    finally:
        wh.drop(*WORKING)


def _ingest_file(wh: Warehouse, src: SourceFile, run_id: str) -> FileReport:
    tm = table_map(src.table.name)
    if direct.eligible(src):
        try:
            with wh.transaction(f"ingest:{tm.spec.name}:direct"):
                rep = direct.load(wh, tm, src, run_id)
                _record(wh, run_id, rep)
            return rep
        except direct.NotClean as exc:
            log.info("%s: staged load (%s)", src.path.name, exc)
    present = stage(wh, src)
    checked = check(wh, tm, present)
    if tm.spec.name == "signals":
        parse_tags(wh)
    if tm.spec.name in ("account_identifiers", "signals"):
        _normalise_identifiers(wh, tm.spec.name)
    decide(wh, tm, src)
    if tm.spec.name == "signals":
        signals.refuse_tombstoned(wh)
    with wh.transaction(f"ingest:{tm.spec.name}:write"):
        rep = write(wh, tm, src, run_id)
        if tm.spec.name == "signals":
            repeat = signals.apply(wh)
            rep.duplicates += repeat
            rep.loaded -= repeat
        rep.dq = dq_counts(wh, checked)
        _record(wh, run_id, rep)
    if not rep.reconciles:  # a bug, never a data problem: refuse to hide it
        raise AssertionError(f"counts do not reconcile for {src.path.name}: {rep}")
    return rep


def _record(wh: Warehouse, run_id: str, rep: FileReport) -> None:
    wh.run(
        "ingest:record_file",
        "INSERT OR REPLACE INTO ingest_files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            run_id,
            rep.table,
            rep.file_name,
            rep.rows_read,
            rep.loaded,
            rep.quarantined,
            rep.duplicates,
            rep.status,
            rep.problem,
        ],
    )
    for r in rep.dq:
        wh.run(
            "ingest:record_dq",
            "INSERT INTO dq_results VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                run_id,
                rep.table,
                rep.file_name,
                r["expectation_type"],
                r["column"],
                json.dumps(r["kwargs"])[:4000],
                r["success"],
                r["element_count"],
                r["unexpected_count"],
                r["severity"],
            ],
        )


# Tables no other table is checked against and that are checked against none: their
# files load on a second connection while the others load in order (accounts before
# the identifiers and payments that must name them). Rates and signals are mostly
# small steps and Python, which leave a core idle that the big one-pass loads use.
BESIDE = ("fx_rates", "signals")


def _ingest_files(
    wh: Warehouse, sources: list[SourceFile], run_id: str, progress
) -> list[FileReport]:
    out = []
    for src in sources:
        log.info("ingesting %s (%s)", src.path.name, src.table.name)
        try:
            rep = ingest_file(wh, src, run_id)
        except UnusableFileError as exc:
            rep = FileReport(src.table.name, src.path.name, status="unusable", problem=exc.problem)
            _record(wh, run_id, rep)
        out.append(rep)
        if progress:
            progress(rep)
    return out


def run_ingest(
    wh: Warehouse, data_dir: Path, *, report_dir: Path | None = None, progress=None
) -> IngestReport:
    if not data_dir.is_dir():
        raise UserError(f"{data_dir}: not a directory")
    sources = discover(data_dir, TABLES)
    if not sources:
        raise UserError(f"{data_dir}: no contract files found (transactions, accounts, ...)")
    started = datetime.now(UTC).replace(tzinfo=None)
    run_id = f"ing-{started:%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"
    wh.run(
        "ingest:run_start",
        "INSERT INTO ingest_runs VALUES (?, ?, NULL, ?, 'running', NULL)",
        [run_id, started, str(data_dir)],
    )
    report = IngestReport(run_id, str(data_dir))
    side = [s for s in sources if s.table.name in BESIDE]
    main = [s for s in sources if s.table.name not in BESIDE]
    lane = wh.beside()
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            beside = pool.submit(_ingest_files, lane, side, run_id, progress)
            try:
                mine = _ingest_files(wh, main, run_id, progress)
            except BaseException:
                wait([beside])  # the other lane finishes its file before this error goes up
                raise
            theirs = beside.result()
    finally:
        wh.merge_timings(lane)
        lane.close()
    done = {id(s): r for s, r in zip([*main, *side], [*mine, *theirs], strict=True)}
    report.files = [done[id(src)] for src in sources]
    status = "unusable_files" if report.unusable else "ok"
    wh.run(
        "ingest:run_finish",
        "UPDATE ingest_runs SET finished_at = now()::TIMESTAMP, status = ?, summary = ?"
        " WHERE run_id = ?",
        [status, json.dumps(report.totals()), run_id],
    )
    if report_dir is not None:
        report_dir.mkdir(parents=True, exist_ok=True)
        (report_dir / f"{run_id}.dq.json").write_text(json.dumps(report.as_dict(), indent=2))
    return report
