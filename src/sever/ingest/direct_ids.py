"""Insert a clean identifiers file in one pass, Python deciding beside the insert.

Reads the one-pass load's checked rows (`direct_src`, from `direct`); writes
`account_identifiers`. SQL normalises nearly every value into a working table;
the few it leaves open (URLs, crypto addresses, non-ASCII text) are normalised
in Python on a second thread while DuckDB inserts the others, then inserted with
their results. Python would otherwise run while both cores wait.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from sever.ingest.tables import TableMap
from sever.normalize.batch import decide, fast_path_sql, undecided
from sever.warehouse import Warehouse

# What the normaliser reads of an identifier row; it passes the other columns through.
NORMALISED = ("id_type", "value", "platform")


def insert(wh: Warehouse, tm: TableMap, into: Callable[[str, list | None], int]) -> int:
    """Insert every row of `direct_src`; `into(source, params)` inserts a relation's rows
    (columns as the fast path names them) and returns how many."""
    keep = tuple(c.name for c in tm.spec.columns if c.name not in NORMALISED)
    wh.run(
        "normalise:fast_path",
        f"CREATE OR REPLACE TEMP TABLE direct_ids AS {fast_path_sql('direct_src', keep)}",
    )
    chunk = undecided(wh, "direct_ids", -1)
    with ThreadPoolExecutor(max_workers=1) as pool:
        deciding = pool.submit(decide, chunk)
        loaded = into("(SELECT * FROM direct_ids WHERE value_norm IS NOT NULL)", None)
        results = deciding.result()
    while chunk:
        loaded += into(
            "(SELECT d.* REPLACE (u.value_norm AS value_norm, u.valid AS valid) FROM direct_ids d"
            " JOIN (SELECT unnest(?::BIGINT[]) AS row_id, unnest(?::VARCHAR[]) AS value_norm,"
            " unnest(?::BOOLEAN[]) AS valid) u ON d.rowid = u.row_id)",
            [[r[0] for r in chunk], [n.value for n in results], [n.valid for n in results]],
        )
        chunk = undecided(wh, "direct_ids", chunk[-1][0])
        results = decide(chunk)
    return loaded
