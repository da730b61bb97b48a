"""Find a delivery's files and stage each one into DuckDB as text.

Reads CSV (header row, UTF-8), Parquet and, for signals, JSON Lines with
DuckDB's own readers. Writes a temporary table `stg` with `__row` (CSV: the
physical line, header = 1; JSON Lines: the line; Parquet: 1-based row), `__raw`
(JSON Lines only) and every contract column present as VARCHAR, plus a table
`stg_rejects` of lines the reader itself could not split or decode.
"""

from __future__ import annotations

import csv
import io
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from sever.errors import SqlError, UnusableFileError
from sever.ingest.spec import TableSpec
from sever.warehouse import Warehouse

EXTENSIONS = {
    ".csv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}


@dataclass(frozen=True)
class SourceFile:
    table: TableSpec
    path: Path
    fmt: str


def discover(data_dir: Path, tables: tuple[TableSpec, ...]) -> list[SourceFile]:
    """Files named `<table>.<ext>` or `<table>_<part>.<ext>` (one per day, say), in load order."""
    found = []
    entries = sorted(p for p in data_dir.iterdir() if p.is_file())
    for spec in tables:
        for path in entries:
            fmt = EXTENSIONS.get(path.suffix.lower())
            stem = path.stem
            if fmt is None or fmt not in spec.formats:
                continue
            if stem == spec.name or stem.startswith((spec.name + "_", spec.name + "-")):
                found.append(SourceFile(spec, path, fmt))
    return found


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def csv_header(path: Path) -> list[str]:
    """The column names of a CSV file's header row, stripped."""
    with path.open("rb") as fh:
        first = fh.readline()
    text = first.decode("utf-8", errors="replace").lstrip("\ufeff")
    row = next(csv.reader(io.StringIO(text)), [])
    return [c.strip() for c in row]


def csv_reader(path: Path, header: list[str]) -> str:
    """DuckDB's strict CSV reader over `path`, every column as text: it raises on any line
    it cannot split or decode (callers that must keep such lines add the rejects options)."""
    columns = ", ".join(f"{_lit(c)}: 'VARCHAR'" for c in header)
    return (
        f"read_csv({_lit(str(path))}, header=true, all_varchar=true, auto_detect=false,"
        f" delim=',', quote='\"', escape='\"', columns={{{columns}}})"
    )


def stage(wh: Warehouse, src: SourceFile) -> list[str]:
    """Stage `src` into `stg`/`stg_rejects`; return the contract columns present."""
    path = src.path
    if path.stat().st_size == 0:
        raise UnusableFileError(path.name, "empty file (0 bytes, no header row)")
    wanted = [c.name for c in src.table.columns]
    wh.drop("chk", "stg", "stg_lines", "stg_lines0", "stg_raw", "stg_rejects")
    if src.fmt == "csv":
        present = _stage_csv(wh, src, wanted)
    elif src.fmt == "parquet":
        present = _stage_parquet(wh, src, wanted)
    else:
        present = _stage_jsonl(wh, src, wanted)
    missing = [c for c in src.table.required if c not in present]
    if missing:
        raise UnusableFileError(path.name, "missing required column(s): " + ", ".join(missing))
    return present


def _stage_csv(wh: Warehouse, src: SourceFile, wanted: list[str]) -> list[str]:
    header = csv_header(src.path)
    present = [c for c in wanted if c in header]
    if not set(src.table.required) <= set(header):
        return present  # caller reports the missing columns before reading any row
    rejects = ", store_rejects=true, rejects_table='rej_errors', rejects_scan='rej_scans'"
    wh.run(
        "stage:csv:clear_rejects", "DROP TABLE IF EXISTS rej_errors; DROP TABLE IF EXISTS rej_scans"
    )
    cols = ", ".join(f'"{c}"' for c in present)
    read = f"CREATE TEMP TABLE stg_raw AS SELECT {cols} FROM {csv_reader(src.path, header)[:-1]}"
    # The physical lines are counted in a thread while DuckDB (which releases the GIL)
    # reads the same file: the count costs no wall time of its own.
    with ThreadPoolExecutor(max_workers=1) as pool:
        counting = pool.submit(physical_lines, src.path)
        # Clean files, the common case, read a third faster without the rejects bookkeeping;
        # a file the strict reader refuses is read again, keeping its bad lines as rejects.
        try:
            wh.run("stage:csv:read", read + ")")
            wh.run("stage:csv:clean", "CREATE TEMP TABLE rej_errors (line BIGINT, error_type"
                   " VARCHAR, csv_line VARCHAR)")  # fmt: skip
        except SqlError:
            wh.drop("stg_raw")
            wh.run("stage:csv:read_rejects", read + rejects + ")")
        # The reader skips rejected lines; map each kept row back to its physical line.
        wh.run(
            "stage:csv:rejects",
            "CREATE TEMP TABLE stg_rejects AS SELECT line AS __row, min(csv_line) AS __raw,"
            " string_agg(DISTINCT CASE WHEN error_type = 'INVALID ENCODING'"
            " THEN 'row: invalid UTF-8 bytes'"
            f" ELSE 'row: expected {len(header)} fields (' || lower(error_type) || ')' END,"
            " chr(31)) AS reasons"
            " FROM rej_errors GROUP BY line",
        )
        records = wh.scalar(
            "stage:csv:records",
            "SELECT (SELECT count(*) FROM stg_raw) + (SELECT count(*) FROM stg_rejects)",
        )
        physical = counting.result()
    if records + 1 == physical:
        _number_rows(wh, "stg_raw", first_line=2, cols=cols, target="stg")
    else:  # a quoted field spans lines: number records by the line they start on
        _number_multiline(wh, src.path, cols)
    return present


def _number_rows(wh: Warehouse, raw: str, *, first_line: int, cols: str, target: str) -> None:
    """Give each kept row its physical line: the reader skipped the lines in `stg_rejects`."""
    if not wh.scalar("stage:any_rejects", "SELECT count(*) FROM stg_rejects"):
        # The common case costs nothing: a view, no copy.
        wh.run(
            "stage:number",
            f"CREATE TEMP VIEW {target} AS SELECT rowid + {first_line} AS __row,"
            f" CAST(NULL AS VARCHAR) AS __raw, {cols} FROM {raw}",
        )
        return
    # Reject i (in line order) sits after `good_before` kept rows; a kept row's line is
    # its index plus the header plus the rejects before it (an as-of lookup).
    wh.run(
        "stage:number",
        f"CREATE TEMP TABLE {target} AS WITH r AS (SELECT __row - {first_line}"
        " - (row_number() OVER (ORDER BY __row) - 1) AS good_before,"
        " row_number() OVER (ORDER BY __row) AS n FROM stg_rejects)"
        f" SELECT s.rowid + {first_line} + coalesce(r.n, 0) AS __row,"
        f" CAST(NULL AS VARCHAR) AS __raw, {cols}"
        f" FROM {raw} s ASOF LEFT JOIN r ON s.rowid >= r.good_before",
    )


def physical_lines(path: Path) -> int:
    """Lines in the file, counting a last line without a newline."""
    count, last = 0, b"\n"
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 24):
            count += chunk.count(b"\n")
            last = chunk[-1:]
    return count + (last != b"\n")


def _number_multiline(wh: Warehouse, path: Path, cols: str) -> None:
    """Slow path, only for files with multi-line records: find each record's first line."""
    import polars as pl

    rejected = {r for (r,) in wh.rows("stage:csv:reject_lines", "SELECT __row FROM stg_rejects")}
    starts, line = [], 2
    with path.open(encoding="utf-8", errors="replace", newline="") as fh:
        reader = csv.reader(fh)
        next(reader, None)
        for _ in reader:
            if line not in rejected:
                starts.append(line)
            line = reader.line_num + 1
    lines = pl.DataFrame(
        {"k": range(len(starts)), "line": starts}, schema={"k": pl.Int64, "line": pl.Int64}
    )
    wh.con.register("stg_line_map", lines)
    wh.run(
        "stage:csv:number_multiline",
        f"CREATE TEMP TABLE stg AS SELECT m.line AS __row, CAST(NULL AS VARCHAR) AS __raw, {cols}"
        " FROM stg_raw s JOIN stg_line_map m ON m.k = s.rowid",
    )
    wh.con.unregister("stg_line_map")


def parquet_text(wh: Warehouse, path: Path) -> dict[str, str]:
    """Each column of a Parquet file as text: name -> SQL (typed timestamps as UTC ISO text)."""
    schema = wh.rows(
        "stage:parquet:describe", f"DESCRIBE SELECT * FROM read_parquet({_lit(str(path))})"
    )

    def as_text(c: str, typ: str) -> str:
        # Typed Parquet timestamps carry no offset text: they are UTC by the contract.
        if typ.startswith("TIMESTAMP"):
            return f'strftime("{c}", \'%Y-%m-%dT%H:%M:%S.%fZ\') AS "{c}"'
        return f'CAST("{c}" AS VARCHAR) AS "{c}"'

    return {name: as_text(name, typ) for name, typ, *_ in schema}


def _stage_parquet(wh: Warehouse, src: SourceFile, wanted: list[str]) -> list[str]:
    path = _lit(str(src.path))
    try:
        text = parquet_text(wh, src.path)
    except Exception as exc:  # a truncated or corrupt file cannot even be described
        raise UnusableFileError(src.path.name, f"cannot read Parquet: {_first_line(exc)}") from exc
    present = [c for c in wanted if c in text]
    if not set(src.table.required) <= set(text):
        return present
    cols = ", ".join(text[c] for c in present)
    try:
        wh.run(
            "stage:parquet:read",
            f"CREATE TEMP TABLE stg AS SELECT file_row_number + 1 AS __row,"
            f" CAST(NULL AS VARCHAR) AS __raw, {cols}"
            f" FROM read_parquet({path}, file_row_number=true)",
        )
    except Exception as exc:
        raise UnusableFileError(src.path.name, f"cannot read Parquet: {_first_line(exc)}") from exc
    wh.run(
        "stage:parquet:rejects",
        "CREATE TEMP TABLE stg_rejects (__row BIGINT, __raw VARCHAR, reasons VARCHAR)",
    )
    return present


def _stage_jsonl(wh: Warehouse, src: SourceFile, wanted: list[str]) -> list[str]:
    wh.run(
        "stage:jsonl:clear_rejects",
        "DROP TABLE IF EXISTS rej_errors; DROP TABLE IF EXISTS rej_scans",
    )
    wh.run(
        "stage:jsonl:read",
        "CREATE TEMP TABLE stg_lines0 AS SELECT line FROM read_csv("
        f"{_lit(str(src.path))}, columns={{'line': 'VARCHAR'}}, header=false, auto_detect=false,"
        " delim=chr(30), quote='', escape='', store_rejects=true,"
        " rejects_table='rej_errors', rejects_scan='rej_scans')",
    )
    wh.run(
        "stage:jsonl:read_rejects",
        "CREATE TEMP TABLE stg_rejects AS SELECT line AS __row, min(csv_line) AS __raw,"
        " 'row: invalid UTF-8 bytes' AS reasons FROM rej_errors GROUP BY line",
    )
    _number_rows(wh, "stg_lines0", first_line=1, cols="line", target="stg_lines")
    # Blank lines are skipped; undecodable and non-JSON lines are rejects.
    wh.run(
        "stage:jsonl:rejects",
        "INSERT INTO stg_rejects SELECT __row, line, 'row: not valid JSON (one object per line"
        " expected)' FROM stg_lines WHERE trim(line) <> '' AND"
        f" NOT {_IS_OBJECT}",
    )

    def field(c: str) -> str:
        if c == "tags":
            return (
                "CASE WHEN json_type(line, '$.tags') = 'ARRAY' THEN array_to_string("
                "CAST(json_extract(line, '$.tags') AS VARCHAR[]), '|')"
                " ELSE json_extract_string(line, '$.tags') END"
            )
        return f"json_extract_string(line, {_lit('$.' + c)})"

    # JSON objects have no header: every contract field is present, NULL where absent.
    fields = ", ".join(f'{field(c)} AS "{c}"' for c in wanted)
    wh.run(
        "stage:jsonl:parse",
        f"CREATE TEMP TABLE stg AS SELECT __row, line AS __raw, {fields} FROM stg_lines"
        f" WHERE {_IS_OBJECT}",
    )
    return wanted


# CASE, not AND: DuckDB evaluates both sides and json_type raises on malformed text.
_IS_OBJECT = "CASE WHEN json_valid(line) THEN json_type(line) = 'OBJECT' ELSE false END"


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0][:300]
