"""Identifier normalisation: one canonical spelling per identifier, for matching.

Each id type has a small normaliser module (its docstring gives the canonical
form and why), registered explicitly below. `normalise_value` normalises one
value; `batch.normalise_distinct` normalises a table, in SQL where it can.

SQL fast paths here decide only values Python accepts as valid: a flagged value
needs Python's note, and flagged values are rare, so they go to Python.
"""

from __future__ import annotations

from sever.normalize.bank_account import BankAccount
from sever.normalize.base import (
    Normalised,
    Normaliser,
    SqlFastPath,
    UnknownIdType,
    all_normalisers,
    get,
    register,
)
from sever.normalize.card_fingerprint import CardFingerprint
from sever.normalize.crypto_address import CryptoAddress
from sever.normalize.device_id import DeviceId
from sever.normalize.domain import Domain
from sever.normalize.email import Email
from sever.normalize.ip import Ip
from sever.normalize.payment_handle import PaymentHandle
from sever.normalize.phone import Phone
from sever.normalize.url import Url
from sever.normalize.username import Username, normalise_platform

# The data contract's `account_identifiers.id_type` values, plus `domain` for
# shared DOMAIN signals. `register` refuses duplicates.
for _normaliser in (
    Email(),
    Phone(),
    Username(),
    PaymentHandle(),
    CryptoAddress(),
    Url(),
    Domain(),
    Ip(),
    DeviceId(),
    CardFingerprint(),
    BankAccount(),
):
    register(_normaliser)

# Imported after registration: batch reads the registry when called.
from sever.normalize.batch import (  # noqa: E402
    UNKNOWN_ID_TYPE,
    normalise_distinct,
    normalise_value,
)

__all__ = [
    "UNKNOWN_ID_TYPE",
    "Normalised",
    "Normaliser",
    "SqlFastPath",
    "UnknownIdType",
    "all_normalisers",
    "get",
    "normalise_distinct",
    "normalise_platform",
    "normalise_value",
    "register",
]
