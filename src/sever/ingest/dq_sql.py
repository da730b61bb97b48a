"""Run Great Expectations suites inside DuckDB.

GX's SQL datasource does not work with current DuckDB, and GX's pandas engine
would pull every row into Python. So each expectation of a suite is compiled to
a SQL predicate that is TRUE on an unexpected row, with GX's semantics (nulls
are not unexpected except for not-null checks). One pass over the staged file
computes every predicate as a boolean column; the reasons string and the
per-expectation counts are derived from those columns.
"""

from __future__ import annotations

from typing import Any

from sever.ingest.suites import ISO_TS_OFFSET_RE, OFFSET_RE, expectation_key

REASON_SEP = "chr(31)"  # unit separator: reasons are joined with it, never occurs in text


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _num(value: float) -> str:
    return repr(float(value))


def predicate(exp: dict[str, Any], src: str = "c", *, one_pass: bool = False) -> str | None:
    """SQL that is TRUE when the row is unexpected; None for table-level checks.

    `one_pass`: the one-pass load's form, whose typing casts raise (`tables.raising`).
    A timestamp or date is only matched against its pattern here, the offset within
    the same pattern, and the cast that follows refuses a value that does not parse.
    """
    etype, kw = exp["type"], exp["kwargs"]
    col = f"{src}.{kw['column']}" if "column" in kw else ""
    if etype == "expect_column_to_exist":
        return None
    if etype == "expect_column_values_to_not_be_null":
        return f"{col} IS NULL"
    if one_pass and etype == "sever_expect_column_values_to_parse_as_timestamp":
        return f"({col} IS NOT NULL AND NOT regexp_matches({col}, {_lit(ISO_TS_OFFSET_RE)}))"
    if one_pass and etype == "sever_expect_column_values_to_parse_as_date":
        return f"({col} IS NOT NULL AND NOT regexp_matches({col}, {_lit(kw['regex'])}))"
    if one_pass and kw.get("regex") == OFFSET_RE:
        return None  # within the pattern above
    if etype == "expect_column_values_to_match_regex":
        return f"({col} IS NOT NULL AND NOT regexp_matches({col}, {_lit(kw['regex'])}))"
    if etype == "expect_column_values_to_be_in_set":
        values = ", ".join(_lit(v) for v in kw["value_set"])
        if len(kw["value_set"]) > 16:
            # A long IN list is tested value by value; as a subquery it becomes a hash join.
            return f"({col} IS NOT NULL AND {col} NOT IN (SELECT unnest([{values}])))"
        return f"({col} IS NOT NULL AND {col} NOT IN ({values}))"
    if etype == "expect_column_values_to_be_between":
        num = f"TRY_CAST({col} AS DOUBLE)"
        parts = []
        if kw.get("min_value") is not None:
            op = "<=" if kw.get("strict_min") else "<"
            parts.append(f"{num} {op} {_num(kw['min_value'])}")
        if kw.get("max_value") is not None:
            op = ">=" if kw.get("strict_max") else ">"
            parts.append(f"{num} {op} {_num(kw['max_value'])}")
        return f"coalesce({' OR '.join(parts)}, false)"
    if etype == "sever_expect_column_values_to_parse_as_timestamp":
        return (
            f"({col} IS NOT NULL AND (NOT regexp_matches({col}, {_lit(kw['regex'])})"
            f" OR TRY_CAST(replace({col}, ',', '.') AS TIMESTAMPTZ) IS NULL))"
        )
    if etype == "sever_expect_column_values_to_parse_as_date":
        return (
            f"({col} IS NOT NULL AND (NOT regexp_matches({col}, {_lit(kw['regex'])})"
            f" OR TRY_CAST({col} AS DATE) IS NULL))"
        )
    if etype == "sever_expect_column_values_to_have_tags":
        # Tags arrive '|'-joined (CSV) or are joined so on staging (JSON).
        return f"({col} IS NULL OR NOT regexp_matches({col}, '[^|[:space:]]'))"
    if etype == "sever_expect_column_values_to_reference":
        ref, rcol = kw["ref_table"], kw["ref_column"]
        return f"({col} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {ref} r WHERE r.{rcol} = {col}))"
    if etype in ("expect_column_values_to_be_unique", "expect_compound_columns_to_be_unique"):
        return None  # computed by the loader's duplicate handling
    raise ValueError(f"no SQL compilation for expectation type {etype!r}")


def row_predicates(
    suite: dict[str, Any], present: set[str], deleting: str | None, *, one_pass: bool = False
) -> list[tuple[int, str]]:
    """(index, predicate) for every row-level expectation whose column is present."""
    out = []
    for i, exp in enumerate(suite["expectations"]):
        col = exp["kwargs"].get("column")
        pred = predicate(exp, one_pass=one_pass) if (col is None or col in present) else None
        if pred is None:
            continue
        if deleting and exp["meta"].get("unless_deleting"):
            pred = f"({pred} AND NOT {deleting})"
        out.append((i, pred))
    return out


def reasons_expr(suite: dict[str, Any], flagged: set[int]) -> str:
    """One string of every quarantine reason of a row, or NULL when it has none."""
    by_key = {expectation_key(e): i for i, e in enumerate(suite["expectations"])}
    parts = []
    for i, exp in enumerate(suite["expectations"]):
        if i not in flagged or exp["meta"]["severity"] != "quarantine":
            continue
        cond = f"e_{i}"
        for key in exp["meta"].get("suppressed_by", []):
            j = by_key.get(key)
            if j is not None and j in flagged:
                cond += f" AND NOT e_{j}"
        parts.append(f"CASE WHEN {cond} THEN {_lit(exp['meta']['reason'])} END")
    if not parts:
        return "CAST(NULL AS VARCHAR)"
    return f"nullif(concat_ws({REASON_SEP}, {', '.join(parts)}), '')"
