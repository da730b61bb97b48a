"""The rolling windows of f_rule_account_day, in the two forms a build evaluates them.

One list says what each windowed feature sums over `_rw_daily` (the per-account daily
aggregates of `features/sql/05_rule_windows.sql`); `windows_sql` renders it as the `w`
step of that file, either with window frames over every active day (full builds: one
sort serves all days) or, for an incremental build of a few days, as one group-by over
the few output days joined with the days before them (frames would evaluate every
day of every touched account only to keep the last ones). Both read the same rows and
give the same values; tests/rules/test_feature_increments.py holds them equal.
"""

from __future__ import annotations

from dataclasses import dataclass

# Incremental builds writing at most this many days use the group-by form.
JOIN_MAX_DAYS = 7


@dataclass(frozen=True)
class Window:
    name: str  # the output column
    source: str  # a `_rw_daily` column, or an expression over `{x}` (the row's alias)
    days: int  # 1: that day alone; k: the k days ending on it
    ended: str | None = None  # for distinct counters: runs started (source) minus ended


def _w(name: str, source: str, days: int, ended: str | None = None) -> Window:
    return Window(name, source, days, ended)


WINDOWS: tuple[Window, ...] = (
    _w("in_count_24h", "in_n", 1),
    _w("in_count_72h", "in_n", 3),
    _w("in_count_30d", "in_n", 30),
    _w("in_usd_24h", "in_usd", 1),
    _w("in_usd_72h", "in_usd", 3),
    _w("in_usd_30d", "in_usd", 30),
    _w("distinct_payers_24h", "payers", 1),
    _w("distinct_payers_72h", "st_payers_3", 3, "en_payers_3"),
    _w("distinct_payers_30d", "st_payers_30", 30, "en_payers_30"),
    _w("distinct_first_time_payers_24h", "new_payers", 1),
    _w("distinct_first_time_payers_72h", "new_payers", 3),
    _w("distinct_first_time_payers_30d", "new_payers", 30),
    _w("distinct_minor_payers_24h", "minor_payers", 1),
    _w("distinct_minor_payers_72h", "st_minor_3", 3, "en_minor_3"),
    _w("distinct_minor_payers_30d", "st_minor_30", 30, "en_minor_30"),
    _w("distinct_minor_payers_gift_card_24h", "minor_gc_payers", 1),
    _w("distinct_minor_payers_gift_card_72h", "st_minor_gc_3", 3, "en_minor_gc_3"),
    _w("repeat_payers_24h", "repeat_payers", 1),
    _w("escalating_payers_24h", "escalating_payers", 1),
    _w("in_night_24h", "in_night", 1),
    _w("in_night_72h", "in_night", 3),
    _w("plea_memo_count_24h", "in_plea", 1),
    _w("plea_memo_count_72h", "in_plea", 3),
    _w("in_gc_crypto_24h", "in_gc_crypto", 1),
    _w("in_gc_crypto_72h", "in_gc_crypto", 3),
    _w("out_fwd_24h", "out_fwd", 1),
    _w("out_fwd_72h", "out_fwd", 3),
    _w("out_count_24h", "out_n", 1),
    _w("out_count_72h", "out_n", 3),
    _w("out_count_30d", "out_n", 30),
    _w("out_usd_24h", "out_usd", 1),
    _w("out_usd_72h", "out_usd", 3),
    _w("out_usd_30d", "out_usd", 30),
    _w("distinct_payees_24h", "payees", 1),
    _w("distinct_payees_72h", "st_payees_3", 3, "en_payees_3"),
    _w("distinct_payees_30d", "st_payees_30", 30, "en_payees_30"),
    _w("distinct_first_time_payees_24h", "new_payees", 1),
    _w("distinct_first_time_payees_72h", "new_payees", 3),
    _w("first_time_payee_payments_24h", "new_payee_payments", 1),
    _w("max_payments_to_one_payee_24h", "max_to_one_payee", 1),
    _w("escalating_payees_24h", "escalating_payees", 1),
    _w("out_night_24h", "out_night", 1),
    _w("out_night_72h", "out_night", 3),
    _w("out_plea_memo_count_24h", "out_plea", 1),
    _w("out_plea_memo_count_72h", "out_plea", 3),
    _w("out_gift_card_crypto_usd_24h", "out_gc_crypto", 1),
    _w("out_gift_card_crypto_usd_72h", "out_gc_crypto", 3),
    _w("cashout_out_usd_24h", "out_cashout", 1),
    _w("cashout_out_usd_72h", "out_cashout", 3),
    _w("abroad_out_usd_72h", "out_abroad", 3),
    _w("abroad_out_usd_30d", "out_abroad", 30),
    _w("concern_out_usd_72h", "out_concern", 3),
    _w("concern_out_usd_30d", "out_concern", 30),
    _w("small_concern_remittances_30d", "small_n", 30),
    _w("small_concern_receivers_30d", "st_small_30", 30, "en_small_30"),
    _w("small_concern_days_30d", "CASE WHEN {x}small_n > 0 THEN 1 ELSE 0 END", 30),
    _w("small_concern_night_30d", "small_night", 30),
    _w("small_concern_innocuous_memos_30d", "small_innocuous", 30),
)


def _col(source: str, alias: str) -> str:
    x = f"{alias}." if alias else ""
    return source.format(x=x) if "{x}" in source else x + source


def _frame(w: Window) -> str:
    src = _col(w.source, "")
    if w.ended:
        return f"sum({src}) OVER run - coalesce(sum({w.ended}) OVER ended{w.days}, 0)"
    return src if w.days == 1 else f"sum({src}) OVER w{w.days}"


def _grouped(w: Window) -> str:
    # `t` is the output day's row, `s` every row of the account up to it (from data_from).
    src = _col(w.source, "s")
    if w.ended:
        return f"sum({src}) - coalesce(sum(s.{w.ended}) FILTER (WHERE s.dn <= t.dn - {w.days}), 0)"
    if w.days == 1:
        return f"any_value({_col(w.source, 't')})"
    return f"sum({src}) FILTER (WHERE s.dn > t.dn - {w.days})"


_FRAMES = """
    WINDOW
        run AS (PARTITION BY account_id ORDER BY dn ROWS UNBOUNDED PRECEDING),
        ended3 AS (PARTITION BY account_id ORDER BY dn
                   RANGE BETWEEN UNBOUNDED PRECEDING AND 3 PRECEDING),
        ended30 AS (PARTITION BY account_id ORDER BY dn
                    RANGE BETWEEN UNBOUNDED PRECEDING AND 30 PRECEDING),
        w3 AS (PARTITION BY account_id ORDER BY dn RANGE BETWEEN 2 PRECEDING AND CURRENT ROW),
        w30 AS (PARTITION BY account_id ORDER BY dn RANGE BETWEEN 29 PRECEDING AND CURRENT ROW)"""


def windows_sql(grouped: bool, from_dn: str) -> str:
    """SELECT account_id, dn and every window of `_rw_daily`, for the days from `from_dn`."""
    if not grouped:
        cols = ",\n        ".join(f"{_frame(w)} AS {w.name}" for w in WINDOWS)
        return f"SELECT account_id, dn,\n        {cols}\n    FROM _rw_daily{_FRAMES}"
    cols = ",\n        ".join(f"{_grouped(w)} AS {w.name}" for w in WINDOWS)
    return (
        f"SELECT t.account_id, t.dn,\n        {cols}\n"
        "    FROM _rw_daily t JOIN _rw_daily s ON s.account_id = t.account_id AND s.dn <= t.dn\n"
        f"    WHERE t.dn >= {from_dn}\n"
        "    GROUP BY t.account_id, t.dn"
    )
