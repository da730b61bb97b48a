"""Normalise a table of distinct identifiers: SQL fast paths first, Python for the rest.

`normalise_distinct` makes one SQL pass (a CASE over `id_type` holding each
normaliser's fast path), then fetches only the rows the fast paths left
undecided (NULL), in chunks, normalises them in Python and writes them back
with one UPDATE per chunk (values travel as list parameters: no pyarrow needed).
If the Python step fails, `target` is dropped rather than left half-normalised.
"""

from __future__ import annotations

from sever.normalize._text import ascii_guard, sql_in, sql_str, strip_text
from sever.normalize.base import Normalised, UnknownIdType, all_normalisers, get
from sever.warehouse import Warehouse

UNKNOWN_ID_TYPE = "unknown id_type"
CHUNK = 100_000  # undecided rows per round trip: bounds Python memory


def normalise_value(
    id_type: str, raw: str, region: str | None = None, platform: str | None = None
) -> Normalised:
    """Normalise one value; an unknown id type gives the stripped value, flagged."""
    try:
        normaliser = get(id_type)
    except UnknownIdType:
        return Normalised(strip_text(raw), False, UNKNOWN_ID_TYPE)
    return normaliser.normalise(raw, region=region, platform=platform)


def quote_name(name: str) -> str:
    """Quote a (possibly schema-qualified, dot-separated) table name for SQL."""
    return ".".join('"' + part.replace('"', '""') + '"' for part in name.split("."))


def fast_path_sql(source: str, keep: tuple[str, ...] = ()) -> str:
    """SELECT over `source` adding value_norm/valid/note from the SQL fast paths
    (value_norm NULL where Python must decide); `keep` columns are passed through."""
    kept = "".join(f"{quote_name(c)}, " for c in keep)
    normalisers = all_normalisers()
    value_cases, valid_cases = [], []
    for id_type, normaliser in sorted(normalisers.items()):
        fast = normaliser.sql("v", "r", "p")
        if fast is not None:
            value_cases.append(f"WHEN id_type = {sql_str(id_type)} THEN {fast.value}")
            valid_cases.append(f"WHEN id_type = {sql_str(id_type)} THEN {fast.valid}")
    unknown = f"(id_type IS NULL OR NOT {sql_in('id_type', normalisers)})"
    # Unknown types: the stripped value, decided here when SQL's trim agrees with Python.
    value_cases.append(f"WHEN {unknown} THEN CASE WHEN {ascii_guard('v')} THEN trim(v) END")
    valid_cases.append(f"WHEN {unknown} THEN FALSE")
    return f"""
        SELECT {kept}id_type, value, region, platform, value_norm,
               CAST(CASE WHEN value_norm IS NOT NULL THEN valid_fast END AS BOOLEAN) AS valid,
               CAST(CASE WHEN value_norm IS NOT NULL AND {unknown}
                         THEN {sql_str(UNKNOWN_ID_TYPE)} END AS VARCHAR) AS note
        FROM (
            SELECT *,
                   CAST(CASE {" ".join(value_cases)} END AS VARCHAR) AS value_norm,
                   CASE {" ".join(valid_cases)} END AS valid_fast
            FROM (
                SELECT {kept}id_type, value, region, platform,
                       coalesce(CAST(value AS VARCHAR), '') AS v,
                       CAST(region AS VARCHAR) AS r, CAST(platform AS VARCHAR) AS p
                FROM {source}
            )
        )"""


def normalise_distinct(
    wh: Warehouse,
    source: str,
    target: str,
    *,
    temporary: bool = False,
    keep: tuple[str, ...] = (),
) -> dict[str, int]:
    """Create (replace) `target` = `source` rows + value_norm, valid, note; return counts.

    `source` is a table or view with columns id_type, value, region, platform
    (distinct rows expected) and any `keep` columns (a row key, say), copied as they
    are; `target` gets one row per source row. A `temporary` target lives only for
    the connection: nothing is compressed or written to disk.
    """
    table = quote_name(target)
    kind = "TEMP TABLE" if temporary else "TABLE"
    wh.run(
        "normalise:fast_path",
        f"CREATE OR REPLACE {kind} {table} AS {fast_path_sql(quote_name(source), keep)}",
    )
    try:
        python = _python_rows(wh, table)
    except BaseException:
        wh.run("normalise:drop_failed", f"DROP TABLE IF EXISTS {table}")
        raise
    total, invalid = wh.run(
        "normalise:count", f"SELECT count(*), count(*) FILTER (WHERE NOT valid) FROM {table}"
    ).fetchone()
    return {"rows": total, "fast_path": total - python, "python": python, "invalid": invalid}


def decide(rows: list[tuple]) -> list[Normalised]:
    """Python's results for (row id, id_type, value, region, platform) rows SQL left open."""
    return [normalise_value(t, v or "", r, p) for _, t, v, r, p in rows]


def _python_rows(wh: Warehouse, table: str) -> int:
    """Normalise the undecided rows of `table` in Python, chunk by chunk; return how many."""
    done = 0
    rows = undecided(wh, table, -1)
    while rows:
        results = decide(rows)
        updated = wh.run(
            "normalise:write_back",
            f"""UPDATE {table} SET value_norm = u.value_norm, valid = u.valid, note = u.note
                FROM (SELECT unnest(?::BIGINT[]) AS row_id, unnest(?::VARCHAR[]) AS value_norm,
                             unnest(?::BOOLEAN[]) AS valid, unnest(?::VARCHAR[]) AS note) AS u
                WHERE {table}.rowid = u.row_id""",
            [
                [row[0] for row in rows],
                [r.value for r in results],
                [r.valid for r in results],
                [r.note for r in results],
            ],
        ).fetchone()[0]
        if updated != len(rows):
            raise RuntimeError(f"normalise: wrote back {updated} of {len(rows)} rows")
        done += len(rows)
        rows = undecided(wh, table, rows[-1][0])
    return done


def undecided(wh: Warehouse, table: str, after: int) -> list[tuple]:
    """The next `CHUNK` rows of `table` the fast paths left open, after row `after`, in row
    order: (rowid, id_type, value, region, platform), what `decide` reads."""
    return wh.rows(
        "normalise:undecided",
        "SELECT rowid, id_type, CAST(value AS VARCHAR), CAST(region AS VARCHAR),"
        f" CAST(platform AS VARCHAR) FROM {table} WHERE value_norm IS NULL AND rowid > ?"
        f" ORDER BY rowid LIMIT {CHUNK}",
        [after],
    )
