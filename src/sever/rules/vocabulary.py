"""The feature and score vocabulary analyst rules may use: names, types, windows, meaning.

Reads nothing; the engine computes these columns in
`features/sql/05_rule_windows.sql` (tables f_rule_account_day, f_rule_pair_day) and
from the latest scan's account_scores and signal_hits. A test checks that the tables
hold exactly the columns listed here.

A windowed feature is named `<family>_<window>` (e.g. `distinct_payers_72h`). Windows
end at the close of a UTC day: 24h is that day, 72h that day and the two before, 30d
that day and the 29 before. A family written without a window (`median_amount_usd`)
means the rule's own window. Rules in scope `payee` or `payer` see the account
features and scores; rules in scope `pair` see the pair features plus both sides'
account features as `payer.<name>` and `payee.<name>`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Type = Literal["integer", "number", "boolean", "string"]
Scope = Literal["payee", "payer", "pair"]

WINDOWS: dict[str, int] = {"24h": 1, "72h": 3, "30d": 30}  # window -> days it spans
ALL = ("24h", "72h", "30d")
SHORT = ("24h", "72h")
DAY = ("24h",)
MONTH = ("30d",)
NUMERIC = ("integer", "number")


@dataclass(frozen=True)
class Feature:
    family: str
    type: str  # one of Type
    windows: tuple[str, ...]
    side: str  # payee, payer, account, score, pair
    description: str
    values: tuple[str, ...] = ()  # the allowed values of a string feature, when fixed

    def names(self) -> list[str]:
        return [f"{self.family}_{w}" for w in self.windows] if self.windows else [self.family]


def _table(side: str, text: str) -> tuple[Feature, ...]:
    """Rows `family | type | windows | description [| allowed, values]`; an indented line
    continues the description above it."""
    rows: list[list[str]] = []
    for line in text.strip("\n").splitlines():
        if line.startswith(" "):
            rows[-1][3] += " " + line.strip()
        else:
            rows.append([c.strip() for c in line.split("|")])
    out = []
    for family, type_, windows, description, *values in rows:
        allowed = tuple(x.strip() for x in values[0].split(",")) if values else ()
        out.append(Feature(family, type_, tuple(windows.split()), side, description, allowed))
    return tuple(out)


ATTRIBUTES = _table(
    "account",
    """
kind             | string  |             | account kind | individual, business
kyc_level        | string  |             | KYC level (NULL: not given) | none, basic, full
country          | string  |             | KYC country of residence, ISO alpha-2
age              | integer |             | age in years on the day (NULL: no birth date)
is_minor         | boolean |             | under the configured minor age on the day (NULL: no birth
                                           date)
account_age_days | integer |             | days since the account was opened
""",
)

PAYEE = _table(
    "payee",
    """
in_count                        | integer | 24h 72h 30d | payments received
in_usd                          | number  | 24h 72h 30d | USD received
distinct_payers                 | integer | 24h 72h 30d | distinct accounts that paid it
distinct_first_time_payers      | integer | 24h 72h 30d | payers whose first-ever payment to it
                                                          falls in the window
distinct_minor_payers           | integer | 24h 72h 30d | payers who were minors when paying
distinct_minor_payers_gift_card | integer | 24h 72h     | minors who paid it by gift card
minor_payer_share               | number  | 24h 72h 30d | distinct_minor_payers / distinct_payers
                                                          (unknown age counts as adult)
first_time_payer_share          | number  | 24h 72h     | distinct_first_time_payers /
                                                          distinct_payers
repeat_payers                   | integer | 24h         | payers who paid it twice or more that day
escalating_payers               | integer | 24h         | payers whose payments that day rose (last
                                                          >= escalation_ratio x first, and the
                                                          largest)
median_amount_usd               | number  | 24h 72h     | median USD amount received
night_share                     | number  | 24h 72h     | share of payments received that were made
                                                          late at night in the sender's local time
plea_memo_count                 | integer | 24h 72h     | payments received with pleading or image
                                                          memos ("please stop", "delete", ...)
gift_card_crypto_share          | number  | 24h 72h     | share of payments received by gift card,
                                                          prepaid or crypto
forwarded_share                 | number  | 24h 72h     | money sent on (not by card or bank
                                                          transfer) / money received, capped at 1
""",
)

PAYER = _table(
    "payer",
    """
out_count                     | integer | 24h 72h 30d | payments made
out_usd                       | number  | 24h 72h 30d | USD paid out
distinct_payees               | integer | 24h 72h 30d | distinct accounts it paid
distinct_first_time_payees    | integer | 24h 72h     | payees it paid for the first time ever in
                                                        the window
first_time_payee_payments     | integer | 24h         | payments that day to payees it never paid
                                                        before that day
max_payments_to_one_payee     | integer | 24h         | most payments made to a single payee that
                                                        day
escalating_payees             | integer | 24h         | payees it paid that day with rising amounts
out_night_share               | number  | 24h 72h     | share of its payments made late at night in
                                                        its local time
out_plea_memo_count           | integer | 24h 72h     | its payments with pleading or image memos
out_gift_card_crypto_usd      | number  | 24h 72h     | USD spent on gift cards, prepaid and crypto
cashout_out_usd               | number  | 24h 72h     | USD out by remittance, wire, crypto, cash,
                                                        gift card or prepaid
abroad_out_usd                | number  | 72h 30d     | USD sent to receivers outside its KYC
                                                        country
concern_out_usd               | number  | 72h 30d     | USD sent to jurisdictions of concern for
                                                        sextortion (detection.yaml)
small_concern_remittances     | integer | 30d         | small payments (csam_consumer
                                                        small_min..small_max USD) to jurisdictions
                                                        of concern for exploitation
small_concern_receivers       | integer | 30d         | distinct receivers of those small payments
small_concern_days            | integer | 30d         | days with at least one of those small
                                                        payments
small_concern_night_share     | number  | 30d         | share of those small payments made late at
                                                        night
small_concern_innocuous_memos | integer | 30d         | those small payments with innocuous memos
                                                        ("school", "medical", "family support", ...)
""",
)
ACCOUNT = (*ATTRIBUTES, *PAYEE, *PAYER)

SCORES = _table(
    "score",
    """
collector_score | number  |             | the latest scan's collector score, 0..1 (NULL: not scored)
mule_score      | number  |             | the latest scan's mule score, 0..1 (NULL: not scored)
victim_score    | number  |             | the latest scan's victim score, 0..1 (NULL: not scored)
consumer_score  | number  |             | the latest scan's consumer score, 0..1 (NULL: not scored)
signal_score    | number  |             | weight of the shared signals the account matches, 0..1
                                          (NULL: none)
""",
)

PAIR = _table(
    "pair",
    """
pair_count            | integer | 24h 72h     | payments from the payer to the payee
pair_usd              | number  | 24h 72h     | USD from the payer to the payee
pair_plea_memo_count  | integer | 24h 72h     | of those, with pleading or image memos
pair_night_share      | number  | 24h 72h     | share of those made late at night in the payer's
                                                local time
pair_gift_card_count  | integer | 24h         | of those, by gift card
pair_max_amount_usd   | number  | 24h         | largest payment that day
pair_escalation_ratio | number  | 24h         | last / first amount that day (NULL: a single
                                                payment)
pair_age_days         | integer |             | days since the payer first paid the payee
pair_reciprocal       | boolean |             | the payee has paid the payer, on or before the day
""",
)


@dataclass(frozen=True)
class Column:
    """One name a condition can use, and where the engine finds its value."""

    name: str  # as written in a rule, e.g. `payee.distinct_payers_72h`
    type: Type
    relation: str  # SQL alias: f (account scopes), p, payer, payee (pair scope)
    column: str  # column in that relation
    window: str | None
    feature: Feature


def _account_columns(prefix: str, relation: str) -> dict[str, Column]:
    out = {}
    for feat in (*ACCOUNT, *SCORES):
        for name, window in zip(feat.names(), feat.windows or (None,), strict=True):
            out[prefix + name] = Column(prefix + name, feat.type, relation, name, window, feat)
    return out


def columns(scope: Scope) -> dict[str, Column]:
    """Every name usable in a rule of that scope."""
    if scope != "pair":
        return _account_columns("", "f")
    out = {}
    for feat in PAIR:
        for name, window in zip(feat.names(), feat.windows or (None,), strict=True):
            out[name] = Column(name, feat.type, "p", name, window, feat)
    return out | _account_columns("payer.", "payer") | _account_columns("payee.", "payee")


def families(scope: Scope) -> dict[str, Feature]:
    """Windowed families by the name written without a window (`payee.` prefix kept)."""
    out = {}
    for col in columns(scope).values():
        if col.window:
            prefix = col.name[: -len(col.column)]
            out[prefix + col.feature.family] = col.feature
    return out


def single_payment(column: Column) -> bool:
    """Whether one payment can supply the value, for real-time screening (`sever.realtime`).

    Account attributes can: a payment system knows its own customers' kind, KYC level,
    country, age and account age and sends them with the payment. Windowed features and
    scan scores cannot: they need the ledger's history or a scan.
    """
    return column.feature in ATTRIBUTES


def account_day_columns() -> list[str]:
    """Columns of f_rule_account_day besides account_id and day, in vocabulary order."""
    return [n for f in ACCOUNT for n in f.names()]


def pair_day_columns() -> list[str]:
    return [n for f in PAIR for n in f.names()]


def score_columns() -> list[str]:
    return [f.family for f in SCORES]
