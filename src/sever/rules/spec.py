"""What an analyst rule is: the pydantic model of a `rules/*.yaml` file (no engine here).

Reads nothing itself (`rules.files` loads the YAML); validating a `Rule` parses and
checks its condition and explanation against the vocabulary, so a rule that validates
can run. `sever rules schema` exports `Rule`'s JSON Schema for editor completion.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationInfo, field_validator

from sever.rules.expr import Condition, compile_condition
from sever.rules.red_flags import RED_FLAGS
from sever.rules.template import Placeholder, parse_template, render

Severity = Literal["low", "medium", "high", "critical"]
Typology = Literal["financial_sextortion", "csam_purchase", "mule_network"]

# The score a live hit contributes to account_scores (alerts open at combiner.alert_min_score).
SEVERITY_SCORE: dict[str, float] = {"low": 0.55, "medium": 0.65, "high": 0.8, "critical": 0.92}

# The role of the account a rule judges, from the side it is on and the typology.
ROLE: dict[tuple[str, str], str] = {
    ("payee", "financial_sextortion"): "collector",
    ("payee", "mule_network"): "mule",
    ("payee", "csam_purchase"): "other",
    ("payer", "financial_sextortion"): "victim",
    ("payer", "mule_network"): "mule",
    ("payer", "csam_purchase"): "consumer",
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _range(text: str) -> list[int]:
    m = re.fullmatch(r"\s*(-?\d+)\s*\.\.\s*(-?\d+)\s*", text)
    if not m:
        raise ValueError(f"repeat values are a list or 'first..last', got {text!r}")
    return list(range(int(m[1]), int(m[2]) + 1))


def expand(rows: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Rows as written, each `{repeat: {var: values}, row: {...}}` unrolled.

    Values are a list or an inclusive range 'first..last'; several variables are zipped.
    `{var}` (or `{var:02d}`) inside the row's text is replaced.
    """
    for row in rows:
        if set(row) != {"repeat", "row"}:
            yield row
            continue
        spec = {k: v if isinstance(v, list) else _range(str(v)) for k, v in row["repeat"].items()}
        if len({len(v) for v in spec.values()}) != 1:
            raise ValueError(f"repeat lists differ in length: {row['repeat']}")
        for values in zip(*spec.values(), strict=True):
            names = dict(zip(spec, values, strict=True))
            try:
                yield {
                    k: v.format(**names) if isinstance(v, str) else v for k, v in row["row"].items()
                }
            except (KeyError, IndexError, AttributeError, ValueError) as exc:
                raise ValueError(f"repeat block {row['repeat']}: cannot fill in {exc}") from None


class Ledger(_Strict):
    """A tiny ledger in the data contract's columns (see DATA_CONTRACT.md).

    A row may be `{repeat: {var: values}, row: {...}}`: one row per value, `{var}` filled in.
    """

    accounts: list[dict[str, Any]] = Field(min_length=1)
    transactions: list[dict[str, Any]] = Field(min_length=1)
    identifiers: list[dict[str, Any]] = []
    fx_rates: list[dict[str, Any]] = []
    signals: list[dict[str, Any]] = Field([], description="ThreatExchange-shaped descriptors")

    @field_validator("accounts", "transactions", "identifiers", "fx_rates", "signals")
    @classmethod
    def _check_repeats(cls, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        list(expand(rows))  # a broken repeat block fails validation, not the test run
        return rows


class Expect(_Strict):
    account: str = Field(description="the account the rule must (not) hit on the case's day")
    hit: bool
    counterparty: str | None = Field(None, description="pair rules: the other side of the pair")


class RuleCase(_Strict):
    """A test as data: a ledger, a day, and which accounts the rule must or must not hit."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{2,80}$")
    description: str = Field(min_length=10)
    day: date = Field(description="the UTC day the rule is evaluated on")
    ledger: Ledger | str = Field(
        description="inline rows, or a directory of contract files relative to the rule file"
    )
    expect: list[Expect] = Field(min_length=1)


class Rule(_Strict):
    """One analyst rule. A published id@version never changes: edit it under a new version."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]{2,63}$", description="stable id, snake_case")
    version: int = Field(ge=1, description="raise it for every change to a published rule")
    title: str = Field(min_length=3, max_length=120)
    description: str = Field(min_length=10, description="what it catches and what it must not")
    typology: Typology
    scope: Literal["payee", "payer", "pair"] = Field(
        description="judge the account as payee, as payer, or a payer->payee pair"
    )
    subject: Literal["payee", "payer"] | None = Field(
        None, description="pair rules only: the side a hit is about (default payee)"
    )
    window: Literal["24h", "72h", "30d"] = Field(
        description="the longest window the condition looks at; unsuffixed features use it"
    )
    condition: str = Field(min_length=1, description="expression over the feature vocabulary")
    severity: Severity
    action: Literal["alert", "review", "block_candidate"]
    mode: Literal["live", "shadow", "disabled"] = Field(
        description="live opens alerts once approved; shadow only records would-be hits"
    )
    owner: str = Field(min_length=2, description="the analyst who maintains it (the maker)")
    explanation: str = Field(
        min_length=3, description="reason text with {feature} placeholders, e.g. {in_usd_24h:.2f}"
    )
    red_flags: list[int] = Field(min_length=1, description="INDICATORS.md item numbers")
    cases: list[RuleCase] = Field([], description="tests as data: ledgers and expected hits")

    _condition: Condition = PrivateAttr()
    _placeholders: list[Placeholder] = PrivateAttr()

    @field_validator("condition")
    @classmethod
    def _check_condition(cls, text: str, info: ValidationInfo) -> str:
        scope, window = info.data.get("scope"), info.data.get("window")
        if scope and window:
            compile_condition(text, scope, window)
        return text

    @field_validator("explanation")
    @classmethod
    def _check_explanation(cls, text: str, info: ValidationInfo) -> str:
        scope, window = info.data.get("scope"), info.data.get("window")
        if scope and window:
            parse_template(text, scope, window)
        return text

    @field_validator("subject")
    @classmethod
    def _check_subject(cls, subject: str | None, info: ValidationInfo) -> str | None:
        if subject is not None and info.data.get("scope") != "pair":
            raise ValueError("`subject` is only for scope pair")
        return subject

    @field_validator("red_flags")
    @classmethod
    def _check_red_flags(cls, items: list[int]) -> list[int]:
        unknown = sorted(set(items) - set(RED_FLAGS))
        if unknown:
            raise ValueError(f"unknown INDICATORS.md item(s) {unknown}: known 1..{len(RED_FLAGS)}")
        return items

    @field_validator("cases")
    @classmethod
    def _check_cases(cls, cases: list[RuleCase], info: ValidationInfo) -> list[RuleCase]:
        names = [c.name for c in cases]
        if len(set(names)) != len(names):
            raise ValueError(f"case names must be unique, got {names}")
        pair = info.data.get("scope") == "pair"
        for case in cases:
            for e in case.expect:
                if e.counterparty is not None and not pair:
                    raise ValueError(f"case {case.name}: `counterparty` is only for pair rules")
        return cases

    def model_post_init(self, context: Any) -> None:
        self._condition = compile_condition(self.condition, self.scope, self.window)
        self._placeholders = parse_template(self.explanation, self.scope, self.window)

    @property
    def ref(self) -> str:
        return f"{self.id}@{self.version}"

    @property
    def compiled(self) -> Condition:
        return self._condition

    @property
    def side(self) -> str:
        """The side of the payment the judged account is on."""
        return (self.subject or "payee") if self.scope == "pair" else self.scope

    @property
    def role(self) -> str:
        return ROLE[(self.side, self.typology)]

    @property
    def score(self) -> float:
        return SEVERITY_SCORE[self.severity]

    def value_names(self) -> list[str]:
        """The features recorded with a hit: the condition's, then the explanation's."""
        names = list(self._condition.columns)
        names += [p.name for p in self._placeholders if p.name not in names]
        return names

    def explain(self, values: dict[str, Any]) -> str:
        return render(self.explanation, self._placeholders, values)
