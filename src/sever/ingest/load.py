"""Load one staged file into its warehouse table, idempotently.

Reads `stg`/`stg_rejects` (from `readers.stage`) and writes the table's
warehouse table, `quarantine` and `dq_results`. One SQL pass cleans the text
and evaluates the table's expectation suite; rows with any quarantine reason
go to `quarantine` with every reason; the rest are typed, de-duplicated within
the file and against the warehouse, then inserted (or, for reference data,
updated). A transaction that re-appears with other content is a conflict and is
quarantined; the stored row is never overwritten.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sever.ingest import dq_sql
from sever.ingest.readers import SourceFile
from sever.ingest.suites import suite_for
from sever.ingest.tables import BY_NAME, TableMap, clean_expr
from sever.warehouse import Warehouse


@dataclass
class FileReport:
    table: str
    file_name: str
    rows_read: int = 0
    loaded: int = 0
    quarantined: int = 0
    duplicates: int = 0
    status: str = "ok"
    problem: str | None = None
    method: str = "staged"  # or "direct": a clean file loaded in one pass (ingest.direct)
    dq: list[dict[str, Any]] = field(default_factory=list)

    @property
    def reconciles(self) -> bool:
        return self.rows_read == self.loaded + self.quarantined + self.duplicates


def load_label(method: str) -> str:
    """How a file was loaded, in words: in one pass (a clean file) or staged."""
    return "one pass" if method == "direct" else method


def _on(keys: tuple[str, ...], a: str, b: str) -> str:
    return " AND ".join(f"{a}.{k} = {b}.{k}" for k in keys)


def _same(cols: tuple[str, ...], a: str, b: str) -> str:
    return " AND ".join(f"{a}.{c} IS NOT DISTINCT FROM {b}.{c}" for c in cols)


def check(wh: Warehouse, tm: TableMap, present: list[str]) -> dict[str, Any]:
    """Write `chk_flags` (one flag per expectation and the row's reasons) and the view `chk`.

    Only the rows with a flag set are materialised, usually a handful: `chk`
    re-derives the cleaned text from `stg` (cheap trims) and looks the flags up by
    row number, so a 10M-row file is neither copied a second time nor joined with
    a table of its own size. A row absent from `chk_flags` passed every check.
    """
    suite = suite_for(tm.spec.name)
    cleaned = ", ".join(clean_expr(c, c.name in present) for c in tm.spec.columns)
    deleting = "coalesce(c.should_delete IN ('true', '1', 'yes'), false)"
    preds = dq_sql.row_predicates(
        suite, set(present), deleting if tm.spec.name == "signals" else None
    )
    flags = [f"{p} AS e_{i}" for i, p in preds]
    flagged = [i for i, _ in preds]
    wh.drop("chk", "chk_flags")
    wh.run(
        f"ingest:{tm.spec.name}:check",
        "CREATE TEMP TABLE chk_flags AS SELECT __row AS __frow"
        + "".join(f", e_{i}" for i in flagged)
        + f", {dq_sql.reasons_expr(suite, set(flagged))} AS __reasons"
        f" FROM (SELECT c.__row{''.join(', ' + f for f in flags)}"
        f" FROM (SELECT __row, {cleaned} FROM stg) c)"
        + (
            " WHERE " + " OR ".join(f"e_{i} IS DISTINCT FROM false" for i in flagged)
            if flagged
            else " WHERE false"
        ),
    )
    # Joined on the row number: the checks' reference lookups are joins, which do not
    # keep row order, so the two sides cannot be lined up by position.
    wh.run(
        f"ingest:{tm.spec.name}:check_view",
        f"CREATE TEMP VIEW chk AS SELECT c.*, f.* EXCLUDE (__frow)"
        f" FROM (SELECT __row, {cleaned} FROM stg) c LEFT JOIN chk_flags f ON f.__frow = c.__row",
    )
    return {"suite": suite, "flagged": set(flagged)}


def dq_counts(wh: Warehouse, checked: dict[str, Any]) -> list[dict[str, Any]]:
    flagged = sorted(checked["flagged"])
    counts = wh.rows(
        "ingest:dq:counts",
        "SELECT (SELECT count(*) FROM stg)"
        + "".join(f", coalesce(count_if(e_{i}), 0)" for i in flagged)
        + " FROM chk_flags",
    )[0]
    return dq_results(checked["suite"], flagged, counts[0], counts[1:])


def dq_results(
    suite: dict[str, Any], flagged: list[int], total: int, unexpected: tuple | list
) -> list[dict[str, Any]]:
    """One result per row-level expectation evaluated, in GX's result shape."""
    results = []
    for i, n in zip(flagged, unexpected, strict=True):
        exp = suite["expectations"][i]
        results.append(
            {
                "expectation_type": exp["type"],
                "column": exp["kwargs"].get("column"),
                "kwargs": exp["kwargs"],
                "severity": exp["meta"]["severity"],
                "element_count": total,
                "unexpected_count": n,
                "success": n == 0,
            }
        )
    return results


NOT_DELETING = " AND NOT coalesce(c.should_delete IN ('true', '1', 'yes'), false)"


def _kept(tm: TableMap) -> str:
    """Rows that pass every check (and, for signals, are not deletions)."""
    return "c.__reasons IS NULL" + (NOT_DELETING if tm.spec.name == "signals" else "")


def decide(wh: Warehouse, tm: TableMap, src: SourceFile) -> None:
    """Write `typed` and `dec` for the rows that are not simply inserted.

    Only rows whose key repeats in the file or is already stored need a typed
    comparison; the rest go straight from `chk` into the table in `write`.
    Signals (small, and their tags follow the typed rows) are all typed.
    """
    typed = ", ".join(f"{expr} AS {col}" for col, expr in tm.typed)
    spec_keys = ", ".join(f"c.{k}" for k in tm.spec.key)
    on_stored = " AND ".join(f"w.{wk} = c.{ck}" for wk, ck in zip(tm.key, tm.spec.key, strict=True))
    wh.run("ingest:typed:drop", "DROP TABLE IF EXISTS typed; DROP TABLE IF EXISTS dec")
    if tm.spec.name == "signals":
        needed = ""
    else:
        # Repeated keys are found by their hash first: grouping 10M hashes is far cheaper
        # than grouping 10M strings, and only the few rows whose hash repeats (true
        # repeats, or collisions) are grouped by the keys themselves.
        hashed = f"hash({spec_keys})"
        repeated = (
            f"SELECT {spec_keys} FROM chk c WHERE {_kept(tm)} AND {hashed} IN"
            f" (SELECT {hashed} FROM chk c WHERE {_kept(tm)} GROUP BY ALL HAVING count(*) > 1)"
            " GROUP BY ALL HAVING count(*) > 1"
        )
        needed = (
            f" AND c.__row IN (SELECT c.__row FROM chk c JOIN ({repeated}) d"
            f" USING ({', '.join(tm.spec.key)})"
            f" UNION SELECT c.__row FROM chk c JOIN {tm.target} w ON {on_stored})"
        )
    wh.run(
        f"ingest:{tm.spec.name}:typed",
        f"CREATE TEMP TABLE typed AS SELECT c.__row, {typed} FROM chk c{tm.joins}"
        f" WHERE {_kept(tm)}{needed}",
    )
    keys = ", ".join(tm.key)
    key_name = tm.key[0] if len(tm.key) == 1 else "key (" + keys + ")"
    changed = (
        f"'{key_name}: conflicts with the row already loaded (content differs; not overwritten)'"
        if tm.spec.on_changed == "conflict"
        else "NULL"
    )
    wh.run(
        f"ingest:{tm.spec.name}:decide",
        f"""
        CREATE TEMP TABLE dec AS
        WITH dupk AS (SELECT {keys}, min(__row) AS first_row FROM typed
                      GROUP BY {keys} HAVING count(*) > 1),
        later AS (
            SELECT t.__row,
                   CASE WHEN {_same(tm.content, "t", "f")} THEN 'duplicate' ELSE 'quarantine' END
                       AS action,
                   CASE WHEN NOT ({_same(tm.content, "t", "f")})
                        THEN '{key_name}: conflicts with line/row ' || d.first_row
                             || ' of this file (content differs)' END AS reason
            FROM typed t JOIN dupk d ON {_on(tm.key, "t", "d")} AND t.__row > d.first_row
            JOIN typed f ON f.__row = d.first_row
        ),
        existing AS (
            SELECT t.__row,
                   CASE WHEN {_same(tm.content, "t", "w")} THEN 'duplicate'
                        WHEN {changed} IS NULL THEN 'update' ELSE 'quarantine' END AS action,
                   CASE WHEN NOT ({_same(tm.content, "t", "w")}) THEN {changed} END AS reason
            FROM typed t JOIN {tm.target} w ON {_on(tm.key, "t", "w")}
            WHERE t.__row NOT IN (SELECT __row FROM later)
        )
        SELECT * FROM later UNION ALL SELECT * FROM existing
        """,
    )


def write(wh: Warehouse, tm: TableMap, src: SourceFile, run_id: str) -> FileReport:
    """Quarantine, update and insert; return the file's counts."""
    name, file_name = tm.spec.name, src.path.name
    cols = ", ".join(c for c, _ in tm.typed)
    extra_cols, extra_vals = provenance(name, file_name, run_id)
    # Quarantine: failed checks, reader rejects and conflicts, each once per file row.
    raw = "NULL" if name == "signals" else "coalesce(s.__raw, CAST(to_json(s) AS VARCHAR))"
    wh.run("ingest:quarantine:drop", "DROP TABLE IF EXISTS q")
    wh.run(
        f"ingest:{name}:quarantine_rows",
        f"""
        CREATE TEMP TABLE q AS
        SELECT DISTINCT ON (q.__row) q.__row, q.reasons, q.raw, md5(coalesce(q.raw, '')) AS digest,
               EXISTS (SELECT 1 FROM quarantine x WHERE x.table_name = '{name}'
                       AND x.file_name = '{_esc(file_name)}' AND x.row_number = q.__row
                       AND x.raw_digest = md5(coalesce(q.raw, ''))) AS seen
        FROM (
            SELECT c.__row, c.__reasons AS reasons, {raw} AS raw
            FROM chk c JOIN stg s ON s.__row = c.__row WHERE c.__reasons IS NOT NULL
            UNION ALL SELECT __row, reasons, {"NULL" if name == "signals" else "__raw"}
            FROM stg_rejects
            UNION ALL SELECT d.__row, d.reason, {raw} FROM dec d JOIN stg s ON s.__row = d.__row
            WHERE d.action = 'quarantine'
        ) q
        """,
    )
    # A row quarantined by an earlier delivery of the same file is a duplicate, not news.
    wh.run(
        f"ingest:{name}:quarantine",
        f"INSERT INTO quarantine SELECT '{name}', '{_esc(file_name)}', __row, digest,"
        f" string_split(reasons, {dq_sql.REASON_SEP}), raw, '{run_id}', now()::TIMESTAMP"
        " FROM q WHERE NOT seen",
    )
    wh.run(
        f"ingest:{name}:update",
        f"DELETE FROM {tm.target} w USING typed t, dec d WHERE d.__row = t.__row"
        f" AND d.action = 'update' AND {_on(tm.key, 't', 'w')}",
    )
    typed = ", ".join(f"{expr} AS {col}" for col, expr in tm.typed)
    wh.run(
        f"ingest:{name}:insert",
        f"INSERT INTO {tm.target} ({cols}{extra_cols}) SELECT {cols}{extra_vals} FROM"
        f" (SELECT c.__row, {typed} FROM chk c{tm.joins} WHERE {_kept(tm)}) t"
        " WHERE NOT EXISTS (SELECT 1 FROM dec d WHERE d.__row = t.__row AND d.action <> 'update')",
    )
    read, rejects, dups, new_q, seen_q = wh.rows(
        f"ingest:{name}:counts",
        "SELECT (SELECT count(*) FROM stg), (SELECT count(*) FROM stg_rejects),"
        " (SELECT count(*) FROM dec WHERE action = 'duplicate'),"
        " (SELECT count(*) FROM q WHERE NOT seen), (SELECT count(*) FROM q WHERE seen)",
    )[0]
    rep = FileReport(name, file_name, rows_read=read + rejects)
    rep.quarantined = new_q
    rep.duplicates = dups + seen_q
    rep.loaded = rep.rows_read - rep.quarantined - rep.duplicates
    return rep


def provenance(name: str, file_name: str, run_id: str) -> tuple[str, str]:
    """The columns (and their values) that record where and when a stored row came from."""
    if name == "fx_rates":
        return "", ""
    cols, vals = ", source_file, run_id", f", '{_esc(file_name)}', '{run_id}'"
    if name == "accounts":
        cols += ", updated_at"
        vals += ", now()::TIMESTAMP"
    return cols, vals


def _esc(s: str) -> str:
    return s.replace("'", "''")


def table_map(name: str) -> TableMap:
    return BY_NAME[name]
