"""Signal-specific loading: tags, deletions with tombstones, and purging what derives from them.

Reads `chk`, `typed`, `dec` and `stg_tags` for a signals file; writes
`signal_tags`, `signal_tombstones`, and deletes a withdrawn signal from every
table that holds a `signal_id` (so later stages' derived rows go with it).
"""

from __future__ import annotations

from sever.warehouse import Warehouse

DELETING = "coalesce(c.should_delete IN ('true', '1', 'yes'), false)"


def refuse_tombstoned(wh: Warehouse) -> None:
    """A signal its owner deleted may not come back under the same id."""
    wh.run(
        "ingest:signals:tombstoned",
        "INSERT INTO dec SELECT t.__row, 'quarantine',"
        " 'id: this signal was deleted by its owner on '"
        " || strftime(x.removed_on, '%Y-%m-%d') || ' and may not be re-added'"
        " FROM typed t JOIN signal_tombstones x ON x.signal_id = t.signal_id"
        " WHERE t.__row NOT IN (SELECT __row FROM dec)",
    )


def derived_tables(wh: Warehouse) -> list[str]:
    """Every table that keeps a per-signal row, found by its `signal_id` column."""
    rows = wh.rows(
        "signals:derived_tables",
        "SELECT DISTINCT table_name FROM information_schema.columns"
        " WHERE column_name = 'signal_id' AND table_name <> 'signal_tombstones'"
        # Only the warehouse's own tables: temporary staging tables hold the ids being purged.
        " AND table_catalog = current_database() AND table_schema = 'main' ORDER BY table_name",
    )
    return [r[0] for r in rows]


def purge(wh: Warehouse, ids_table: str) -> None:
    """Delete the signals listed in `ids_table(signal_id)` and everything derived from them."""
    for table in derived_tables(wh):
        wh.run(
            f"signals:purge:{table}",
            f"DELETE FROM {table} WHERE signal_id IN (SELECT signal_id FROM {ids_table})",
        )


def apply(wh: Warehouse) -> int:
    """Write tags for kept signals and apply deletions; return deletions already applied before."""
    wh.run(
        "ingest:signals:retag",
        "DELETE FROM signal_tags WHERE signal_id IN (SELECT t.signal_id FROM typed t"
        " WHERE NOT EXISTS (SELECT 1 FROM dec d WHERE d.__row = t.__row AND d.action <> 'update'))",
    )
    wh.run(
        "ingest:signals:tags_insert",
        "INSERT INTO signal_tags SELECT DISTINCT t.signal_id, g.tag, g.kind, g.value"
        " FROM typed t JOIN stg_tags g ON g.signal_row = t.__row"
        " WHERE NOT EXISTS (SELECT 1 FROM dec d WHERE d.__row = t.__row AND d.action <> 'update')",
    )
    wh.run("ingest:signals:deletions", "DROP TABLE IF EXISTS deletions")
    wh.run(
        "ingest:signals:deletions",
        "CREATE TEMP TABLE deletions AS SELECT DISTINCT c.id AS signal_id, c.type AS signal_type,"
        " EXISTS (SELECT 1 FROM signal_tombstones x WHERE x.signal_id = c.id) AS seen"
        f" FROM chk c WHERE c.__reasons IS NULL AND {DELETING}",
    )
    purge(wh, "deletions")
    wh.run(
        "ingest:signals:tombstones",
        "INSERT INTO signal_tombstones SELECT signal_id, signal_type, current_date"
        " FROM deletions WHERE NOT seen",
    )
    return wh.scalar(
        "ingest:signals:repeat_deletions",
        f"SELECT count(*) FROM chk c JOIN deletions d ON d.signal_id = c.id"
        f" WHERE c.__reasons IS NULL AND {DELETING} AND d.seen",
    )
