-- Dwell: for each outbound payment, hours since the latest inbound one before it.
-- Reads f_ledger, f_fan_in; writes f_dwell for the accounts {accounts} (a query of
-- account_id) that receive from {dwell_min_payers} payers or more and forward money:
-- {into} is 'CREATE OR REPLACE TABLE f_dwell AS' or 'INSERT INTO f_dwell'.
-- Not in features.FILES: features.asked runs it for the accounts the graph stage reads.
{into}
WITH acct AS (
    SELECT account_id FROM ({accounts}) AS a
    WHERE account_id IN (SELECT account_id FROM f_fan_in WHERE payers >= {dwell_min_payers})
),
fwd AS (
    -- Forwarding, not shopping: card and bank payments are not pass-through.
    SELECT sender_id AS account_id, ts, amount_usd FROM f_ledger
    WHERE channel NOT IN ('card', 'bank_transfer')
      AND sender_id IN (SELECT account_id FROM acct)
),
ev AS (
    -- Only accounts that forward have a dwell: the inbound payments of the others would be
    -- sorted for nothing.
    SELECT receiver_id AS account_id, ts, amount_usd, 1 AS is_in FROM f_ledger
    WHERE receiver_id IN (SELECT account_id FROM fwd)
    UNION ALL
    SELECT account_id, ts, amount_usd, 0 FROM fwd
),
keyed AS (
    -- One sort serves both frames: microseconds times two, inbound first at the same instant.
    SELECT *, epoch_us(ts) * 2 + (1 - is_in) AS k FROM ev
),
marked AS (
    SELECT *,
        max(CASE WHEN is_in = 1 THEN ts END) OVER (
            PARTITION BY account_id ORDER BY k
            ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS last_in,
        -- Money that can have been passed on: what came in during the 24 h before, bounds
        -- included (2 * 86,400,000,000 + 1 reaches an inbound payment exactly 24 h earlier).
        sum(CASE WHEN is_in = 1 THEN amount_usd ELSE 0 END) OVER (
            PARTITION BY account_id ORDER BY k
            RANGE BETWEEN 172800000001 PRECEDING AND CURRENT ROW) AS in_24h
    FROM keyed
)
SELECT account_id,
       median(date_diff('second', last_in, ts) / 3600.0) AS median_dwell_h,
       sum(least(amount_usd, in_24h)) AS out_fwd_24h
FROM marked
WHERE is_in = 0 AND last_in IS NOT NULL
GROUP BY account_id
