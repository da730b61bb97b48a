"""Malformed inputs give clear errors that name what is missing, and change nothing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sar_synthetic import build_small_case

from sever.cases import open_case
from sever.errors import ExitCode, UserError
from sever.sar import draft, load_institution
from sever.sar.config import ENV_VAR, required_fields
from sever.warehouse import Warehouse, open_warehouse


@pytest.fixture
def mem() -> Iterator[Warehouse]:
    wh = open_warehouse(None, memory_limit=None)
    yield wh
    wh.close()


def test_missing_institution_config_names_every_required_field(monkeypatch) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)
    with pytest.raises(UserError) as err:
        load_institution(None)
    message = str(err.value)
    assert "--institution" in message and ENV_VAR in message
    for field in (
        "transmitter.tcc",
        "filing_institution.tin",
        "filing_institution.contact_office.phone",
    ):
        assert field in message
    assert err.value.exit_code == ExitCode.USER_ERROR


def test_incomplete_institution_config_lists_what_is_missing(tmp_path) -> None:
    path = tmp_path / "inst.yaml"
    path.write_text(
        "transmitter:\n  name: X Pay\n  tin: 123\nfiling_institution:\n  name: X Pay\n"
        "  organization_type: bank\n",
        encoding="utf-8",
    )
    with pytest.raises(UserError) as err:
        load_institution(path)
    message = str(err.value)
    for field in ("transmitter.tcc", "transmitter.address", "filing_institution.tin",
                  "filing_institution.contact_office"):  # fmt: skip
        assert field in message
    assert "filing_institution.organization_type" in message and "msb" in message
    assert "transmitter.tin" not in message.split("invalid")[0], "a number is a fine TIN"


def test_the_config_file_must_exist(tmp_path) -> None:
    with pytest.raises(UserError, match="not found"):
        load_institution(tmp_path / "nope.yaml")


def test_every_required_field_is_known() -> None:
    assert "transmitter.address.country" in required_fields()
    assert not any(f.startswith("goaml") for f in required_fields()), "goAML is optional"


def test_mixed_currencies_without_rates_name_the_currencies(mem, detection, institution) -> None:
    ids = build_small_case(mem, ["USD", "EUR", "JPY", "EUR"])
    case_id = open_case(mem, ids, "ana")["case_id"]
    with pytest.raises(UserError) as err:
        draft(mem, case_id, "ana", detection, institution)
    message = str(err.value)
    assert "EUR (2 transaction(s))" in message and "JPY (1 transaction(s))" in message
    assert "USD" not in message.split(":")[1].split(".")[0], "USD needs no rate"
    assert "fx_rates" in message
    assert mem.scalar("t", "SELECT count(*) FROM sar_documents") == 0
    assert mem.scalar("t", "SELECT state FROM cases") == "draft"


def test_rates_make_mixed_currencies_fine(mem, detection, institution) -> None:
    ids = build_small_case(mem, ["USD", "EUR"], rates=True)
    case_id = open_case(mem, ids, "ana")["case_id"]
    result = draft(mem, case_id, "ana", detection, institution)
    assert result["evidence"].total_usd == 50 + 75  # EUR at 1.5
    assert "Amounts paid in EUR are converted to USD" in result["narrative"].flat


def test_a_case_with_only_victims_is_refused(mem) -> None:
    ids = build_small_case(mem, ["USD"])
    with pytest.raises(UserError, match="no subject"):
        open_case(mem, [ids[1]], "ana")


def test_a_finished_case_cannot_be_redrafted(mem, detection, institution) -> None:
    from sever.cases import close_no_file

    ids = build_small_case(mem, ["USD"])
    case_id = open_case(mem, ids, "ana")["case_id"]
    close_no_file(mem, case_id, "bob", "duplicate of another case")
    with pytest.raises(UserError, match="finished"):
        draft(mem, case_id, "ana", detection, institution)
