"""Load a clean file in one pass: validate, type and insert as DuckDB reads it.

Reads a transactions, accounts or account_identifiers file (CSV or Parquet) and writes its
warehouse table, inside the caller's transaction. Most deliveries are clean, and
for them staging the text, checking it and inserting it (`readers`, `load`)
reads and writes every row three times. Here the suite's row-level checks filter
the rows as they are typed and inserted, in forms at least as strict and cheaper:
a column whose check pins its spelling is read uncleaned, and a timestamp is
parsed by the insert's cast, which raises. The attempt is given up
(`NotClean`, the caller rolls back and stages the file) unless every row of the
file was loaded: no row failed a check, no CSV record spans lines, no key repeats
within the file or matches a stored row. The staged path then finds, explains
and quarantines each bad row, so both paths store the same rows.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import duckdb

from sever.errors import SqlError
from sever.ingest import direct_ids, dq_sql
from sever.ingest.load import FileReport, dq_results, provenance
from sever.ingest.readers import (
    SourceFile,
    csv_header,
    csv_reader,
    parquet_text,
    physical_lines,
)
from sever.ingest.suites import suite_for
from sever.ingest.tables import (
    REGION,
    REGION_JOIN,
    SELF_CHECKED,
    TableMap,
    as_read_expr,
    clean_expr,
    raising,
)
from sever.sqlutil import lit, lit_list
from sever.warehouse import Warehouse

log = logging.getLogger(__name__)

TABLES = ("transactions", "accounts", "account_identifiers")
PROBE_ROWS = 1000  # keys looked up before the attempt: a re-delivered file fails fast


class NotClean(Exception):
    """The file needs the staged path; the message says why (no row content)."""


def eligible(src: SourceFile) -> bool:
    return src.fmt in ("csv", "parquet") and src.table.name in TABLES


def load(wh: Warehouse, tm: TableMap, src: SourceFile, run_id: str) -> FileReport:
    """Insert every row of `src` or raise `NotClean`; call inside a transaction."""
    try:
        return _load(wh, tm, src, run_id)
    except SqlError as exc:
        # The strict reader refuses a malformed line (invalid input), a truncated Parquet
        # file cannot be read (IO); a stored account id is a key clash (constraint); a
        # timestamp or date that matches its pattern may still not exist (conversion).
        # Anything else is a bug and is raised as it is.
        refused = (
            duckdb.InvalidInputException
            | duckdb.ConstraintException
            | duckdb.IOException
            | duckdb.ConversionException
        )
        if not isinstance(exc.cause, refused):
            raise
        # The message may quote the line, so it is logged at debug level only.
        log.debug("direct load of %s refused: %s", src.path.name, exc.cause)
        raise NotClean("the reader, a cast or a table constraint refused a row") from exc


def _load(wh: Warehouse, tm: TableMap, src: SourceFile, run_id: str) -> FileReport:
    name = tm.spec.name
    present, relation = _relation(wh, tm, src)
    if not set(tm.spec.required) <= present:
        raise NotClean("required columns missing")
    suite = suite_for(name)
    as_read = _as_read(tm, suite)
    cleaned = ", ".join(
        (as_read_expr if c.name in as_read else clean_expr)(c, c.name in present)
        for c in tm.spec.columns
    )
    rows = f"(SELECT {cleaned} FROM {relation}) c"
    if _stored_keys(wh, tm, rows):
        raise NotClean("keys already stored (a re-delivery)")
    preds = dq_sql.row_predicates(suite, present, None, one_pass=True)
    failing = " OR ".join(p for _, p in preds) or "false"
    ids = name == "account_identifiers"
    region, joins = (f", {REGION} AS region", REGION_JOIN) if ids else ("", "")
    # A row with any check failing (or unknown) is left out: the count check below then
    # sends the whole file to the staged path, which says why.
    wh.run(
        f"ingest:{name}:direct_source",
        f"CREATE OR REPLACE TEMP VIEW direct_src AS SELECT c.*{region} FROM {rows}{joins}"
        f" WHERE ({failing}) IS NOT DISTINCT FROM false",
    )
    stored = wh.scalar(f"ingest:{name}:direct_stored", f"SELECT count(*) FROM {tm.target}")
    with ThreadPoolExecutor(max_workers=1) as pool:
        # Every CSV line but the header must become a row (a record spanning lines is
        # numbered by the staged path); a Parquet file's footer holds its row count.
        counting = pool.submit(physical_lines, src.path) if src.fmt == "csv" else None
        loaded = _insert(wh, tm, src, run_id)
        if counting is not None:
            expected = counting.result() - 1
        else:
            expected = wh.scalar(
                f"ingest:{name}:direct_rows",
                f"SELECT count(*) FROM read_parquet({lit(str(src.path))})",
            )
    if loaded != expected:
        raise NotClean("rows failed checks, were unreadable or span lines")
    if _repeated_keys(wh, tm, src.path.name, run_id, against_stored=stored > 0):
        raise NotClean("keys repeat within the file or match stored rows")
    rep = FileReport(name, src.path.name, rows_read=loaded, loaded=loaded, method="direct")
    # Every row passed every check: the one pass's tighter forms imply the suite's.
    evaluated = [i for i, _ in dq_sql.row_predicates(suite, present, None)]
    rep.dq = dq_results(suite, evaluated, loaded, [0] * len(evaluated))
    return rep


def _as_read(tm: TableMap, suite: dict[str, Any]) -> set[str]:
    """Columns read without cleaning: checked against a pattern, a set or stored keys.

    Every row must pass every check here, reported ones included, so a key with
    spaces around it matches no stored (cleaned) key and sends the file to the
    staged path.
    """
    referenced = {
        e["kwargs"]["column"]
        for e in suite["expectations"]
        if e["type"] == "sever_expect_column_values_to_reference"
    }
    return {c.name for c in tm.spec.columns if c.kind in SELF_CHECKED} | referenced


def _relation(wh: Warehouse, tm: TableMap, src: SourceFile) -> tuple[set[str], str]:
    """The contract columns the file has, and a relation reading them as text."""
    wanted = {c.name for c in tm.spec.columns}
    if src.fmt == "csv":
        header = csv_header(src.path)
        return wanted & set(header), csv_reader(src.path, header)
    text = parquet_text(wh, src.path)
    present = wanted & set(text)
    cols = ", ".join(text[c] for c in sorted(present))
    return present, f"(SELECT {cols} FROM read_parquet({lit(str(src.path))}))"


def _stored_keys(wh: Warehouse, tm: TableMap, rows: str) -> bool:
    """Whether the file's first rows are stored already (a re-delivery, or an overlap)."""
    name, first = tm.spec.name, tm.spec.key[0]
    head = f"(SELECT {', '.join(tm.spec.key)} FROM {rows} LIMIT {PROBE_ROWS})"
    sample = wh.rows(
        f"ingest:{name}:direct_probe_keys",
        f"SELECT DISTINCT {first} FROM {head} WHERE {first} IS NOT NULL",
    )
    if not sample:
        return False
    # As constants, the keys let DuckDB skip every stored row group whose key range holds
    # none of them: a new day's payment ids lie past every stored one, so nothing is read.
    stored = f"(SELECT * FROM {tm.target} WHERE {tm.key[0]} IN ({lit_list(k for (k,) in sample)}))"
    on = " AND ".join(f"w.{wk} = c.{ck}" for wk, ck in zip(tm.key, tm.spec.key, strict=True))
    return bool(
        wh.scalar(
            f"ingest:{name}:direct_probe",
            f"SELECT count(*) FROM {head} c JOIN {stored} w ON {on}",
        )
    )


def _insert(wh: Warehouse, tm: TableMap, src: SourceFile, run_id: str) -> int:
    name = tm.spec.name
    cols = ", ".join(c for c, _ in tm.typed)
    typed = ", ".join(f"{raising(expr)} AS {col}" for col, expr in tm.typed)
    extra_cols, extra_vals = provenance(name, src.path.name, run_id)

    def into(source: str, params: list | None = None) -> int:
        return wh.scalar(
            f"ingest:{name}:direct_insert",
            f"INSERT INTO {tm.target} ({cols}{extra_cols}) SELECT {cols}{extra_vals}"
            f" FROM (SELECT {typed} FROM {source} c)",
            params,
        )

    if name == "account_identifiers":
        return direct_ids.insert(wh, tm, into)
    return into("direct_src")


def _repeated_keys(
    wh: Warehouse, tm: TableMap, file_name: str, run_id: str, *, against_stored: bool
) -> int:
    """Keys of the rows just inserted that occur twice among them or in stored rows."""
    keys = ", ".join(tm.key)
    on = " AND ".join(f"o.{k} = n.{k}" for k in tm.key)
    new = [file_name, run_id]
    # Repeats are found by hash first: a collision only sends the file the safe way.
    sql = (
        f"SELECT (SELECT count(*) FROM (SELECT hash({keys}) FROM {tm.target}"
        " WHERE source_file = ? AND run_id = ? GROUP BY ALL HAVING count(*) > 1))"
    )
    if against_stored:
        sql += (
            f" + (SELECT count(*) FROM {tm.target} n WHERE n.source_file = ? AND n.run_id = ?"
            f" AND EXISTS (SELECT 1 FROM {tm.target} o WHERE {on}"
            " AND NOT (o.source_file = ? AND o.run_id = ?)))"
        )
        new *= 3
    return wh.scalar(f"ingest:{tm.spec.name}:direct_keys", sql, new)
