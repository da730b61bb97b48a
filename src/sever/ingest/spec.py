"""The input data contract as data: tables, columns, kinds, enums and keys.

Imports no engine. `suites.py` turns these specs into Great Expectations suites;
`load.py` runs them in DuckDB.
"""

from __future__ import annotations

from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict

Kind = Literal[
    "string",
    "identifier",
    "timestamp",
    "date",
    "decimal",
    "int",
    "bool",
    "enum",
    "currency",
    "country",
    "tags",
]

CHANNELS = (
    "p2p",
    "card",
    "bank_transfer",
    "wire",
    "remittance",
    "crypto",
    "gift_card",
    "prepaid",
    "cash_withdrawal",
)
TXN_STATUSES = ("completed", "pending", "declined", "reversed")
ACCOUNT_KINDS = ("individual", "business", "external")
KYC_LEVELS = ("none", "basic", "full")
ID_TYPES = (
    "email",
    "phone",
    "username",
    "payment_handle",
    "crypto_address",
    "device_id",
    "ip",
    "card_fingerprint",
    "bank_account",
    "url",
)
SIGNAL_TYPES = (
    "EMAIL_ADDRESS",
    "TELEPHONE",
    "USERNAME",
    "PAYMENT_HANDLE",
    "CRYPTO_ADDRESS",
    "URI",
    "DOMAIN",
    "IP_ADDRESS",
    "DEVICE_ID",
    "HASH_MD5",
    "HASH_PDQ",
    "TEXT_STRING",
)
SIGNAL_STATUSES = ("MALICIOUS", "SUSPICIOUS", "NON_MALICIOUS", "UNKNOWN")

# Which account identifier a shared signal type is matched against (None: not an account id).
SIGNAL_TO_ID_TYPE: dict[str, str | None] = {
    "EMAIL_ADDRESS": "email",
    "TELEPHONE": "phone",
    "USERNAME": "username",
    "PAYMENT_HANDLE": "payment_handle",
    "CRYPTO_ADDRESS": "crypto_address",
    "URI": "url",
    "DOMAIN": "domain",
    "IP_ADDRESS": "ip",
    "DEVICE_ID": "device_id",
    "HASH_MD5": None,
    "HASH_PDQ": None,
    "TEXT_STRING": None,
}


class Column(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    kind: Kind
    required: bool = False
    values: tuple[str, ...] = ()  # for enums
    default: str | None = None  # applied when the value is missing
    min_value: float | None = None
    max_value: float | None = None
    strict_min: bool = False
    places: int | None = None  # most decimal places allowed (money amounts)


class TableSpec(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    # conflict: same key, other content is quarantined (transactions: never overwritten)
    # update: same key, other content replaces the stored row (reference data changes)
    on_changed: Literal["conflict", "update"]
    formats: tuple[str, ...] = ("csv", "parquet")
    optional_table: bool = False

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


C = Column

TRANSACTIONS = TableSpec(
    name="transactions",
    key=("txn_id",),
    on_changed="conflict",
    columns=(
        C(name="txn_id", kind="string", required=True),
        C(name="ts", kind="timestamp", required=True),
        C(name="sender_id", kind="string", required=True),
        C(name="receiver_id", kind="string", required=True),
        # DECIMAL(18, 2) holds 16 digits before the point; no payment comes near 10^15.
        C(
            name="amount",
            kind="decimal",
            required=True,
            min_value=0,
            strict_min=True,
            max_value=1e15,
            places=2,
        ),
        C(name="currency", kind="currency", required=True),
        C(name="channel", kind="enum", required=True, values=CHANNELS),
        C(name="status", kind="enum", values=TXN_STATUSES, default="completed"),
        C(name="memo", kind="string"),
        C(name="sender_country", kind="country"),
        C(name="receiver_country", kind="country"),
        C(name="device_id", kind="identifier"),
        C(name="ip", kind="identifier"),
    ),
)

ACCOUNTS = TableSpec(
    name="accounts",
    key=("account_id",),
    on_changed="update",
    columns=(
        C(name="account_id", kind="string", required=True),
        C(name="opened_at", kind="timestamp", required=True),
        C(name="kind", kind="enum", required=True, values=ACCOUNT_KINDS),
        C(name="birth_date", kind="date"),
        C(name="country", kind="country"),
        C(name="display_name", kind="identifier"),
        C(name="kyc_level", kind="enum", values=KYC_LEVELS),
        C(name="closed_at", kind="timestamp"),
    ),
)

ACCOUNT_IDENTIFIERS = TableSpec(
    name="account_identifiers",
    key=("account_id", "id_type", "value", "platform"),
    on_changed="update",
    columns=(
        C(name="account_id", kind="string", required=True),
        C(name="id_type", kind="enum", required=True, values=ID_TYPES),
        C(name="value", kind="identifier", required=True),
        C(name="platform", kind="string", default=""),
        C(name="first_seen", kind="timestamp"),
        C(name="last_seen", kind="timestamp"),
    ),
)

SIGNALS = TableSpec(
    name="signals",
    key=("id",),
    on_changed="update",
    formats=("jsonl", "csv", "parquet"),
    optional_table=True,
    columns=(
        C(name="id", kind="string", required=True),
        C(name="indicator", kind="identifier", required=True),
        C(name="type", kind="enum", required=True, values=SIGNAL_TYPES),
        C(name="owner", kind="string", required=True),
        C(name="tags", kind="tags", required=True),
        C(name="status", kind="enum", values=SIGNAL_STATUSES, default="UNKNOWN"),
        C(name="confidence", kind="int", min_value=0, max_value=100),
        C(name="platform", kind="string", default=""),
        C(name="added_on", kind="timestamp", required=True),
        C(name="last_active", kind="timestamp"),
        C(name="expired_on", kind="timestamp"),
        C(name="should_delete", kind="bool", default="false"),
    ),
)

FX_RATES = TableSpec(
    name="fx_rates",
    key=("currency", "date"),
    on_changed="update",
    optional_table=True,
    columns=(
        C(name="currency", kind="currency", required=True),
        C(name="date", kind="date", required=True),
        C(name="usd_rate", kind="decimal", required=True, min_value=0, strict_min=True),
    ),
)

# Load order matters: identifiers are checked against accounts already loaded.
TABLES: tuple[TableSpec, ...] = (FX_RATES, ACCOUNTS, ACCOUNT_IDENTIFIERS, SIGNALS, TRANSACTIONS)


@cache
def currency_codes() -> tuple[str, ...]:
    import pycountry

    return tuple(sorted(c.alpha_3 for c in pycountry.currencies))


@cache
def country_codes() -> tuple[str, ...]:
    import pycountry

    # XK (Kosovo) is user-assigned but used by payment networks.
    return tuple(sorted({c.alpha_2 for c in pycountry.countries} | {"XK"}))
