"""The rolling windows of f_rule_account_day, in the two forms a build evaluates them.

One list says what each windowed feature sums, over `_rw_daily` (the per-account daily
aggregates of `features/sql/05_rule_windows.sql`) and over the kept pair-days
(`f_rule_pair_kept`). `windows_sql` renders it as the `w` step of that file: with window
frames over every active day of `_rw_daily` (full builds, and incremental ones of many
days: one sort serves all days), or, for a nightly build of a few days, as one group-by
of the kept pair-days of the accounts active on those days, in the 30 days up to each.
There a distinct counter counts the pairs whose first qualifying day in the window is
that row's: its previous qualifying day (kept with the row) lies before the window. Both
forms give the same values; tests/rules/test_feature_increments.py holds them equal.
"""

from __future__ import annotations

from dataclasses import dataclass

# Incremental builds writing fewer days than this use the kept pair-days.
JOIN_MAX_DAYS = 7
LONGEST = 30  # days: the longest window, and how far back a long incremental build reads


@dataclass(frozen=True)
class Window:
    name: str  # the output column
    source: str  # a `_rw_daily` column, or an expression over `{x}` (the row's alias)
    days: int  # 1: that day alone; k: the k days ending on it
    ended: str | None = None  # for distinct counters: runs started (source) minus ended
    # Over the kept pair-days `k` of the account on `side` (i: payee, o: payer, s: its days
    # with a small remittance to a jurisdiction of concern): `pair` summed (or, with `agg`
    # max, its largest); a distinct counter counts the rows where `pair` holds and `prv`
    # (the pair's previous such day) lies before the window.
    side: str = "i"
    pair: str = "1"
    prv: str | None = None
    agg: str = "sum"


SUFFIX = {1: "24h", 3: "72h", 30: "30d"}


def _sums(name: str, source: str, side: str, pair: str, *days: int, agg="sum") -> tuple:
    """`name_24h`, `name_72h`, ...: the source summed over each of those spans."""
    return tuple(
        Window(f"{name}_{SUFFIX[d]}", source, d, None, side, pair, None, agg) for d in days
    )


def _distinct(name: str, daily: str, runs: str, side: str, flag: str, prv: str, *days: int):
    """A distinct counter: the day's own count, and over longer spans from its runs."""
    out = [Window(f"{name}_24h", daily, 1, None, side, flag, prv)] if 1 in days else []
    out += [
        Window(f"{name}_{SUFFIX[d]}", f"st_{runs}_{d}", d, f"en_{runs}_{d}", side, flag, prv)
        for d in days
        if d > 1
    ]
    return tuple(out)


_FIRST = "CASE WHEN k.dn = k.first_dn THEN {} ELSE 0 END"  # a pair's first day
_IF = "CASE WHEN {} THEN 1 ELSE 0 END"

WINDOWS: tuple[Window, ...] = (
    *_sums("in_count", "in_n", "i", "k.n", 1, 3, 30),
    *_sums("in_usd", "in_usd", "i", "k.usd", 1, 3, 30),
    *_distinct("distinct_payers", "payers", "payers", "i", "true", "prv", 1, 3, 30),
    *_sums("distinct_first_time_payers", "new_payers", "i", _FIRST.format(1), 1, 3, 30),
    *_distinct(
        "distinct_minor_payers", "minor_payers", "minor", "i", "k.minor", "prv_minor", 1, 3, 30
    ),
    *_distinct(
        "distinct_minor_payers_gift_card",
        "minor_gc_payers",
        "minor_gc",
        "i",
        "k.minor_gc",
        "prv_minor_gc",
        1,
        3,
    ),
    *_sums("repeat_payers", "repeat_payers", "i", _IF.format("k.n >= 2"), 1),
    *_sums("escalating_payers", "escalating_payers", "i", _IF.format("k.escalating"), 1),
    *_sums("in_night", "in_night", "i", "k.n_night", 1, 3),
    *_sums("plea_memo_count", "in_plea", "i", "k.n_plea", 1, 3),
    *_sums("in_gc_crypto", "in_gc_crypto", "i", "k.n_gc_crypto", 1, 3),
    *_sums("out_fwd", "out_fwd", "o", "k.usd_fwd", 1, 3),
    *_sums("out_count", "out_n", "o", "k.n", 1, 3, 30),
    *_sums("out_usd", "out_usd", "o", "k.usd", 1, 3, 30),
    *_distinct("distinct_payees", "payees", "payees", "o", "true", "prv", 1, 3, 30),
    *_sums("distinct_first_time_payees", "new_payees", "o", _FIRST.format(1), 1, 3),
    *_sums("first_time_payee_payments", "new_payee_payments", "o", _FIRST.format("k.n"), 1),
    *_sums("max_payments_to_one_payee", "max_to_one_payee", "o", "k.n", 1, agg="max"),
    *_sums("escalating_payees", "escalating_payees", "o", _IF.format("k.escalating"), 1),
    *_sums("out_night", "out_night", "o", "k.n_night", 1, 3),
    *_sums("out_plea_memo_count", "out_plea", "o", "k.n_plea", 1, 3),
    *_sums("out_gift_card_crypto_usd", "out_gc_crypto", "o", "k.usd_gc_crypto", 1, 3),
    *_sums("cashout_out_usd", "out_cashout", "o", "k.usd_cashout", 1, 3),
    *_sums("abroad_out_usd", "out_abroad", "o", "k.usd_abroad", 3, 30),
    *_sums("concern_out_usd", "out_concern", "o", "k.usd_concern", 3, 30),
    *_sums("small_concern_remittances", "small_n", "o", "k.n_small", 30),
    *_distinct("small_concern_receivers", "", "small", "o", "k.small", "prv_small", 30),
    *_sums("small_concern_days", "CASE WHEN {x}small_n > 0 THEN 1 ELSE 0 END", "s", "1", 30),
    *_sums("small_concern_night", "small_night", "o", "k.n_small_night", 30),
    *_sums("small_concern_innocuous_memos", "small_innocuous", "o", "k.n_small_innocuous", 30),
)


def _col(source: str, alias: str) -> str:
    x = f"{alias}." if alias else ""
    return source.format(x=x) if "{x}" in source else x + source


def _frame(w: Window) -> str:
    src = _col(w.source, "")
    if w.ended:
        return f"sum({src}) OVER run - coalesce(sum({w.ended}) OVER ended{w.days}, 0)"
    return src if w.days == 1 else f"sum({src}) OVER w{w.days}"


def _kept(w: Window) -> str:
    # `t` is the output day's row, `k` a kept pair-day of the account in the 30 days up to it.
    rows = f"k.dn > t.dn - {w.days}"
    if w.prv:
        first = f"(k.{w.prv} IS NULL OR k.{w.prv} <= t.dn - {w.days})"
        return f"count(*) FILTER (WHERE {rows} AND {w.pair} AND {first})"
    return f"{w.agg}({w.pair}) FILTER (WHERE {rows})"


# Where each side's pair-days come from, and the account's column in them.
_SIDES = {
    "i": ("f_rule_pair_kept", "payee"),
    "o": ("f_rule_pair_kept", "payer"),
    # The days the account sent a small remittance to a jurisdiction of concern.
    "s": ("(SELECT payer, dn FROM f_rule_pair_kept WHERE small GROUP BY payer, dn)", "payer"),
}


def _kept_sql(from_dn: str) -> str:
    # One group-by per side: a pair-day evaluates the aggregates of its own side only.
    sides = []
    for side, (source, key) in _SIDES.items():
        cols = ",\n            ".join(f"{_kept(w)} AS {w.name}" for w in WINDOWS if w.side == side)
        sides.append(
            f"""{side} AS (
        SELECT t.account_id, t.dn,
            {cols}
        FROM t JOIN {source} k ON k.{key} = t.account_id
             AND k.dn <= t.dn AND k.dn > t.dn - {LONGEST}
        GROUP BY t.account_id, t.dn
    )"""
        )
    cols = ",\n        ".join(f"coalesce({w.side}.{w.name}, 0) AS {w.name}" for w in WINDOWS)
    joins = " ".join(f"LEFT JOIN {x} USING (account_id, dn)" for x in _SIDES)
    return f"""WITH t AS (
        -- The held accounts active on the days written, and those days.
        SELECT account_id, dn FROM (
            SELECT payee AS account_id, dn FROM f_rule_pair_kept WHERE dn >= {from_dn}
            UNION ALL
            SELECT payer, dn FROM f_rule_pair_kept WHERE dn >= {from_dn}
        ) AS a
        WHERE account_id IN (SELECT account_id FROM accounts WHERE kind <> 'external')
        GROUP BY account_id, dn
    ),
    {", ".join(sides)}
    SELECT t.account_id, t.dn,
        {cols}
    FROM t {joins}"""


# The kept pair-days before the first day a nightly build writes, of the pairs with payments
# on its days (`flagged` in step 1): the previous days and 72 h sums of those payments.
PAIR_CONTEXT = """
    UNION ALL
    SELECT k.payer, k.payee, k.dn, k.n, k.usd, k.n_gift_card, k.n_gc_crypto, k.usd_gc_crypto,
           k.n_plea, k.n_night, k.usd_abroad, k.usd_concern, k.usd_cashout, k.usd_fwd,
           k.n_small, k.n_small_night, k.n_small_innocuous, k.first_usd, k.last_usd, k.max_usd,
           k.minor, k.small, k.escalating, k.first_dn, true
    FROM f_rule_pair_kept k
    WHERE k.dn >= {from_dn} - {longest} AND k.dn < {from_dn}
      AND EXISTS (SELECT 1 FROM flagged f WHERE f.payer = k.payer AND f.payee = k.payee)"""


_FRAMES = """
    WINDOW
        run AS (PARTITION BY account_id ORDER BY dn ROWS UNBOUNDED PRECEDING),
        ended3 AS (PARTITION BY account_id ORDER BY dn
                   RANGE BETWEEN UNBOUNDED PRECEDING AND 3 PRECEDING),
        ended30 AS (PARTITION BY account_id ORDER BY dn
                    RANGE BETWEEN UNBOUNDED PRECEDING AND 30 PRECEDING),
        w3 AS (PARTITION BY account_id ORDER BY dn RANGE BETWEEN 2 PRECEDING AND CURRENT ROW),
        w30 AS (PARTITION BY account_id ORDER BY dn RANGE BETWEEN 29 PRECEDING AND CURRENT ROW)"""


def windows_sql(kept: bool, from_dn: str) -> str:
    """SELECT account_id, dn and every window, for the days from `from_dn`."""
    if kept:
        return _kept_sql(from_dn)
    cols = ",\n        ".join(f"{_frame(w)} AS {w.name}" for w in WINDOWS)
    return f"SELECT account_id, dn,\n        {cols}\n    FROM _rw_daily{_FRAMES}"


def pair_context(from_dn: str) -> str:
    return PAIR_CONTEXT.format(from_dn=from_dn, longest=LONGEST)
