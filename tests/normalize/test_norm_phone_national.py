"""The SQL fast path for national phone layouts (NANP, GB) agrees with phonenumbers."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sever.normalize import get

PHONE = get("phone")
SEPARATORS = st.sampled_from(["", " ", "-", ".", ") "])


@st.composite
def national(draw) -> tuple[str, str]:
    region = draw(st.sampled_from(["US", "CA", "GB"]))
    first = "0" if region == "GB" else draw(st.sampled_from(["", "1"]))
    body = draw(st.text(alphabet="0123456789", min_size=8, max_size=11))
    cut = draw(st.integers(0, len(body)))
    text = first + body[:cut] + draw(SEPARATORS) + body[cut:]
    return (draw(st.sampled_from(["", "("])) + text).strip(), region


@given(st.lists(national(), min_size=5, max_size=25))
def test_fast_path_agrees_with_python_on_national_layouts(wh, rows) -> None:
    fast = PHONE.sql("v", "r", "p")
    got = wh.con.execute(
        f"SELECT v, r, {fast.value} FROM (SELECT unnest(?) AS v, unnest(?) AS r)",
        [[v for v, _ in rows], [r for _, r in rows]],
    ).fetchall()
    for value, region, sql_value in got:
        if sql_value is not None:
            python = PHONE.normalise(value, region=region)
            assert (sql_value, True) == (python.value, python.valid), (value, region)


def test_common_layouts_are_decided_in_sql(wh) -> None:
    fast = PHONE.sql("v", "r", "p")
    rows = [("(415) 555-2671", "US"), ("1 415 555 2671", "CA"), ("07700 900033", "GB")]
    got = [
        wh.con.execute(f"SELECT {fast.value} FROM (SELECT ? AS v, ? AS r)", list(row)).fetchone()[0]
        for row in rows
    ]
    assert got == ["+14155552671", "+14155552671", "+447700900033"]
