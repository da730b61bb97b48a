"""How each contract table maps onto its warehouse table.

For every table: the cleaning expression per column (text in, text out), the
typed expression per warehouse column (from the cleaned text), the warehouse key
and the columns compared to tell an exact duplicate from a changed row.
"""

from __future__ import annotations

from dataclasses import dataclass

from sever.ingest.spec import (
    ACCOUNT_IDENTIFIERS,
    ACCOUNTS,
    FX_RATES,
    SIGNAL_TO_ID_TYPE,
    SIGNALS,
    TRANSACTIONS,
    Column,
    TableSpec,
)

OFFSET_SUFFIX = r"(Z|z|[+-][0-9]{2}(:?[0-9]{2})?)$"


def trimmed(c: str) -> str:
    """`trim(c)`, skipped where it cannot change anything (the common case).

    DuckDB's `trim` builds a new string for every value, trimmed or not (on 10M
    rows it costs more than the checks); it strips only space separators (ASCII
    space and a few non-ASCII ones), so a value that neither starts nor ends with
    a space and is pure ASCII (as many bytes as characters) is already trimmed.
    """
    return (
        f"CASE WHEN starts_with({c}, ' ') OR ends_with({c}, ' ') OR strlen({c}) <> length({c})"
        f" THEN trim({c}) ELSE {c} END"
    )


def clean_expr(col: Column, present: bool) -> str:
    if not present:
        base = "CAST(NULL AS VARCHAR)"
    else:
        quoted = f'"{col.name}"'
        base = f"nullif({trimmed(quoted)}, '')"
        if col.kind in ("currency", "country") or (col.kind == "enum" and col.values[0].isupper()):
            base = f"upper({base})"
        elif col.kind in ("enum", "bool") or col.name == "platform":
            base = f"lower({base})"
    if col.default is not None:
        base = f"coalesce({base}, '{col.default}')"
    return f'{base} AS "{col.name}"'


# Kinds whose row checks accept only a value already in its cleaned form: an anchored
# pattern without spaces or letters to fold, or a closed set of exact spellings.
SELF_CHECKED = frozenset(
    {"timestamp", "date", "decimal", "int", "enum", "currency", "country", "bool"}
)


def as_read_expr(col: Column, present: bool) -> str:
    """A column as the file holds it (its default where missing), for the one-pass load.

    Only for columns whose checks reject every value cleaning would change (a
    `SELF_CHECKED` kind, or a key that must match a stored, cleaned one): such a
    value fails its check, and the file goes to the staged path, which cleans it.
    Cleaning costs more than the checks on a 10M-row file.
    """
    base = f'"{col.name}"' if present else "CAST(NULL AS VARCHAR)"
    if col.default is not None:
        base = f"coalesce({base}, '{col.default}')"
    return f'{base} AS "{col.name}"'


def raising(typed: str) -> str:
    """The one-pass form of a typed expression: a value that does not convert raises.

    The staged path has checked every value before typing it; the one pass leaves
    the parse to the typing and gives the file up if a cast fails.
    """
    return typed.replace("TRY_CAST(", "CAST(")


def _dotted(c: str) -> str:
    # A decimal comma is rare: replacing it only where present spares a copy of every value.
    return f"CASE WHEN contains({c}, ',') THEN replace({c}, ',', '.') ELSE {c} END"


def ts(c: str) -> str:
    return f"CAST(TRY_CAST({_dotted(c)} AS TIMESTAMPTZ) AS TIMESTAMP)"


def offset_minutes(c: str) -> str:
    # Wall-clock time minus UTC time: the sender's offset, kept for "late night" features.
    local = f"TRY_CAST(regexp_replace({_dotted(c)}, '{OFFSET_SUFFIX}', '') AS TIMESTAMP)"
    return f"CAST(date_diff('minute', {ts(c)}, {local}) AS SMALLINT)"


@dataclass(frozen=True)
class TableMap:
    spec: TableSpec
    target: str
    key: tuple[str, ...]  # warehouse key columns
    typed: tuple[tuple[str, str], ...]  # (warehouse column, SQL over cleaned row `c`)
    content: tuple[str, ...]  # warehouse columns compared for duplicate vs changed
    joins: str = ""  # extra FROM clause for typed expressions


TXN = TableMap(
    spec=TRANSACTIONS,
    target="transactions",
    key=("txn_id",),
    typed=(
        ("txn_id", "c.txn_id"),
        ("ts", ts("c.ts")),
        ("ts_offset_minutes", offset_minutes("c.ts")),
        ("sender_id", "c.sender_id"),
        ("receiver_id", "c.receiver_id"),
        ("amount", "CAST(c.amount AS DECIMAL(18, 2))"),
        ("currency", "c.currency"),
        ("channel", "c.channel"),
        ("status", "c.status"),
        ("memo", "c.memo"),
        ("sender_country", "c.sender_country"),
        ("receiver_country", "c.receiver_country"),
        ("device_id", "c.device_id"),
        ("ip", "c.ip"),
    ),
    content=(
        "ts",
        "ts_offset_minutes",
        "sender_id",
        "receiver_id",
        "amount",
        "currency",
        "channel",
        "status",
        "memo",
        "sender_country",
        "receiver_country",
        "device_id",
        "ip",
    ),
)

ACC = TableMap(
    spec=ACCOUNTS,
    target="accounts",
    key=("account_id",),
    typed=(
        ("account_id", "c.account_id"),
        ("opened_at", ts("c.opened_at")),
        ("kind", "c.kind"),
        ("birth_date", "CAST(c.birth_date AS DATE)"),
        ("country", "c.country"),
        ("display_name", "c.display_name"),
        ("kyc_level", "c.kyc_level"),
        ("closed_at", ts("c.closed_at")),
    ),
    content=(
        "opened_at",
        "kind",
        "birth_date",
        "country",
        "display_name",
        "kyc_level",
        "closed_at",
    ),
)

IDS = TableMap(
    spec=ACCOUNT_IDENTIFIERS,
    target="account_identifiers",
    key=("account_id", "id_type", "value_raw", "platform"),
    typed=(
        ("account_id", "c.account_id"),
        ("id_type", "c.id_type"),
        ("value_raw", "c.value"),
        ("value_norm", "value_norm"),  # unqualified: from id_norm, or the direct load's row
        ("valid", "valid"),
        ("platform", "c.platform"),
        ("first_seen", ts("c.first_seen")),
        ("last_seen", ts("c.last_seen")),
    ),
    content=("value_norm", "valid", "first_seen", "last_seen"),
    joins=" LEFT JOIN id_norm n ON n.__row = c.__row",  # normalised per row, see ingest.run
)

# Identifiers of an account are normalised in its home region (phones without a country code):
# the region as a column of a row `c` holding account_id, and the join that provides it.
REGION, REGION_JOIN = "a.country", " LEFT JOIN accounts a ON a.account_id = c.account_id"

SIGNAL_ID_TYPE_SQL = (
    "CASE c.type "
    + " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in SIGNAL_TO_ID_TYPE.items() if v)
    + " END"
)

SIG = TableMap(
    spec=SIGNALS,
    target="signals",
    key=("signal_id",),
    typed=(
        ("signal_id", "c.id"),
        ("signal_type", "c.type"),
        ("id_type", SIGNAL_ID_TYPE_SQL),
        ("indicator_norm", "coalesce(n.value_norm, lower(c.indicator))"),
        ("indicator_valid", "coalesce(n.valid, true)"),
        ("owner", "c.owner"),
        ("status", "c.status"),
        ("confidence", "CAST(c.confidence AS SMALLINT)"),
        ("platform", "c.platform"),
        ("added_on", ts("c.added_on")),
        ("last_active", ts("c.last_active")),
        ("expired_on", ts("c.expired_on")),
        ("minor_perpetrator", "coalesce(list_contains(t.tags, 'minor_perpetrator'), false)"),
    ),
    content=(
        "signal_type",
        "indicator_norm",
        "owner",
        "status",
        "confidence",
        "platform",
        "added_on",
        "last_active",
        "expired_on",
        "minor_perpetrator",
    ),
    joins=(
        " LEFT JOIN id_norm n ON n.id_type = " + SIGNAL_ID_TYPE_SQL + " AND n.value = c.indicator"
        " AND n.region IS NULL AND n.platform = c.platform"
        " LEFT JOIN (SELECT signal_row, list(tag ORDER BY tag) AS tags FROM stg_tags"
        " GROUP BY signal_row) t ON t.signal_row = c.__row"
    ),
)

FX = TableMap(
    spec=FX_RATES,
    target="fx_rates",
    key=("currency", "date"),
    typed=(
        ("currency", "c.currency"),
        ("date", "CAST(c.date AS DATE)"),
        ("usd_rate", "CAST(c.usd_rate AS DOUBLE)"),
    ),
    content=("usd_rate",),
)

BY_NAME: dict[str, TableMap] = {m.spec.name: m for m in (FX, ACC, IDS, SIG, TXN)}
