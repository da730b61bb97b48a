"""The HTTP service's request and response bodies (pydantic; they drive the OpenAPI document).

Reads nothing. Requests are strict (a string is not a number) and closed (unknown
fields are refused), so a payment system learns of a mistake at once instead of being
screened on half its data. Party attributes are the rule vocabulary's account
attributes, generated from `rules.vocabulary.ATTRIBUTES`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from sever.blocklist.spec import ENTRY_ID_TYPES
from sever.realtime.payment import Party, Payment
from sever.rules import vocabulary as v

IdType = Literal[tuple(t for t in ENTRY_ID_TYPES if t != "account_id")]  # type: ignore[valid-type]
Channel = Literal[
    "p2p", "card", "bank_transfer", "wire", "remittance", "crypto", "gift_card", "prepaid",
    "cash_withdrawal",
]  # fmt: skip
Country = Annotated[str, Field(pattern=r"^[A-Za-z]{2}$", description="ISO 3166-1 alpha-2")]
Value = Annotated[str, Field(min_length=1, max_length=512)]

MAX_VALUES = 20  # per identifier type and party: bounds the work one request can ask for


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


def _attribute_type(f: v.Feature) -> Any:
    if f.values:
        return Literal[f.values]  # type: ignore[valid-type]
    return {"integer": int, "number": float, "boolean": bool, "string": str}[f.type]


Attributes = create_model(  # type: ignore[call-overload]
    "Attributes",
    __base__=_Strict,
    __doc__="Rule-vocabulary account attributes the payment system knows (all optional).",
    **{
        f.family: (_attribute_type(f) | None, Field(None, description=f.description))
        for f in v.ATTRIBUTES
        if f.family != "country"  # the party's own `country` field
    },
)


class PartyIn(_Strict):
    """One side of the payment: the account, its identifiers as captured, what KYC holds."""

    account_id: Value
    identifiers: dict[IdType, Annotated[list[Value], Field(max_length=MAX_VALUES)]] = Field(
        default_factory=dict, description="identifier type -> raw values; normalised here"
    )
    country: Country | None = Field(None, description="KYC country (also the phone region)")
    attributes: Attributes = Field(default_factory=Attributes)  # type: ignore[valid-type]

    def to_party(self) -> Party:
        country = self.country.upper() if self.country else None
        given = self.attributes
        # Only the attributes sent: cheaper than model_dump on the hot path.
        attrs = {k: x for k in given.model_fields_set if (x := getattr(given, k)) is not None}
        return Party(self.account_id, self.identifiers, country, attrs)


class ScreenRequest(_Strict):
    """A payment to decide before it moves."""

    payment_id: Annotated[str, Field(max_length=200)] | None = Field(
        None, description="the caller's own reference, echoed back (never logged)"
    )
    sender: PartyIn = Field(description="the payer")
    receiver: PartyIn = Field(description="the payee")
    amount: float = Field(gt=0, description="in `currency`")
    currency: str = Field(pattern=r"^[A-Z]{3}$", description="ISO 4217")
    amount_usd: float | None = Field(None, ge=0, description="if the caller converted it")
    channel: Channel
    country: Country | None = Field(None, description="where the sender was (IP or KYC)")

    @property
    def usd(self) -> float | None:
        """The amount in USD: given, or the amount itself for a USD payment."""
        if self.amount_usd is None and self.currency == "USD":
            return self.amount
        return self.amount_usd

    def to_payment(self) -> Payment:
        return Payment(
            self.sender.to_party(),
            self.receiver.to_party(),
            self.amount,
            self.currency,
            self.channel,
            self.usd,
            self.country.upper() if self.country else None,
        )


class ScreenResponse(BaseModel):
    decision_id: str
    payment_id: str | None
    action: Literal["allow", "block", "review", "warn", "pass"] = Field(
        description="first match by precedence allow > block > review > warn; pass: no match"
    )
    entry_ids: list[str]
    reason_codes: list[str]
    release_no: int
    rule_hits: list[str] = Field(description="live analyst rules that hit (id@version)")
    shadow_hits: list[str] = Field(description="shadow rules that would have hit (no effect)")


class AckRequest(_Strict):
    """A payment system reports the release it has loaded."""

    release_no: int = Field(ge=1)
    loaded_at: datetime | None = Field(None, description="when it loaded it (default: now)")


class AckResponse(BaseModel):
    client_id: str
    recipient: str
    release_no: int
    serving_release_no: int | None = Field(description="the release this service screens with")


class FieldProblem(BaseModel):
    field: str = Field(description="dotted path into the body, e.g. sender.identifiers.email[0]")
    message: str
    type: str


class Problem(BaseModel):
    error: str
    detail: str | list[FieldProblem]
