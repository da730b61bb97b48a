"""Great Expectations suites for the input tables, derived from the contract spec.

Each suite is a plain dict in GX's ExpectationSuite JSON shape
(`{"name", "expectations": [{"type", "kwargs", "meta"}]}`). Native GX
expectation types keep GX's semantics (nulls are ignored, each expectation is
independent), so `great_expectations` itself can run them as an oracle in the
tests. Checks GX has no built-in expectation for carry a `sever_` prefix.

`meta` says how a failure is handled: `severity` `quarantine` (row-level: the
row is quarantined with `reason`), `unusable` (table-level: the file is
rejected) or `observe` (reported only); `suppressed_by` lists expectations whose
failure makes this reason redundant on the same row.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sever.ingest.spec import TABLES, Column, TableSpec, country_codes, currency_codes

DECIMAL_RE = r"^[+-]?[0-9]+(\.[0-9]+)?$"
INT_RE = r"^[+-]?[0-9]+$"
ISO_TS_RE = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.,][0-9]{1,9})?)?)?"
    r"(Z|z|[+-][0-9]{2}(:?[0-9]{2})?)?$"
)
OFFSET_RE = r"(Z|z|[+-][0-9]{2}(:?[0-9]{2})?)$"
# Both timestamp checks in one pattern (the offset no longer optional): the one-pass load's.
ISO_TS_OFFSET_RE = ISO_TS_RE.removesuffix("?$") + "$"
DATE_RE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
BOOL_VALUES = ("true", "false", "1", "0", "yes", "no")


def _e(etype: str, column: str | None, reason: str, severity: str = "quarantine", **kw: Any):
    kwargs = {"column": column, **kw} if column else dict(kw)
    meta: dict[str, Any] = {"severity": severity, "reason": reason}
    return {"type": etype, "kwargs": kwargs, "meta": meta}


def _column_expectations(spec: TableSpec, col: Column) -> list[dict[str, Any]]:
    name = col.name
    out: list[dict[str, Any]] = []
    if col.required:
        out.append(_e("expect_column_to_exist", name, "missing required column", "unusable"))
        out.append(_e("expect_column_values_to_not_be_null", name, f"{name}: missing"))
    if col.kind == "decimal":
        out.append(
            _e(
                "expect_column_values_to_match_regex",
                name,
                f"{name}: not a decimal number",
                regex=DECIMAL_RE,
            )
        )
        bounds = []
        if col.places is not None:
            places_re = rf"^[+-]?[0-9]+(\.[0-9]{{1,{col.places}}})?$"
            bounds.append(
                _e(
                    "expect_column_values_to_match_regex",
                    name,
                    f"{name}: more than {col.places} decimal places",
                    regex=places_re,
                )
            )
        if col.min_value is not None:
            bounds.append(
                _e(
                    "expect_column_values_to_be_between",
                    name,
                    f"{name}: must be greater than {col.min_value:g}",
                    min_value=col.min_value,
                    strict_min=col.strict_min,
                )
            )
        if col.max_value is not None:
            bounds.append(
                _e(
                    "expect_column_values_to_be_between",
                    name,
                    f"{name}: must be at most {col.max_value:,.0f}",
                    max_value=col.max_value,
                )
            )
        for exp in bounds:  # said already when the value is no decimal number at all
            exp["meta"]["suppressed_by"] = [f"{name}:regex:{DECIMAL_RE}"]
        out += bounds
    elif col.kind == "int":
        bounds = f"{col.min_value:g}-{col.max_value:g}"
        out.append(
            _e(
                "expect_column_values_to_match_regex",
                name,
                f"{name}: must be an integer {bounds}",
                regex=INT_RE,
            )
        )
        rng = _e(
            "expect_column_values_to_be_between",
            name,
            f"{name}: must be an integer {bounds}",
            min_value=col.min_value,
            max_value=col.max_value,
        )
        rng["meta"]["suppressed_by"] = [f"{name}:regex:{INT_RE}"]
        out.append(rng)
    elif col.kind == "timestamp":
        out.append(
            _e(
                "sever_expect_column_values_to_parse_as_timestamp",
                name,
                f"{name}: not an ISO-8601 timestamp",
                regex=ISO_TS_RE,
            )
        )
        off = _e(
            "expect_column_values_to_match_regex",
            name,
            f"{name}: no UTC offset (the contract requires an offset or Z)",
            regex=OFFSET_RE,
        )
        off["meta"]["suppressed_by"] = [f"{name}:parse"]
        out.append(off)
    elif col.kind == "date":
        out.append(
            _e(
                "sever_expect_column_values_to_parse_as_date",
                name,
                f"{name}: not a date (YYYY-MM-DD)",
                regex=DATE_RE,
            )
        )
    elif col.kind in ("enum", "currency", "country") or col.kind == "bool":
        values = {
            "enum": col.values,
            "currency": currency_codes(),
            "country": country_codes(),
            "bool": BOOL_VALUES,
        }[col.kind]
        what = {
            "enum": "not one of " + ", ".join(col.values),
            "currency": "unknown ISO 4217 code",
            "country": "unknown ISO 3166-1 alpha-2 code",
            "bool": "not true or false",
        }[col.kind]
        out.append(
            _e("expect_column_values_to_be_in_set", name, f"{name}: {what}", value_set=list(values))
        )
    elif col.kind == "tags":
        out.append(
            _e(
                "sever_expect_column_values_to_have_tags",
                name,
                f"{name}: at least one tag required",
            )
        )
    return out


def _table_expectations(spec: TableSpec) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if len(spec.key) == 1:
        out.append(
            _e(
                "expect_column_values_to_be_unique",
                spec.key[0],
                f"{spec.key[0]}: repeated in this file",
                "observe",
            )
        )
    else:
        out.append(
            _e(
                "expect_compound_columns_to_be_unique",
                None,
                "key repeated in this file",
                "observe",
                column_list=list(spec.key),
            )
        )
    if spec.name == "account_identifiers":
        out.append(
            _e(
                "sever_expect_column_values_to_reference",
                "account_id",
                "account_id: unknown account",
                ref_table="accounts",
                ref_column="account_id",
            )
        )
    if spec.name == "transactions":
        for col in ("sender_id", "receiver_id"):
            # External parties are allowed: this is reported, never quarantined.
            out.append(
                _e(
                    "sever_expect_column_values_to_reference",
                    col,
                    f"{col}: not a known account (external party)",
                    "observe",
                    ref_table="accounts",
                    ref_column="account_id",
                )
            )
    return out


def expectation_key(exp: dict[str, Any]) -> str:
    """A short stable name used by `suppressed_by`."""
    kw = exp["kwargs"]
    col = kw.get("column", "")
    if exp["type"] == "expect_column_values_to_match_regex":
        return f"{col}:regex:{kw['regex']}"
    if exp["type"].startswith("sever_expect_column_values_to_parse"):
        return f"{col}:parse"
    return f"{col}:{exp['type']}"


@cache
def suite_for(table: str) -> dict[str, Any]:
    spec = next(t for t in TABLES if t.name == table)
    expectations = [e for c in spec.columns for e in _column_expectations(spec, c)]
    expectations += _table_expectations(spec)
    if table == "signals":
        # A deletion from the exchange carries little more than id and type.
        for exp in expectations:
            if exp["kwargs"].get("column") not in ("id", "type", "should_delete"):
                exp["meta"]["unless_deleting"] = True
    return {"name": f"sever.{table}", "expectations": expectations, "meta": {"contract": "v1"}}
