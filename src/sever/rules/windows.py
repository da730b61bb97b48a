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


SUFFIX = {1: "24h", 3: "72h", 30: "30d"}


def _sums(name: str, source: str, *days: int) -> tuple[Window, ...]:
    """`name_24h`, `name_72h`, ...: the source summed over each of those spans."""
    return tuple(Window(f"{name}_{SUFFIX[d]}", source, d) for d in days)


def _distinct(name: str, daily: str, runs: str, *days: int) -> tuple[Window, ...]:
    """A distinct counter: the day's own count, and over longer spans from its runs."""
    out = [Window(f"{name}_24h", daily, 1)] if 1 in days else []
    out += [
        Window(f"{name}_{SUFFIX[d]}", f"st_{runs}_{d}", d, f"en_{runs}_{d}") for d in days if d > 1
    ]
    return tuple(out)


WINDOWS: tuple[Window, ...] = (
    *_sums("in_count", "in_n", 1, 3, 30),
    *_sums("in_usd", "in_usd", 1, 3, 30),
    *_distinct("distinct_payers", "payers", "payers", 1, 3, 30),
    *_sums("distinct_first_time_payers", "new_payers", 1, 3, 30),
    *_distinct("distinct_minor_payers", "minor_payers", "minor", 1, 3, 30),
    *_distinct("distinct_minor_payers_gift_card", "minor_gc_payers", "minor_gc", 1, 3),
    *_sums("repeat_payers", "repeat_payers", 1),
    *_sums("escalating_payers", "escalating_payers", 1),
    *_sums("in_night", "in_night", 1, 3),
    *_sums("plea_memo_count", "in_plea", 1, 3),
    *_sums("in_gc_crypto", "in_gc_crypto", 1, 3),
    *_sums("out_fwd", "out_fwd", 1, 3),
    *_sums("out_count", "out_n", 1, 3, 30),
    *_sums("out_usd", "out_usd", 1, 3, 30),
    *_distinct("distinct_payees", "payees", "payees", 1, 3, 30),
    *_sums("distinct_first_time_payees", "new_payees", 1, 3),
    *_sums("first_time_payee_payments", "new_payee_payments", 1),
    *_sums("max_payments_to_one_payee", "max_to_one_payee", 1),
    *_sums("escalating_payees", "escalating_payees", 1),
    *_sums("out_night", "out_night", 1, 3),
    *_sums("out_plea_memo_count", "out_plea", 1, 3),
    *_sums("out_gift_card_crypto_usd", "out_gc_crypto", 1, 3),
    *_sums("cashout_out_usd", "out_cashout", 1, 3),
    *_sums("abroad_out_usd", "out_abroad", 3, 30),
    *_sums("concern_out_usd", "out_concern", 3, 30),
    *_sums("small_concern_remittances", "small_n", 30),
    *_distinct("small_concern_receivers", "", "small", 30),
    *_sums("small_concern_days", "CASE WHEN {x}small_n > 0 THEN 1 ELSE 0 END", 30),
    *_sums("small_concern_night", "small_night", 30),
    *_sums("small_concern_innocuous_memos", "small_innocuous", 30),
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
