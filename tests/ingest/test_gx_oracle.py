"""Great Expectations is the oracle for our DuckDB execution of its suites.

Every native expectation in our suites must be a valid GX expectation, and on
real files GX's own pandas engine must count exactly the unexpected rows that
our SQL compilation counts.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd
import pytest

gx = pytest.importorskip("great_expectations")
from great_expectations.expectations.expectation_configuration import (  # noqa: E402
    ExpectationConfiguration,
)

from sever.ingest.load import check, dq_counts, table_map  # noqa: E402
from sever.ingest.readers import discover, stage  # noqa: E402
from sever.ingest.spec import TABLES  # noqa: E402
from sever.ingest.suites import suite_for  # noqa: E402
from sever.warehouse import open_warehouse  # noqa: E402

CORPUS = Path(__file__).parent.parent / "data" / "bad_inputs"
FILES = [
    ("wrong_types", "transactions.csv"),
    ("negative_and_zero_amounts", "transactions.csv"),
    ("bad_timestamps", "transactions.csv"),
    ("unknown_currency_and_channel", "transactions.csv"),
    ("accounts_bad_enums", "accounts.csv"),
    ("fx_rates_bad", "fx_rates.csv"),
    ("parquet_bad_rows", "transactions.parquet"),
]


@pytest.fixture(scope="module")
def batch_for():
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    ctx = gx.get_context(mode="ephemeral")
    asset = ctx.data_sources.add_pandas("oracle").add_dataframe_asset("rows")
    definition = asset.add_batch_definition_whole_dataframe("whole")
    return lambda df: definition.get_batch(batch_parameters={"dataframe": df})


@pytest.mark.parametrize("table", [t.name for t in TABLES])
def test_native_expectations_are_valid_gx(table: str) -> None:
    for exp in suite_for(table)["expectations"]:
        if not exp["type"].startswith("sever_"):
            ExpectationConfiguration(type=exp["type"], kwargs=exp["kwargs"]).to_domain_obj()


@pytest.mark.parametrize(("case", "file_name"), FILES)
def test_gx_counts_what_duckdb_counts(case: str, file_name: str, batch_for) -> None:
    delivery = CORPUS / case / "d1"
    src = next(s for s in discover(delivery, TABLES) if s.path.name == file_name)
    wh = open_warehouse(None)
    present = stage(wh, src)
    tm = table_map(src.table.name)
    ours = dq_counts(wh, check(wh, tm, present))
    frame = wh.run("oracle:rows", f"SELECT {', '.join(present)} FROM chk").df()
    numeric = frame.apply(lambda s: pd.to_numeric(s, errors="coerce"))
    compared = 0
    for result in ours:
        etype = result["expectation_type"]
        if etype.startswith("sever_"):
            continue
        # GX compares numbers only on a numeric column; our SQL casts with TRY_CAST.
        df = numeric if etype == "expect_column_values_to_be_between" else frame
        expectation = ExpectationConfiguration(type=etype, kwargs=result["kwargs"]).to_domain_obj()
        gx_result = batch_for(df).validate(expectation)
        assert gx_result.result["unexpected_count"] == result["unexpected_count"], (etype, result)
        compared += 1
    assert compared > 0
