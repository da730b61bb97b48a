"""normalise_distinct: SQL fast path and Python fallback together, one row per source row."""

from __future__ import annotations

import pytest

from sever.errors import SqlError
from sever.normalize import normalise_distinct, normalise_value

ROWS = [  # id_type, value, region, platform
    ("email", "Foo.Bar+x@GoogleMail.com", None, None),  # fast path
    ("email", "ü@Bücher.de", None, None),  # non-ASCII: Python
    ("email", "not-an-email", None, None),  # invalid: Python (for the note)
    ("phone", "+1 415-555-2671", "US", None),  # fast path
    ("phone", "(415) 555-2671", "US", None),  # national NANP layout: fast path
    ("phone", "+44 0 20 7946 0000", None, None),  # national prefix after +: Python
    ("username", "@Jane_Doe", None, "IG"),  # fast path
    ("payment_handle", "https://cash.app/$JohnDoe", None, None),  # fast path
    ("device_id", "{ABCDEF01-2345-6789-ABCD-EF0123456789}", None, None),  # fast path
    ("card_fingerprint", " Xy12Ab ", None, None),  # fast path
    ("bank_account", "DE89 3704 0044 0532 0130 00", None, None),  # IBAN: Python
    ("bank_account", "12-3456-7", None, None),  # fast path
    ("ip", "1.2.3.4:443", None, None),  # fast path
    ("ip", "::ffff:1.2.3.4", None, None),  # IPv6: Python
    ("domain", "WWW.Example.com.", None, None),  # fast path
    ("url", "HTTP://Example.COM:80/a?utm_source=x#f", None, None),  # Python only
    ("crypto_address", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb", None, None),  # bad checksum
    ("fax", " 555 ", None, None),  # unknown id type, decided in SQL
    ("fax", "\xa0555", None, None),  # unknown id type, non-ASCII: Python
    ("email", None, None, None),  # missing value
]


@pytest.fixture
def source(wh):
    wh.run("test:drop", "DROP TABLE IF EXISTS norm_src")
    wh.run(
        "test:source",
        "CREATE TABLE norm_src (id_type VARCHAR, value VARCHAR, region VARCHAR, platform VARCHAR)",
    )
    wh.con.executemany("INSERT INTO norm_src VALUES (?, ?, ?, ?)", ROWS)
    return "norm_src"


def test_normalise_distinct_mixes_fast_path_and_python(wh, source: str) -> None:
    counts = normalise_distinct(wh, source, "norm_out")
    assert counts["rows"] == len(ROWS)
    assert counts["fast_path"] + counts["python"] == len(ROWS)
    assert counts["fast_path"] == 11  # the 10 rows commented "fast path", and " 555 "
    out = wh.rows(
        "test:read",
        "SELECT id_type, value, region, platform, value_norm, valid, note FROM norm_out",
    )
    assert len(out) == len(ROWS)
    by_key = {(t, v, r, p): (n, ok, note) for t, v, r, p, n, ok, note in out}
    for id_type, value, region, platform in ROWS:
        expected = normalise_value(id_type, value or "", region, platform)
        assert by_key[(id_type, value, region, platform)] == (
            expected.value,
            expected.valid,
            expected.note,
        )
    assert by_key[("email", "Foo.Bar+x@GoogleMail.com", None, None)][0] == "foobar@gmail.com"
    assert by_key[("fax", " 555 ", None, None)] == ("555", False, "unknown id_type")
    assert counts["invalid"] == sum(not ok for _, ok, _ in by_key.values())


def test_column_types_and_replacement(wh, source: str) -> None:
    normalise_distinct(wh, source, "norm_out2")
    normalise_distinct(wh, source, "norm_out2")  # replaces, does not append
    types = dict(wh.rows("test:types", "SELECT column_name, column_type FROM (DESCRIBE norm_out2)"))
    assert types == {
        "id_type": "VARCHAR", "value": "VARCHAR", "region": "VARCHAR", "platform": "VARCHAR",
        "value_norm": "VARCHAR", "valid": "BOOLEAN", "note": "VARCHAR",
    }  # fmt: skip
    assert wh.scalar("test:count", "SELECT count(*) FROM norm_out2") == len(ROWS)


def test_chunks_of_python_rows(wh, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sever.normalize.batch.CHUNK", 7)
    wh.run(
        "test:source",
        "CREATE OR REPLACE TABLE norm_src3 AS SELECT 'url' AS id_type,"
        " 'Example.com/' || i AS value, NULL::VARCHAR AS region, NULL::VARCHAR AS platform"
        " FROM range(30) t(i)",
    )
    counts = normalise_distinct(wh, "norm_src3", "norm_out3")
    assert counts == {"rows": 30, "fast_path": 0, "python": 30, "invalid": 0}
    assert wh.scalar("test:null", "SELECT count(*) FROM norm_out3 WHERE value_norm IS NULL") == 0


def test_empty_source(wh) -> None:
    wh.run(
        "test:source",
        "CREATE OR REPLACE TABLE norm_empty (id_type VARCHAR, value VARCHAR,"
        " region VARCHAR, platform VARCHAR)",
    )
    assert normalise_distinct(wh, "norm_empty", "norm_out4") == {
        "rows": 0, "fast_path": 0, "python": 0, "invalid": 0,
    }  # fmt: skip


def test_missing_source_is_a_sql_error(wh) -> None:
    with pytest.raises(SqlError):
        normalise_distinct(wh, "no_such_table", "norm_out5")
