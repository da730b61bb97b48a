"""Institution and transmitter details for SAR drafts, loaded from a YAML file.

Reads the file given with `--institution FILE` or `$SEVER_INSTITUTION` (an example is
`sever/config/institution.example.yaml`); writes nothing. Pure pydantic: a missing or
malformed field is reported by its dotted path, every one of them at once.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
)

from sever.errors import UserError

ENV_VAR = "SEVER_INSTITUTION"
EXAMPLE = "src/sever/config/institution.example.yaml"

REGULATORS = {
    "federal_reserve": "1",
    "fdic": "2",
    "ncua": "3",
    "occ": "4",
    "sec": "6",
    "irs": "7",
    "cftc": "9",
    "fhfa": "13",
    "not_applicable": "99",
}
ORGANIZATION_TYPES = {
    "casino": 1,
    "depository": 2,
    "insurance": 3,
    "msb": 4,
    "securities": 5,
    "loan": 11,
    "housing_gse": 12,
    "other": 999,
}
TIN_TYPES = {"ssn": "1", "itin": "1", "ein": "2", "foreign": "9"}


def _phone_digits(value: str) -> str:
    digits = "".join(c for c in str(value) if c.isdigit())
    if not 1 <= len(digits) <= 16:
        raise ValueError("must hold 1 to 16 digits")
    return digits


Phone = Annotated[str, BeforeValidator(str), AfterValidator(_phone_digits)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, coerce_numbers_to_str=True)


class Address(_Strict):
    street: str = Field(min_length=1, max_length=100)
    city: str = Field(min_length=1, max_length=50)
    state: str | None = Field(default=None, max_length=3)
    zip: str = Field(min_length=1, max_length=9)
    country: str = Field(pattern=r"^[A-Z]{2}$")


class Transmitter(_Strict):
    name: str = Field(min_length=1, max_length=150)
    tin: str = Field(min_length=1, max_length=25)
    tcc: str = Field(min_length=1, max_length=25)  # Transmitter Control Code from FinCEN
    contact_name: str = Field(min_length=1, max_length=150)
    phone: Phone
    address: Address


class ContactOffice(_Strict):
    name: str = Field(min_length=1, max_length=150)
    phone: Phone


class Institution(_Strict):
    name: str = Field(min_length=1, max_length=150)
    tin: str = Field(min_length=1, max_length=25)
    tin_type: str = "ein"
    organization_type: str
    organization_type_other: str | None = Field(default=None, max_length=50)
    primary_regulator: str
    address: Address

    @field_validator("tin_type")
    @classmethod
    def _tin_type(cls, v: str) -> str:
        if v.lower() not in TIN_TYPES:
            raise ValueError(f"must be one of {', '.join(TIN_TYPES)}")
        return v.lower()

    @field_validator("organization_type")
    @classmethod
    def _org(cls, v: str) -> str:
        if v.lower() not in ORGANIZATION_TYPES:
            raise ValueError(f"must be one of {', '.join(ORGANIZATION_TYPES)}")
        return v.lower()

    @field_validator("primary_regulator")
    @classmethod
    def _regulator(cls, v: str) -> str:
        key = str(v).lower()
        if key not in REGULATORS and key not in REGULATORS.values():
            raise ValueError(f"must be one of {', '.join(REGULATORS)}")
        return REGULATORS.get(key, key)


class FilingInstitution(Institution):
    contact_office: ContactOffice


class Person(_Strict):
    first_name: str = Field(min_length=1)
    last_name: str = Field(min_length=1)
    email: str | None = None
    phone: str | None = None
    occupation: str | None = None


class Location(_Strict):
    address_type: str = "B"  # the FIU's code for a business address
    address: str = Field(min_length=1)
    city: str = Field(min_length=1)
    country_code: str = Field(pattern=r"^[A-Z]{2}$")
    zip: str | None = None
    state: str | None = None


class GoAML(_Strict):
    """The FIU's codes: every FIU customises goAML's lookup lists."""

    rentity_id: str = Field(min_length=1)
    rentity_branch: str | None = None
    submission_code: str = "E"
    report_code: str = "STR"
    currency_code_local: str = Field(default="USD", pattern=r"^[A-Z]{3}$")
    reporting_person: Person
    location: Location
    action: str = "Accounts under review; activity reported to the FIU."
    funds_code: str = "K"
    transmode_codes: dict[str, str] = Field(default_factory=dict)
    default_transmode_code: str = "K"
    indicators: dict[str, list[str]] = Field(default_factory=dict)


class InstitutionConfig(_Strict):
    transmitter: Transmitter
    filing_institution: FilingInstitution
    activity_institution: Institution | None = None  # defaults to the filing institution
    goaml: GoAML | None = None

    @property
    def activity(self) -> Institution:
        return self.activity_institution or self.filing_institution


def required_fields(model: type[BaseModel] = InstitutionConfig, prefix: str = "") -> list[str]:
    """Dotted paths of every required field, for the message when no config is given."""
    out = []
    for name, field in model.model_fields.items():
        kind = field.annotation
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            if field.is_required():
                out += required_fields(kind, f"{prefix}{name}.")
        elif field.is_required():
            out.append(prefix + name)
    return out


def load_institution(path: str | Path | None = None) -> InstitutionConfig:
    """Load and check the config from `path`, else `$SEVER_INSTITUTION`; `UserError` if unusable."""
    chosen = path or os.environ.get(ENV_VAR)
    if not chosen:
        raise UserError(
            f"no institution config: pass --institution FILE or set {ENV_VAR} (see {EXAMPLE}). "
            f"Required fields: {', '.join(required_fields())}"
        )
    p = Path(chosen)
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise UserError(f"{p}: institution config not found") from exc
    except yaml.YAMLError as exc:
        raise UserError(f"{p}: not valid YAML: {exc}") from exc
    try:
        return InstitutionConfig.model_validate(data or {})
    except ValidationError as exc:
        missing = [".".join(map(str, e["loc"])) for e in exc.errors() if e["type"] == "missing"]
        bad = [
            f"{'.'.join(map(str, e['loc']))} ({e['msg']})"
            for e in exc.errors()
            if e["type"] != "missing"
        ]
        parts = [f"missing fields: {', '.join(missing)}"] if missing else []
        parts += [f"invalid fields: {'; '.join(bad)}"] if bad else []
        raise UserError(f"{p}: institution config incomplete: {'. '.join(parts)}") from exc
